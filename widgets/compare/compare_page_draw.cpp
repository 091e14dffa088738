// ComparePage: drawing the selection into the panels (compare_plots.h), or saying why a panel
// has nothing to show.
#include <QComboBox>
#include <algorithm>

#include "widgets/compare/compare_page.h"
#include "widgets/compare/compare_plots.h"
#include "widgets/compare/metric_labels.h"
#include "widgets/compare/plot_style.h"

namespace netsurf::widgets {

namespace {

MetricChoice choice(const GroupComparison& g, const std::string& metric) {
    const auto it = std::find(g.metrics.begin(), g.metrics.end(), metric);
    const std::size_t i = it == g.metrics.end() ? 0 : std::size_t(it - g.metrics.begin());
    return {i, metricAxisLabel(g.metrics[i], g.key.benchmark, g.key.metricNames)};
}

std::size_t indexOf(const QComboBox* c) {
    return std::size_t(std::max(0, c->currentIndex()));
}

QString labelOf(const RankingSet& set, const std::string& id) {
    const RankingEntry* e = set.find(id);
    return e ? QString::fromStdString(e->label) : QString::fromStdString(id);
}

} // namespace

void ComparePage::redrawCurves() {
    const GroupComparison* g = group();
    if (!g || m_metric->count() == 0) return;
    const MetricChoice m = choice(*g, metric());
    const std::size_t p = indexOf(m_protection), b = indexOf(m_ber);
    const QString name = metricTitle(g->metrics[m.index]);
    PlotPanel* ber = panel("ber");
    drawMetricVsBer(ber->plot(), *g, m, p);
    setPlotTitle(
        ber->plot(),
        tr("%1 vs BER, %2 of the bits protected").arg(name, formatPercent(g->grid.protections[p])));
    ber->showPlot();
    PlotPanel* prot = panel("protection");
    drawMetricVsProtection(prot->plot(), *g, m, b);
    setPlotTitle(prot->plot(),
                 tr("%1 vs protection at BER %2").arg(name, formatBer(g->grid.bers[b])));
    prot->showPlot();
    PlotPanel* vus = panel("vus");
    drawVusBars(vus->plot(), *g, m);
    setPlotTitle(vus->plot(), tr("VUS of %1 per ranker, best first (95 % CI)").arg(name.toLower()));
    vus->showPlot();
    PlotPanel* cost = panel("cost");
    if (m_data->rankings->rankings.empty()) {
        cost->showMessage(tr("The ranking files of these rankers could not be read, so their "
                             "ranking time is unknown (see the warnings)."));
        return;
    }
    drawCostVsVus(cost->plot(), *g, m, *m_data->rankings);
    setPlotTitle(cost->plot(), tr("Ranking time against VUS of %1").arg(name.toLower()));
    cost->showPlot();
}

void ComparePage::redrawOverlap() {
    if (!m_data) return;
    const RankingSet& set = *m_data->rankings;
    PlotPanel* overlap = panel("overlap");
    const auto measure = OverlapMeasure(m_measure->currentData().toInt());
    const QString reference = labelOf(set, m_overlapReference);
    if (m_overlapPending) {
        const QString text = tr("Computing the ranking overlap of %n ranking(s) …", nullptr,
                                int(set.rankings.size()));
        overlap->showMessage(text);
        panel("precision")->showMessage(text);
        return;
    }
    if (m_overlap.empty()) {
        overlap->showMessage(set.rankings.empty()
                                 ? tr("The ranking files could not be read (see the warnings).")
                                 : tr("No other ranking of the same bit population to compare "
                                      "with %1.")
                                       .arg(reference));
    } else {
        drawOverlap(overlap->plot(), m_overlap, set, measure, reference);
        setPlotTitle(overlap->plot(),
                     tr("%1 with %2 vs protection").arg(measureName(measure), reference));
        overlap->showPlot();
    }
    PlotPanel* precision = panel("precision");
    if (set.oracle < 0) {
        precision->showMessage(
            tr("This model has no oracle ranking in global order, the reference of precision@k. "
               "Rank it with netsurf-cli rank --method oracle --order global (exact loss change "
               "of every bit flip)."));
    } else if (m_precision.empty()) {
        precision->showMessage(tr("No compared ranking ranks the oracle's bit population."));
    } else {
        const QString oracle = QString::fromStdString(set.rankings[std::size_t(set.oracle)].label);
        drawPrecision(precision->plot(), m_precision, set, oracle);
        setPlotTitle(precision->plot(), tr("Precision@k against %1 (exact ΔL)").arg(oracle));
        precision->showPlot();
    }
}

void ComparePage::redrawPlaneGlobal() {
    const GroupComparison* g = group();
    if (!g || m_metric->count() == 0) return;
    PlotPanel* ber = panel("plane_global_ber");
    PlotPanel* prot = panel("plane_global_protection");
    const std::string method = m_method->currentData().toString().toStdString();
    std::vector<std::size_t> pair;
    for (const char* order : {"plane", "global"})
        for (std::size_t r = 0; r < g->rankers.size(); ++r)
            if (g->rankers[r].method == method && g->rankers[r].order == order) {
                pair.push_back(r);
                break;
            }
    if (pair.size() != 2) {
        const QString why = tr("No method has experiments in both the plane and the global order "
                               "in these experiments (rank and sweep one with --order plane and "
                               "--order global).");
        ber->showMessage(why);
        prot->showMessage(why);
        return;
    }
    const MetricChoice m = choice(*g, metric());
    const std::size_t p = indexOf(m_protection), b = indexOf(m_ber);
    const QString name = metricTitle(g->metrics[m.index]), meth = QString::fromStdString(method);
    drawMetricVsBer(ber->plot(), *g, m, p, pair);
    setPlotTitle(ber->plot(), tr("%1, plane vs global: %2 vs BER, %3 protected")
                                  .arg(meth, name, formatPercent(g->grid.protections[p])));
    ber->showPlot();
    drawMetricVsProtection(prot->plot(), *g, m, b, pair);
    setPlotTitle(prot->plot(), tr("%1, plane vs global: %2 vs protection at BER %3")
                                   .arg(meth, name, formatBer(g->grid.bers[b])));
    prot->showPlot();
}

} // namespace netsurf::widgets
