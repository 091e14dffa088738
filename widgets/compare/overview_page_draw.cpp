// OverviewPage: the selectors offered by the data read, and drawing the selection.
#include <QComboBox>
#include <algorithm>
#include <cmath>

#include "widgets/compare/metric_labels.h"
#include "widgets/compare/overview_page.h"
#include "widgets/compare/overview_plots.h"
#include "widgets/compare/plot_style.h"
#include "widgets/compare/selectors.h"

namespace netsurf::widgets {

namespace {

// Selects the item whose data is `preferred` (the selected model's), if offered.
void prefer(QComboBox* c, const QVariant& preferred) {
    const int i = c->findData(preferred);
    if (i < 0) return;
    const QSignalBlocker block(c);
    c->setCurrentIndex(i);
}

void append(QList<QPair<QString, QVariant>>& items, const QString& text, const QVariant& data) {
    for (const auto& [t, d] : items)
        if (d == data) return;
    items.append({text, data});
}

} // namespace

void OverviewPage::fillSelectors(bool followModel) {
    if (!m_data) return;
    QList<QPair<QString, QVariant>> benchmarks, schemes, prunings, metrics;
    for (const OverviewModel& m : m_data->models)
        append(benchmarks, QString::fromStdString(m.benchmark),
               QString::fromStdString(m.benchmark));
    refill(m_benchmark, benchmarks, 0);
    if (followModel) prefer(m_benchmark, QString::fromStdString(m_model.benchmark));
    const std::string bench = m_benchmark->currentData().toString().toStdString();
    std::vector<double> ps;
    const OverviewModel* first = nullptr;
    for (const OverviewModel& m : m_data->models) {
        if (m.benchmark != bench) continue;
        first = first ? first : &m;
        const QString s = QString::fromStdString(m.model.scheme.str());
        append(schemes, s, s);
        ps.push_back(m.model.pruning);
    }
    std::sort(ps.begin(), ps.end());
    for (double p : ps)
        append(prunings, formatPercent(p), p);
    for (const std::string& name : selectorOrder(first->metrics))
        metrics.append({metricTitle(name), QString::fromStdString(name)});
    const auto order = selectorOrder(first->metrics);
    const std::string primary = defaultPrimaryMetric(first->metricNames);
    refill(m_scheme, schemes, 0);
    refill(m_pruning, prunings, 0);
    refill(m_metric, metrics, int(std::find(order.begin(), order.end(), primary) - order.begin()));
    if (!followModel) return; // the user chose a benchmark: keep the others where possible
    prefer(m_scheme, QString::fromStdString(m_model.scheme.str()));
    prefer(m_pruning, m_model.pruning);
}

std::vector<const OverviewModel*> OverviewPage::select(bool sameScheme, bool sameP) const {
    std::vector<const OverviewModel*> out;
    const std::string bench = m_benchmark->currentData().toString().toStdString();
    const std::string scheme = m_scheme->currentData().toString().toStdString();
    const double pruning = m_pruning->currentData().toDouble();
    for (const OverviewModel& m : m_data->models)
        if (m.benchmark == bench && (!sameScheme || m.model.scheme.str() == scheme) &&
            (!sameP || std::abs(m.model.pruning - pruning) < 1e-12))
            out.push_back(&m);
    return out;
}

void OverviewPage::redraw() {
    if (!m_data || m_benchmark->count() == 0) return;
    const std::string metric = m_metric->currentData().toString().toStdString();
    const QString bench = m_benchmark->currentText(), scheme = m_scheme->currentText();
    auto byPruning = select(true, false);
    std::sort(byPruning.begin(), byPruning.end(),
              [](auto* a, auto* b) { return a->model.pruning < b->model.pruning; });
    const auto byScheme = select(false, true);
    if (byPruning.empty() && byScheme.empty()) return;
    const OverviewModel* any = byPruning.empty() ? byScheme.front() : byPruning.front();
    const QString label = metricAxisLabel(metric, any->benchmark, any->metricNames);
    const QString name = metricTitle(metric);
    drawVusVsPruning(m_vsPruning->plot(), byPruning, metric);
    setPlotTitle(m_vsPruning->plot(),
                 tr("VUS of %1 vs pruning — %2 %3").arg(name.toLower(), bench, scheme));
    drawVusVsScheme(m_vsScheme->plot(), byScheme, metric);
    setPlotTitle(m_vsScheme->plot(), tr("VUS of %1 vs scheme — %2, pruning %3")
                                         .arg(name.toLower(), bench, m_pruning->currentText()));
    const int scope = m_scope->currentData().toInt();
    const auto boxModels = scope == 0   ? byPruning
                           : scope == 1 ? select(false, false)
                                        : select(true, true);
    drawMetricBoxes(m_boxes->plot(), boxModels, metric, label);
    const QString over =
        scope == 0   ? tr("%1 %2, %n model(s)", nullptr, int(boxModels.size())).arg(bench, scheme)
        : scope == 1 ? tr("all %n model(s) of %1", nullptr, int(boxModels.size())).arg(bench)
                     : tr("%1 %2 pruning %3").arg(bench, scheme, m_pruning->currentText());
    setPlotTitle(m_boxes->plot(),
                 tr("%1 over every (protection, BER) cell per ranker — %2").arg(name, over));
    for (PlotPanel* p : {m_vsPruning, m_vsScheme, m_boxes})
        p->showPlot();
}

} // namespace netsurf::widgets
