#include "widgets/compare/compare_page.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <algorithm>
#include <cmath>

#include "app/core/job_controller.h"
#include "engine/runner/batch_jobs.h"
#include "widgets/compare/compare_plots.h"
#include "widgets/compare/metric_labels.h"
#include "widgets/compare/plot_style.h"
#include "widgets/compare/selectors.h"

namespace netsurf::widgets {

namespace {

// The ranker whose method `baseline` names: what the overlap curves start against.
constexpr const char* kDefaultBaseline = "qpolargrad";

QString modelText(const ModelSelector& m) {
    return QStringLiteral("%1 %2 pruning %3")
        .arg(QString::fromStdString(m.benchmark), QString::fromStdString(m.scheme.str()))
        .arg(m.pruning);
}

// Index of the value of `axis` closest to `target` (in log space when `log`; the larger of two
// equally close values, so a grid {0, 0.2} starts at 0.2, where rankers differ).
int nearest(const std::vector<double>& axis, double target, bool log) {
    auto distance = [&](double v) {
        return log ? std::abs(std::log10(v / target)) : std::abs(v - target);
    };
    int best = 0;
    for (std::size_t i = 0; i < axis.size(); ++i)
        if (distance(axis[i]) <= distance(axis[std::size_t(best)]) + 1e-12) best = int(i);
    return best;
}

} // namespace

ComparePage::ComparePage(QWidget* parent) : Page(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createToolbar());
    m_tabs = new QTabWidget;
    m_tabs->addTab(createCurvesTab(), tr("Rankers"));
    m_tabs->addTab(createOverlapTab(), tr("Ranking overlap"));
    m_tabs->addTab(createPlaneGlobalTab(), tr("Plane vs global"));
    m_stack = new MessageStack(m_tabs);
    layout->addWidget(m_stack, 1);
    showPageMessage(tr("Select a model in the workspace to compare its rankers."));
}

QWidget* ComparePage::createToolbar() {
    auto* bar = new QWidget;
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_group = addCombo(row, tr("&Experiments:"),
                       tr("Experiments compared together: same split, data, mode and population"));
    m_group->setMinimumContentsLength(22);
    m_metric = addCombo(row, tr("&Metric:"), tr("The metric of every plot and of the VUS"));
    m_protection =
        addCombo(row, tr("At &protection:"), tr("Protected fraction of the curves against BER"));
    m_ber = addCombo(row, tr("At &BER:"), tr("Bit error rate of the curves against protection"));
    m_summary = new QLabel;
    m_summary->setStyleSheet(QStringLiteral("color: #555;"));
    // Long identities are cut at the window's edge (the tooltip has them whole), never widen it.
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_summary->setMinimumWidth(80);
    row->addStretch(1);
    row->addWidget(m_summary);
    connect(m_group, &QComboBox::currentIndexChanged, this, [this] {
        fillGroupSelectors();
        redrawAll();
    });
    for (QComboBox* c : {m_metric, m_protection, m_ber})
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            redrawCurves();
            redrawPlaneGlobal();
        });
    return bar;
}

PlotPanel* ComparePage::addPanel(const QString& name, const QString& title) {
    auto* p = new PlotPanel(title);
    p->plot()->setObjectName("compare-" + QString(name).replace('_', '-')); // export file names
    m_panels.append({name, p});
    return p;
}

QWidget* ComparePage::createCurvesTab() {
    auto* tab = new QWidget;
    auto* grid = new QGridLayout(tab);
    grid->addWidget(addPanel("ber", tr("Metric vs BER")), 0, 0);
    grid->addWidget(addPanel("protection", tr("Metric vs protection")), 0, 1);
    grid->addWidget(addPanel("vus", tr("Volume under the surface (VUS) per ranker, 95 % CI")), 1,
                    0);
    grid->addWidget(addPanel("cost", tr("Ranking cost against VUS")), 1, 1);
    return tab;
}

QWidget* ComparePage::createOverlapTab() {
    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    auto* row = new QHBoxLayout;
    m_baseline = addCombo(row, tr("Bas&eline:"), tr("The ranking the others are compared with"));
    m_measure =
        addCombo(row, tr("Mea&sure:"), tr("Similarity of the top-k sets or of their order"));
    for (QComboBox* c : {m_baseline, m_measure}) // this tab's row has room: names in full
        c->setMinimumContentsLength(24);
    for (OverlapMeasure m : {OverlapMeasure::Jaccard, OverlapMeasure::KendallTau,
                             OverlapMeasure::Dice, OverlapMeasure::Spearman})
        m_measure->addItem(measureName(m), int(m));
    row->addStretch(1);
    layout->addLayout(row);
    auto* plots = new QHBoxLayout;
    plots->addWidget(addPanel("overlap", tr("Ranking overlap with the baseline")));
    plots->addWidget(addPanel("precision", tr("Precision@k against the oracle")));
    layout->addLayout(plots, 1);
    connect(m_baseline, &QComboBox::currentIndexChanged, this, &ComparePage::requestOverlap);
    connect(m_measure, &QComboBox::currentIndexChanged, this, &ComparePage::redrawOverlap);
    return tab;
}

QWidget* ComparePage::createPlaneGlobalTab() {
    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    auto* row = new QHBoxLayout;
    m_method = addCombo(row, tr("Met&hod:"), tr("A method with experiments in both orders"));
    m_method->setMinimumContentsLength(18);
    row->addStretch(1);
    layout->addLayout(row);
    auto* plots = new QHBoxLayout;
    plots->addWidget(addPanel("plane_global_ber", tr("Plane vs global order: metric vs BER")));
    plots->addWidget(
        addPanel("plane_global_protection", tr("Plane vs global order: metric vs protection")));
    layout->addLayout(plots, 1);
    connect(m_method, &QComboBox::currentIndexChanged, this, &ComparePage::redrawPlaneGlobal);
    return tab;
}

QStringList ComparePage::views() const {
    return {QStringLiteral("rankers"), QStringLiteral("overlap"), QStringLiteral("plane-global")};
}

bool ComparePage::showView(const QString& view) {
    const int tab = view.isEmpty() ? 0 : int(views().indexOf(view));
    if (tab < 0) return false;
    m_tabs->setCurrentIndex(tab);
    return true;
}

QList<QCustomPlot*> ComparePage::plots() const {
    QList<QCustomPlot*> out;
    for (const auto& [name, panel] : m_panels)
        out.append(panel->plot());
    return out;
}

PlotPanel* ComparePage::panel(const QString& name) const {
    for (const auto& [n, p] : m_panels)
        if (n == name) return p;
    return nullptr;
}

QComboBox* ComparePage::selector(const QString& name) const {
    const QList<QPair<QString, QComboBox*>> all{
        {"group", m_group},  {"metric", m_metric},     {"protection", m_protection},
        {"ber", m_ber},      {"baseline", m_baseline}, {"measure", m_measure},
        {"method", m_method}};
    for (const auto& [n, c] : all)
        if (n == name) return c;
    return nullptr;
}

const GroupComparison* ComparePage::group() const {
    if (!m_data || m_data->outcome.groups.empty()) return nullptr;
    const int i = std::max(0, m_group->currentData().toInt());
    return &m_data->outcome.groups[std::size_t(i)];
}

std::string ComparePage::metric() const {
    return m_metric->currentData().toString().toStdString();
}

QString ComparePage::message() const {
    return m_stack->message();
}

void ComparePage::setReady(bool ready) {
    if (ready == m_ready) return;
    m_ready = ready;
    emit readyChanged();
}

void ComparePage::showPageMessage(const QString& text) {
    m_stack->showMessage(text);
}

void ComparePage::setController(app::JobController* controller) {
    if (m_controller) disconnect(m_controller, nullptr, this, nullptr);
    Page::setController(controller);
    if (!controller) return;
    connect(controller, &app::JobController::jobStateChanged, this,
            [this](const QString& id, const JobStateChanged& s) {
                if (s.status == JobStatus::Done && !m_model.benchmark.empty() &&
                    id.toStdString() ==
                        "compare:" + modelKey(m_model.benchmark, m_model.scheme, m_model.pruning))
                    showModel(m_model);
            });
}

void ComparePage::showModel(const ModelSelector& model) {
    m_model = model;
    m_overlapJob.cancel();
    setReady(false);
    showPageMessage(tr("Comparing the rankers of %1 …").arg(modelText(model)));
    runOffGuiThread(
        this, m_load,
        [model](std::stop_token stop) { return loadCompareData(model, kDefaultBaseline, stop); },
        [this](Result<CompareData> r) { applyData(std::move(r)); });
}

void ComparePage::applyData(Result<CompareData> result) {
    if (!result) {
        m_data.reset();
        const bool none = result.error().message.rfind("no experiments", 0) == 0;
        showPageMessage(
            none ? tr("%1 has no injection experiments yet.\n\nRun a sweep of two or more rankers "
                      "(the Run page, or netsurf-cli inject --method …) to compare them here.")
                       .arg(modelText(m_model))
                 : tr("Cannot compare the rankers of %1:\n%2")
                       .arg(modelText(m_model), QString::fromStdString(result.error().message)));
        setReady(true);
        return;
    }
    m_data = std::make_shared<const CompareData>(std::move(*result));
    m_overlap.clear();
    m_precision.clear();
    m_overlapReference.clear();
    const bool overlaps = !m_data->rankings->rankings.empty();
    m_overlapPending = m_precisionPending = overlaps;
    const auto& groups = m_data->outcome.groups;
    QList<QPair<QString, QVariant>> items;
    int largest = 0;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        items.append({QString::fromStdString(describe(groups[i].key)), int(i)});
        if (groups[i].rankers.size() > groups[std::size_t(largest)].rankers.size())
            largest = int(i);
    }
    refill(m_group, items, largest);
    m_group->setEnabled(groups.size() > 1);
    fillGroupSelectors();
    fillBaselineSelector();
    m_stack->showContent();
    redrawAll();
    if (!m_data->warnings.empty())
        emit statusMessage(
            tr("compare: %n warning(s), the first: %1", nullptr, int(m_data->warnings.size()))
                .arg(QString::fromStdString(m_data->warnings.front())));
    // The curves and VUS are drawn; the overlap curves (slower) follow, then the page is ready.
    if (overlaps)
        startOverlapJob(m_data->baselineId);
    else
        setReady(true);
}

void ComparePage::fillGroupSelectors() {
    const GroupComparison* g = group();
    if (!g) return;
    QList<QPair<QString, QVariant>> metrics, protections, bers, methods;
    for (const std::string& m : selectorOrder(g->metrics))
        metrics.append({metricTitle(m), QString::fromStdString(m)});
    const std::size_t gi = std::size_t(m_group->currentData().toInt());
    const std::string primary = g->metrics[m_data->outcome.primary[gi]];
    for (double p : g->grid.protections)
        protections.append({formatPercent(p), p});
    for (double b : g->grid.bers)
        bers.append({formatBer(b), b});
    for (const RankerComparison& r : g->rankers)
        if (r.order == "global" && std::any_of(g->rankers.begin(), g->rankers.end(), [&](auto& o) {
                return o.method == r.method && o.order == "plane";
            }))
            methods.append({QString::fromStdString(r.method), QString::fromStdString(r.method)});
    const auto pm = selectorOrder(g->metrics);
    refill(m_metric, metrics, int(std::find(pm.begin(), pm.end(), primary) - pm.begin()));
    refill(m_protection, protections, nearest(g->grid.protections, 0.1, false));
    refill(m_ber, bers, nearest(g->grid.bers, 0.01, true));
    refill(m_method, methods, 0);
    m_summary->setText(tr("%1 rankers · %2 protections × %3 BERs · %4")
                           .arg(g->rankers.size())
                           .arg(g->grid.protections.size())
                           .arg(g->grid.bers.size())
                           .arg(QString::fromStdString(describe(g->key))));
    m_summary->setToolTip(m_summary->text());
}

void ComparePage::fillBaselineSelector() {
    QList<QPair<QString, QVariant>> items;
    int current = 0;
    for (const RankingEntry& e : m_data->rankings->rankings) {
        if (!e.compared) continue;
        if (e.id == m_data->baselineId) current = int(items.size());
        items.append({QString::fromStdString(e.label), QString::fromStdString(e.id)});
    }
    const QSignalBlocker block(m_baseline);
    m_baseline->clear();
    for (const auto& [text, id] : items)
        m_baseline->addItem(text, id);
    m_baseline->setCurrentIndex(current);
}

void ComparePage::requestOverlap() {
    if (!m_data) return;
    const std::string id = m_baseline->currentData().toString().toStdString();
    if (id.empty() || (id == m_overlapReference && !m_overlapPending)) return;
    startOverlapJob(id);
}

// A newer request cancels an older one (the ticket): the precision curves, computed once per
// model, are asked for again until one job has delivered them.
void ComparePage::startOverlapJob(const std::string& baselineId) {
    m_overlapPending = true;
    redrawOverlap();
    runOffGuiThread(
        this, m_overlapJob,
        [set = m_data->rankings, baselineId, precision = m_precisionPending](std::stop_token stop) {
            return computeOverlapCurves(*set, baselineId, precision, stop);
        },
        [this, baselineId, precision = m_precisionPending](OverlapCurves curves) {
            if (precision) {
                m_precision = std::move(curves.precision);
                m_precisionPending = false;
            }
            m_overlap = std::move(curves.overlap);
            m_overlapReference = baselineId;
            m_overlapPending = false;
            redrawOverlap();
            setReady(true);
        });
}

void ComparePage::redrawAll() {
    redrawCurves();
    redrawOverlap();
    redrawPlaneGlobal();
}

} // namespace netsurf::widgets
