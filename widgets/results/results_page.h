#pragma once
// The results page (the default page): one experiment of the selected model as three plots read
// side by side — the metric vs BER (one curve per protection level, 95 % CI bands), the metric vs
// protection (one curve per BER) and a BER × protection heatmap — with the clean model's value as
// a reference. An experiment selector (every experiment of the model; the choice is remembered
// per model) and a metric selector (the metrics the results file holds).
//
// Live: while the JobController runs the inject job of the shown experiment, its rows are merged
// into the page's SweepTable as they arrive and the plots are redrawn by one coalescing 40 ms
// single-shot timer (at most 25 redraws a second, however fast rows come); a resync reloads the
// file; an experiment of this model that starts running appears in the selector (and is shown
// when the model had none). Files are read only when the user picks a model or an experiment,
// on a resync, and once when a new experiment's first rows arrive — never per event.
#include <QTimer>
#include <map>
#include <optional>
#include <string>

#include "app/core/experiments.h"
#include "app/core/sweep_table.h"
#include "engine/runner/job_events.h"
#include "widgets/page.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace netsurf::widgets {

class CurvePlot;
class HeatmapPlot;

class ResultsPage : public Page {
    Q_OBJECT
public:
    explicit ResultsPage(QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("results"); }
    QString title() const override { return tr("Results"); }
    void showModel(const ModelSelector& model) override;
    void setController(app::JobController* controller) override;
    bool ready() const override { return m_ready; }
    QList<QCustomPlot*> plots() const override;

    // The shown experiment's data (what the plots draw) and its inject job id ("" when none).
    const app::SweepTable& table() const { return m_table; }
    QString shownJobId() const { return m_shownJob; }
    QComboBox* experimentSelector() const { return m_experimentBox; }
    QComboBox* metricSelector() const { return m_metricBox; }
    CurvePlot* berPlot() const { return m_berPlot; }
    CurvePlot* protectionPlot() const { return m_protectionPlot; }
    HeatmapPlot* heatmap() const { return m_heatmap; }
    // How many times the plots were redrawn (tests check that redraws are coalesced).
    int redrawCount() const { return m_redraws; }

    // "Export all figures of this page": the export dialog, then one file per plot + its CSV.
    void exportAllFigures();

private:
    QWidget* createToolbar();
    QWidget* createPlots();
    void onSweepRows(const QString& jobId, const SweepRowsProduced& rows);
    void onJobState(const QString& jobId, const JobStateChanged& state);
    void onResync(const QString& jobId);
    void onExperimentChosen();
    void onMetricChosen();
    // An experiment of the shown model from its inject job's id (nullopt for other jobs).
    std::optional<std::string> jobKeyOfModel(const QString& jobId) const;
    void addExperiment(const app::ExperimentInfo& info);
    bool loadShown();
    void fillMetrics();
    void scheduleRedraw();
    // Draws the table; `queued`: the live path (the replot waits for the event loop).
    void redraw(bool queued);
    void drawEmpty(const QString& message);
    void updateStatus();
    void setReady();

    QComboBox* m_experimentBox = nullptr;
    QComboBox* m_metricBox = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_exportButton = nullptr;
    CurvePlot* m_berPlot = nullptr;
    CurvePlot* m_protectionPlot = nullptr;
    HeatmapPlot* m_heatmap = nullptr;
    QTimer m_redrawTimer;
    QMetaObject::Connection m_connections[3];

    std::optional<ModelSelector> m_model;
    std::string m_modelKey; // "mnist_fnn/q6_2_1/prune_0.125"
    std::map<std::string, app::ExperimentInfo> m_experiments; // by jobKey()
    std::map<std::string, std::string> m_chosen;               // model key → jobKey()
    std::string m_metric;
    app::SweepTable m_table;
    QString m_shownJob;     // "inject:<model key>/<jobKey>"
    QString m_error;        // why the shown experiment cannot be drawn
    bool m_loaded = false;  // the table holds the file's identity (header)
    bool m_running = false; // the shown experiment's job is running
    bool m_ready = false;
    int m_redraws = 0;
};

} // namespace netsurf::widgets
