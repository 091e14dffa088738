#include "widgets/results/results_page.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>
#include <filesystem>

#include "app/core/job_controller.h"
#include "engine/inject/results_store.h"
#include "engine/runner/batch_jobs.h"
#include "widgets/export/export_dialog.h"
#include "widgets/results/curve_plot.h"
#include "widgets/results/heatmap_plot.h"

namespace netsurf::widgets {

namespace {

constexpr int kRedrawMs = 40; // at most 25 redraws a second while rows arrive

// An experiment not yet on disk, from the key of its inject job:
// "<method>-<order>-s<seed>/<mode>-<split>" (app::ExperimentInfo::jobKey()).
std::optional<app::ExperimentInfo> experimentOfJobKey(const std::string& key) {
    const auto slash = key.find('/');
    const auto modeDash = key.find('-', slash);
    const auto seedDash = key.rfind("-s", slash);
    if (slash == std::string::npos || modeDash == std::string::npos || seedDash == 0 ||
        seedDash == std::string::npos)
        return std::nullopt;
    const auto orderDash = key.rfind('-', seedDash - 1);
    if (orderDash == std::string::npos) return std::nullopt;
    app::ExperimentInfo e;
    e.method = key.substr(0, orderDash);
    e.order = key.substr(orderDash + 1, seedDash - orderDash - 1);
    e.seed = std::stoull("0" + key.substr(seedDash + 2, slash - seedDash - 2));
    e.mode = key.substr(slash + 1, modeDash - slash - 1);
    e.evalSplit = key.substr(modeDash + 1);
    if (e.jobKey() != key) return std::nullopt;
    return e;
}

QString experimentText(const app::ExperimentInfo& e) {
    QString text = QString::fromStdString(e.label());
    if (e.seed != 0) text += QStringLiteral(" · seed %1").arg(e.seed);
    return e.resultsPath.empty() ? text + QObject::tr(" (starting)") : text;
}

} // namespace

ResultsPage::ResultsPage(QWidget* parent) : Page(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(createToolbar());
    layout->addWidget(createPlots(), 1);
    m_redrawTimer.setSingleShot(true);
    m_redrawTimer.setInterval(kRedrawMs);
    connect(&m_redrawTimer, &QTimer::timeout, this, [this] { redraw(true); });
    drawEmpty(tr("Select a model in the workspace."));
}

QWidget* ResultsPage::createToolbar() {
    auto* bar = new QWidget(this);
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_experimentBox = new QComboBox(bar);
    m_experimentBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_experimentBox->setMinimumContentsLength(28);
    m_experimentBox->setToolTip(tr("The experiments (injection sweeps) of the selected model"));
    m_metricBox = new QComboBox(bar);
    m_metricBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_status = new QLabel(bar);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_exportButton = new QPushButton(tr("Export all figures…"), bar);
    m_exportButton->setToolTip(tr("Every plot of this page as PNG, PDF or SVG with its data as "
                                  "CSV, into one directory"));
    row->addWidget(new QLabel(tr("Experiment:"), bar));
    row->addWidget(m_experimentBox);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("Metric:"), bar));
    row->addWidget(m_metricBox);
    row->addSpacing(12);
    row->addWidget(m_status, 1);
    row->addWidget(m_exportButton);
    connect(m_experimentBox, &QComboBox::activated, this, &ResultsPage::onExperimentChosen);
    connect(m_metricBox, &QComboBox::activated, this, &ResultsPage::onMetricChosen);
    connect(m_exportButton, &QPushButton::clicked, this, &ResultsPage::exportAllFigures);
    return bar;
}

QWidget* ResultsPage::createPlots() {
    auto* vertical = new QSplitter(Qt::Vertical, this);
    auto* curves = new QSplitter(Qt::Horizontal, vertical);
    m_berPlot = new CurvePlot(CurveAxis::Ber, curves);
    m_berPlot->setObjectName(QStringLiteral("results-metric-vs-ber"));
    m_protectionPlot = new CurvePlot(CurveAxis::Protection, curves);
    m_protectionPlot->setObjectName(QStringLiteral("results-metric-vs-protection"));
    m_heatmap = new HeatmapPlot(vertical);
    m_heatmap->setObjectName(QStringLiteral("results-heatmap"));
    for (QCustomPlot* plot : plots()) {
        plot->setMinimumSize(300, 200);
        installExportMenu(plot);
    }
    vertical->setChildrenCollapsible(false);
    curves->setChildrenCollapsible(false);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    return vertical;
}

QList<QCustomPlot*> ResultsPage::plots() const {
    return {m_berPlot, m_protectionPlot, m_heatmap};
}

void ResultsPage::setController(app::JobController* controller) {
    for (auto& c : m_connections)
        disconnect(c);
    Page::setController(controller);
    if (!controller) return;
    using C = app::JobController;
    m_connections[0] = connect(controller, &C::sweepRows, this, &ResultsPage::onSweepRows);
    m_connections[1] = connect(controller, &C::jobStateChanged, this, &ResultsPage::onJobState);
    m_connections[2] = connect(controller, &C::resyncNeeded, this, &ResultsPage::onResync);
}

std::optional<std::string> ResultsPage::jobKeyOfModel(const QString& jobId) const {
    if (!m_model) return std::nullopt;
    const std::string id = jobId.toStdString();
    const std::string prefix = "inject:" + m_modelKey + "/";
    if (id.rfind(prefix, 0) != 0) return std::nullopt;
    return id.substr(prefix.size());
}

void ResultsPage::showModel(const ModelSelector& model) {
    m_ready = false;
    m_model = model;
    m_modelKey = modelKey(model.benchmark, model.scheme, model.pruning);
    m_experiments.clear();
    m_experimentBox->clear();
    for (const app::ExperimentInfo& e : app::listExperiments(modelPathFor(model).parent_path()))
        addExperiment(e);
    // Experiments whose run started before the page looked at this model but have no file yet.
    for (const JobState& s : m_controller ? m_controller->jobStates() : std::vector<JobState>{})
        if (s.status == JobStatus::Running)
            if (auto key = jobKeyOfModel(QString::fromStdString(s.id)))
                if (auto info = experimentOfJobKey(*key)) addExperiment(*info);
    const auto remembered = m_chosen.find(m_modelKey);
    if (remembered != m_chosen.end()) {
        const int index = m_experimentBox->findData(QString::fromStdString(remembered->second));
        if (index >= 0) m_experimentBox->setCurrentIndex(index);
    }
    loadShown();
    redraw(false);
}

void ResultsPage::addExperiment(const app::ExperimentInfo& info) {
    const std::string key = info.jobKey();
    if (auto it = m_experiments.find(key); it != m_experiments.end()) {
        if (it->second.resultsPath.empty() && !info.resultsPath.empty()) {
            it->second.resultsPath = info.resultsPath; // its file now exists
            const int index = m_experimentBox->findData(QString::fromStdString(key));
            m_experimentBox->setItemText(index, experimentText(info));
        }
        return;
    }
    m_experiments.emplace(key, info);
    // Sorted by text, so the methods of a model are easy to find.
    const QString text = experimentText(info);
    int at = 0;
    while (at < m_experimentBox->count() && m_experimentBox->itemText(at) < text)
        ++at;
    m_experimentBox->insertItem(at, text, QString::fromStdString(key));
    m_experimentBox->setItemData(at, QString::fromStdString(info.resultsPath.string()),
                                 Qt::ToolTipRole);
}

bool ResultsPage::loadShown() {
    m_table = {};
    m_loaded = false;
    m_running = false;
    m_error.clear();
    m_shownJob.clear();
    if (m_experimentBox->currentIndex() < 0) return false;
    const std::string key = m_experimentBox->currentData().toString().toStdString();
    const app::ExperimentInfo& info = m_experiments.at(key);
    m_shownJob = QString::fromStdString("inject:" + m_modelKey + "/" + key);
    for (const JobState& s : m_controller ? m_controller->jobStates() : std::vector<JobState>{})
        m_running |= s.id == m_shownJob.toStdString() && s.status == JobStatus::Running;
    if (info.resultsPath.empty() || !std::filesystem::exists(info.resultsPath)) return false;
    std::vector<std::string> warnings;
    auto file = loadResultsFile(info.resultsPath, &warnings);
    if (!file) {
        m_error = tr("Cannot show %1: %2")
                      .arg(QString::fromStdString(info.label()),
                           QString::fromStdString(file.error().message));
        emit statusMessage(m_error);
        return false;
    }
    if (!warnings.empty()) emit statusMessage(QString::fromStdString(warnings.front()));
    m_table.reset(*file);
    m_loaded = true;
    fillMetrics();
    return true;
}

void ResultsPage::fillMetrics() {
    const std::vector<std::string> metrics = m_table.metrics(); // loss, task metrics, mismatch
    if (std::find(metrics.begin(), metrics.end(), m_metric) == metrics.end())
        m_metric = metrics.size() > 1 ? metrics[1] : metrics.front(); // accuracy or MAE
    m_metricBox->clear();
    for (const std::string& m : metrics)
        m_metricBox->addItem(metricMenuText(m, m_table.identity().benchmark),
                             QString::fromStdString(m));
    m_metricBox->setCurrentIndex(m_metricBox->findData(QString::fromStdString(m_metric)));
}

void ResultsPage::onExperimentChosen() {
    m_chosen[m_modelKey] = m_experimentBox->currentData().toString().toStdString();
    loadShown();
    redraw(false);
}

void ResultsPage::onMetricChosen() {
    m_metric = m_metricBox->currentData().toString().toStdString();
    redraw(false);
}

void ResultsPage::onSweepRows(const QString& jobId, const SweepRowsProduced& rows) {
    if (jobId != m_shownJob) {
        // Another experiment of this model: make sure the selector lists it (no file read).
        auto key = jobKeyOfModel(jobId);
        auto info = key ? experimentOfJobKey(*key) : std::nullopt;
        if (!info) return;
        info->resultsPath = rows.resultsPath;
        const bool nothingShown = m_shownJob.isEmpty();
        addExperiment(*info);
        if (nothingShown) onExperimentChosen();
        return;
    }
    bool changed = false;
    if (!m_loaded && m_error.isEmpty()) {
        // The first rows of a new experiment: read its file once for the header (identity,
        // clean values, metric names); it already holds these rows.
        app::ExperimentInfo info = m_experiments.at(jobKeyOfModel(jobId).value());
        info.resultsPath = rows.resultsPath;
        addExperiment(info);
        const bool running = m_running;
        changed = loadShown();
        m_running = running;
    }
    if (m_loaded && m_table.merge(rows.rows) > 0) changed = true;
    if (changed) scheduleRedraw();
}

void ResultsPage::onJobState(const QString& jobId, const JobStateChanged& state) {
    if (jobId == m_shownJob) {
        m_running = state.status == JobStatus::Running;
        updateStatus();
    }
    if (state.status != JobStatus::Running) return;
    auto key = jobKeyOfModel(jobId);
    if (!key || m_experiments.count(*key)) return;
    auto info = experimentOfJobKey(*key);
    if (!info) return;
    const bool nothingShown = m_shownJob.isEmpty();
    addExperiment(*info);
    if (nothingShown) {
        onExperimentChosen();
        m_running = true;
        updateStatus();
    }
}

void ResultsPage::onResync(const QString& jobId) {
    if (jobId != m_shownJob) return;
    const bool running = m_running;
    loadShown(); // the rows the view missed are in the file
    m_running = running;
    scheduleRedraw();
}

void ResultsPage::scheduleRedraw() {
    if (!m_redrawTimer.isActive()) m_redrawTimer.start();
}

void ResultsPage::drawEmpty(const QString& message) {
    m_berPlot->showMessage(message);
    m_protectionPlot->showMessage(message);
    m_heatmap->showMessage(message);
}

void ResultsPage::redraw(bool queued) {
    m_redrawTimer.stop();
    ++m_redraws;
    if (!m_model) {
        drawEmpty(tr("Select a model in the workspace."));
    } else if (m_experiments.empty()) {
        drawEmpty(tr("No experiments for this model yet: run an injection sweep."));
    } else if (!m_error.isEmpty()) {
        drawEmpty(m_error);
    } else if (m_table.rowCount() == 0) {
        drawEmpty(tr("Waiting for the first results of this experiment…"));
    } else {
        const std::vector<app::SweepCell> cells = m_table.cells(m_metric);
        const MetricFormat format = metricFormat(m_metric, m_table.identity().benchmark);
        const double clean = m_table.cleanValue(m_metric);
        m_berPlot->setCells(cells, format, clean);
        m_protectionPlot->setCells(cells, format, clean);
        // One y range for both curve plots, so they read side by side.
        QCPRange y = m_berPlot->valueExtent();
        y.expand(m_protectionPlot->valueExtent());
        const double pad = std::max(0.05 * y.size(), 1e-9);
        m_berPlot->setValueRange({y.lower - pad, y.upper + pad});
        m_protectionPlot->setValueRange({y.lower - pad, y.upper + pad});
        m_heatmap->setCells(cells, m_table.bers(), m_table.protections(), format);
    }
    updateStatus();
    for (QCustomPlot* plot : plots())
        plot->replot(queued ? QCustomPlot::rpQueuedReplot : QCustomPlot::rpRefreshHint);
    setReady();
}

void ResultsPage::updateStatus() {
    if (m_table.rowCount() == 0) {
        m_status->setText(m_running ? tr("running…") : QString());
        return;
    }
    const MetricFormat format = metricFormat(m_metric, m_table.identity().benchmark);
    m_status->setText(tr("%1 rows · %2 protection levels × %3 BERs · clean %4 %5%6")
                          .arg(m_table.rowCount())
                          .arg(m_table.protections().size())
                          .arg(m_table.bers().size())
                          .arg(format.name, format.text(m_table.cleanValue(m_metric)),
                               m_running ? tr(" · running (live)") : QString()));
}

void ResultsPage::setReady() {
    if (m_ready) return;
    m_ready = true;
    emit readyChanged();
}

void ResultsPage::exportAllFigures() {
    const QString message = exportFiguresInteractively(plots(), this);
    if (!message.isEmpty()) emit statusMessage(message);
}

} // namespace netsurf::widgets
