#pragma once
// The sweep overview page ("overview"): every model of the workspace with experiments, reduced to
// the VUS of each ranker — against pruning (one benchmark and scheme), against the scheme (one
// benchmark and pruning) — and per ranker a box plot of the metric's cell means over the grids
// of the models selected (the scheme's models, the benchmark's, or the selected model only).
//
// The comparisons are the engine's (computeComparison per model), computed in Qt's thread pool
// (async_ticket.h) when the page is shown a workspace it has not read yet, or on reload(); a
// result for a workspace no longer shown is dropped. Choosing another model of the same
// workspace only redraws.
#include <QList>
#include <atomic>
#include <memory>

#include "widgets/compare/async_ticket.h"
#include "widgets/compare/message_stack.h"
#include "widgets/compare/overview_data.h"
#include "widgets/page.h"

class QComboBox;
class QPushButton;
class QTimer;

namespace netsurf::widgets {

class PlotPanel;

class OverviewPage : public Page {
    Q_OBJECT
public:
    explicit OverviewPage(QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("overview"); }
    QString title() const override { return tr("Sweep overview"); }
    void showModel(const ModelSelector& model) override;
    bool ready() const override { return m_ready; }
    // A run's compare job that ends reloads what it changed (the shown model / the workspace).
    void setController(app::JobController* controller) override;
    QList<QCustomPlot*> plots() const override;
    // Reads the workspace again (new experiments since it was shown).
    void reload();

    const OverviewData* data() const { return m_data.get(); }
    QString message() const;                        // the page-wide message, "" with the plots
    PlotPanel* panel(const QString& name) const;    // "pruning", "scheme", "boxes"
    QComboBox* selector(const QString& name) const; // "benchmark", "scheme", "pruning",
                                                    // "metric", "scope"
    std::size_t staleResultsDropped() const { return m_load.dropped(); }

private:
    QWidget* createToolbar();
    void setReady(bool ready);
    void showPageMessage(const QString& text);
    void load(const std::filesystem::path& workspace);
    void applyData(Result<OverviewData> result);
    // The choices the data offers; followModel: select the shown model's benchmark, scheme and
    // pruning (else keep the current choices where possible).
    void fillSelectors(bool followModel);
    void redraw();
    std::vector<const OverviewModel*> select(bool sameScheme, bool samePruning) const;
    void showEvent(QShowEvent* event) override;

    ModelSelector m_model;
    std::filesystem::path m_workspace;
    std::shared_ptr<const OverviewData> m_data;
    std::shared_ptr<std::atomic<int>> m_done;
    bool m_ready = false;
    bool m_stale = false; // a compare job ended while the page was hidden
    AsyncTicket m_load;

    QComboBox *m_benchmark, *m_scheme, *m_pruning, *m_metric, *m_scope;
    QPushButton* m_reload = nullptr;
    MessageStack* m_stack = nullptr;
    QTimer* m_progress = nullptr;
    PlotPanel *m_vsPruning, *m_vsScheme, *m_boxes;
};

} // namespace netsurf::widgets
