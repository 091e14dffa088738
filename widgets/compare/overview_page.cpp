#include "widgets/compare/overview_page.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <algorithm>
#include <cmath>

#include "app/core/job_controller.h"
#include "engine/storage/workspace.h"
#include "widgets/compare/metric_labels.h"
#include "widgets/compare/overview_plots.h"
#include "widgets/compare/plot_style.h"
#include "widgets/compare/selectors.h"

namespace netsurf::widgets {

namespace {

enum Scope { SchemeModels, BenchmarkModels, SelectedModel };

} // namespace

OverviewPage::OverviewPage(QWidget* parent) : Page(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createToolbar());
    auto* plots = new QWidget;
    auto* grid = new QGridLayout(plots);
    grid->setContentsMargins(0, 0, 0, 0);
    m_vsPruning = new PlotPanel(tr("VUS per ranker vs pruning"));
    m_vsScheme = new PlotPanel(tr("VUS per ranker vs quantization scheme"));
    m_boxes = new PlotPanel(tr("Metric per ranker: cell means over the grid"));
    m_vsPruning->plot()->setObjectName(QStringLiteral("overview-vus-vs-pruning"));
    m_vsScheme->plot()->setObjectName(QStringLiteral("overview-vus-vs-scheme"));
    m_boxes->plot()->setObjectName(QStringLiteral("overview-metric-boxes"));
    grid->addWidget(m_vsPruning, 0, 0);
    grid->addWidget(m_vsScheme, 0, 1);
    // The box plots' own choice sits above them (the toolbar holds what every plot shares).
    auto* boxes = new QWidget;
    auto* boxesLayout = new QVBoxLayout(boxes);
    boxesLayout->setContentsMargins(0, 0, 0, 0);
    auto* scopeRow = new QHBoxLayout;
    m_scope = addCombo(scopeRow, tr("B&ox plots over:"),
                       tr("The models whose grid cells make the boxes"));
    m_scope->addItem(tr("the scheme's models (all prunings)"), int(SchemeModels));
    m_scope->addItem(tr("all models of the benchmark"), int(BenchmarkModels));
    m_scope->addItem(tr("the selected model"), int(SelectedModel));
    m_scope->setMinimumContentsLength(24);
    m_scope->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &OverviewPage::redraw);
    scopeRow->addStretch(1);
    boxesLayout->addLayout(scopeRow);
    boxesLayout->addWidget(m_boxes, 1);
    grid->addWidget(boxes, 1, 0, 1, 2);
    m_stack = new MessageStack(plots);
    layout->addWidget(m_stack, 1);
    m_progress = new QTimer(this);
    m_progress->setInterval(250);
    connect(m_progress, &QTimer::timeout, this, [this] {
        if (m_done)
            showPageMessage(
                tr("Comparing the models of %1 … %n model(s) done", nullptr, m_done->load())
                    .arg(QString::fromStdString(m_workspace.string())));
    });
    showPageMessage(tr("Select a model in the workspace to see the sweep overview."));
}

QWidget* OverviewPage::createToolbar() {
    auto* bar = new QWidget;
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_benchmark = addCombo(row, tr("Ben&chmark:"), tr("The benchmark of every plot"));
    m_scheme = addCombo(row, tr("&Scheme:"), tr("The scheme of the VUS-vs-pruning plot"));
    m_pruning = addCombo(row, tr("&Pruning:"), tr("The pruning of the VUS-vs-scheme plot"));
    m_metric = addCombo(row, tr("&Metric:"), tr("The metric of every plot"));
    row->addStretch(1);
    m_reload = new QPushButton(tr("&Reload"));
    m_reload->setToolTip(tr("Read the workspace again (new experiments)"));
    row->addWidget(m_reload);
    connect(m_reload, &QPushButton::clicked, this, &OverviewPage::reload);
    connect(m_benchmark, &QComboBox::currentIndexChanged, this, [this] {
        fillSelectors(false);
        redraw();
    });
    for (QComboBox* c : {m_scheme, m_pruning, m_metric})
        connect(c, &QComboBox::currentIndexChanged, this, &OverviewPage::redraw);
    return bar;
}

QList<QCustomPlot*> OverviewPage::plots() const {
    return {m_vsPruning->plot(), m_vsScheme->plot(), m_boxes->plot()};
}

PlotPanel* OverviewPage::panel(const QString& name) const {
    return name == "pruning"  ? m_vsPruning
           : name == "scheme" ? m_vsScheme
           : name == "boxes"  ? m_boxes
                              : nullptr;
}

QComboBox* OverviewPage::selector(const QString& name) const {
    return name == "benchmark" ? m_benchmark
           : name == "scheme"  ? m_scheme
           : name == "pruning" ? m_pruning
           : name == "metric"  ? m_metric
           : name == "scope"   ? m_scope
                               : nullptr;
}

QString OverviewPage::message() const {
    return m_stack->message();
}

void OverviewPage::setReady(bool ready) {
    if (ready == m_ready) return;
    m_ready = ready;
    emit readyChanged();
}

void OverviewPage::showPageMessage(const QString& text) {
    m_stack->showMessage(text);
}

void OverviewPage::showModel(const ModelSelector& model) {
    m_model = model;
    const auto workspace = model.workspace.empty() ? defaultWorkspaceDir() : model.workspace;
    if (m_data && workspace == m_workspace && !m_load.busy()) {
        fillSelectors(true);
        redraw();
        return;
    }
    load(workspace);
}

void OverviewPage::setController(app::JobController* controller) {
    if (m_controller) disconnect(m_controller, nullptr, this, nullptr);
    Page::setController(controller);
    if (!controller) return;
    connect(controller, &app::JobController::jobStateChanged, this,
            [this](const QString& id, const JobStateChanged& s) {
                if (s.status != JobStatus::Done || !m_data || !id.startsWith("compare:")) return;
                if (isVisible())
                    reload();
                else
                    m_stale = true; // read when the page is shown, not per job of a long batch
            });
}

void OverviewPage::showEvent(QShowEvent* event) {
    Page::showEvent(event);
    if (m_stale) reload();
}

void OverviewPage::reload() {
    load(m_workspace.empty() ? defaultWorkspaceDir() : m_workspace);
}

void OverviewPage::load(const std::filesystem::path& workspace) {
    m_workspace = workspace;
    m_stale = false;
    setReady(false);
    m_done = std::make_shared<std::atomic<int>>(0);
    showPageMessage(
        tr("Comparing the models of %1 …").arg(QString::fromStdString(workspace.string())));
    m_progress->start();
    runOffGuiThread(
        this, m_load,
        [workspace, done = m_done](std::stop_token stop) {
            return loadOverviewData(workspace, *done, stop);
        },
        [this](Result<OverviewData> r) { applyData(std::move(r)); });
}

void OverviewPage::applyData(Result<OverviewData> result) {
    m_progress->stop();
    m_data.reset();
    if (!result) {
        showPageMessage(tr("Cannot read the workspace %1:\n%2")
                            .arg(QString::fromStdString(m_workspace.string()),
                                 QString::fromStdString(result.error().message)));
    } else if (result->models.empty()) {
        showPageMessage(tr("No model of the workspace %1 has comparable injection experiments "
                           "yet.\n\nRun a sweep (the Run page, or netsurf-cli batch) and reload.")
                            .arg(QString::fromStdString(m_workspace.string())));
    } else {
        m_data = std::make_shared<const OverviewData>(std::move(*result));
        fillSelectors(true);
        m_stack->showContent();
        redraw();
        if (!m_data->warnings.empty())
            emit statusMessage(tr("overview: %n model(s) not compared, the first: %1", nullptr,
                                  int(m_data->warnings.size()))
                                   .arg(QString::fromStdString(m_data->warnings.front())));
    }
    setReady(true);
}

} // namespace netsurf::widgets
