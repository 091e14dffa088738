#pragma once
// The ranker comparison page ("compare"): for the selected model, every ranker with experiments
// side by side — metric vs BER at a chosen protection and vs protection at a chosen BER (CI
// bands), VUS bars with CI whiskers (best first, those indistinguishable from the best solid),
// the cost of each ranker (ranking time) against its VUS, the overlap of each ranking with a
// chosen baseline vs protection, precision@k against the oracle (global order), and the plane
// and global orders of one method side by side.
//
// The numbers are the engine's (computeComparison, rank_quality.h, ranking_overlap.h), computed
// in Qt's thread pool (async_ticket.h): a new selection cancels the running computation and a
// result that arrives for an older selection is dropped. Only drawing happens on the GUI thread.
#include <QList>
#include <memory>
#include <thread>

#include "widgets/compare/async_ticket.h"
#include "widgets/compare/compare_data.h"
#include "widgets/compare/message_stack.h"
#include "widgets/page.h"

class QComboBox;
class QLabel;
class QTabWidget;

namespace netsurf::widgets {

class PlotPanel;

class ComparePage : public Page {
    Q_OBJECT
public:
    explicit ComparePage(QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("compare"); }
    QString title() const override { return tr("Compare rankers"); }
    void showModel(const ModelSelector& model) override;
    bool ready() const override { return m_ready; }
    // A run's compare job that ends reloads what it changed (the shown model / the workspace).
    void setController(app::JobController* controller) override;
    QList<QCustomPlot*> plots() const override;
    QStringList views() const override; // "rankers", "overlap", "plane-global" (the tabs)
    bool showView(const QString& view) override;

    // What is shown (tests, export file names).
    const CompareData* data() const { return m_data.get(); }
    const GroupComparison* group() const;
    std::string metric() const;
    QString message() const; // the page-wide message ("" when the plots are shown)
    PlotPanel* panel(const QString& name) const; // "ber", "protection", "vus", "cost", "overlap",
                                                 // "precision", "plane_global_ber",
                                                 // "plane_global_protection"
    QTabWidget* tabs() const { return m_tabs; }
    std::size_t staleResultsDropped() const { return m_load.dropped() + m_overlapJob.dropped(); }
    // The selectors, for tests and the main window's QSettings.
    QComboBox* selector(const QString& name) const; // "group", "metric", "protection", "ber",
                                                    // "baseline", "measure", "method"

private:
    QWidget* createToolbar();
    QWidget* createCurvesTab();
    QWidget* createOverlapTab();
    QWidget* createPlaneGlobalTab();
    PlotPanel* addPanel(const QString& name, const QString& title);
    void setReady(bool ready);
    void showPageMessage(const QString& text);
    void applyData(Result<CompareData> result);
    void fillGroupSelectors();
    void fillBaselineSelector();
    void requestOverlap();
    void startOverlapJob(const std::string& baselineId);
    void redrawAll();
    void redrawCurves();
    void redrawOverlap();
    void redrawPlaneGlobal();

    ModelSelector m_model;
    std::shared_ptr<const CompareData> m_data;
    std::vector<OverlapCurve> m_overlap;   // against the selected baseline
    std::string m_overlapReference;        // its id
    std::vector<OverlapCurve> m_precision; // against the oracle
    bool m_overlapPending = false;         // the overlap curves of m_data are being computed
    bool m_precisionPending = false;
    bool m_ready = false;
    AsyncTicket m_load, m_overlapJob;

    QComboBox *m_group, *m_metric, *m_protection, *m_ber, *m_baseline, *m_measure, *m_method;
    QLabel* m_summary = nullptr;
    MessageStack* m_stack = nullptr;
    QTabWidget* m_tabs = nullptr;
    QList<QPair<QString, PlotPanel*>> m_panels;
};

} // namespace netsurf::widgets
