#include "widgets/compare/compare_plots.h"

#include <algorithm>
#include <cmath>

#include "widgets/compare/metric_labels.h"
#include "widgets/compare/plot_style.h"

namespace netsurf::widgets {

namespace {

std::vector<std::size_t> allIfEmpty(const std::vector<std::size_t>& rankers, std::size_t n) {
    if (!rankers.empty()) return rankers;
    std::vector<std::size_t> all(n);
    for (std::size_t i = 0; i < n; ++i)
        all[i] = i;
    return all;
}

QString interval(const Estimate& e) {
    if (!e.hasInterval()) return formatValue(e.value);
    return QStringLiteral("%1 [%2, %3]")
        .arg(formatValue(e.value), formatValue(e.low), formatValue(e.high));
}

// The cells of one ranker along an axis: BERs at protection p, or protections at BER b.
struct Series {
    QVector<double> x, y, low, high;
    std::vector<Estimate> cells;
};
Series seriesOf(const GroupComparison& g, const RankerComparison& r, std::size_t metric,
                std::size_t fixed, bool alongBer) {
    Series s;
    const std::size_t n = alongBer ? g.grid.bers.size() : g.grid.protections.size();
    for (std::size_t k = 0; k < n; ++k) {
        const Estimate& e =
            r.metrics[metric].cells[alongBer ? g.grid.index(fixed, k) : g.grid.index(k, fixed)];
        s.x << (alongBer ? g.grid.bers[k] : g.grid.protections[k]);
        s.y << e.value;
        s.low << e.low;
        s.high << e.high;
        s.cells.push_back(e);
    }
    return s;
}

// The clean model's value as a dotted reference line over [x0, x1].
void addCleanLine(QCustomPlot* plot, double x0, double x1, double clean) {
    if (std::isnan(clean)) return;
    QCPGraph* c = plot->addGraph();
    c->setName(QStringLiteral("clean model"));
    c->setData({x0, x1}, {clean, clean}, true);
    c->setPen(QPen(QColor(90, 90, 90), 1.4, Qt::DotLine));
    c->setSelectable(QCP::stNone);
}

// Axis ranges that show everything with a margin (log axes by a factor).
void fitRanges(QCustomPlot* plot, bool logX) {
    plot->rescaleAxes(true);
    QCPRange x = plot->xAxis->range(), y = plot->yAxis->range();
    if (logX)
        plot->xAxis->setRange(x.lower / 1.25, x.upper * 1.25);
    else
        plot->xAxis->setRange(x.lower - 0.03 * x.size(), x.upper + 0.03 * x.size());
    const double pad = y.size() > 0 ? 0.06 * y.size() : 0.05 * std::max(1.0, std::abs(y.lower));
    plot->yAxis->setRange(y.lower - pad, y.upper + pad);
}

void drawCurves(QCustomPlot* plot, const GroupComparison& g, const MetricChoice& m,
                std::size_t fixed, const std::vector<std::size_t>& rankers, bool alongBer) {
    resetPlot(plot);
    if (alongBer) {
        setLogAxis(plot->xAxis);
        plot->xAxis->setLabel(berAxisLabel());
    } else {
        setPercentAxis(plot->xAxis);
        plot->xAxis->setLabel(protectionAxisLabel());
    }
    setLinearAxis(plot->yAxis);
    plot->yAxis->setLabel(m.axisLabel);
    auto cells = std::make_shared<std::vector<std::vector<Estimate>>>();
    for (std::size_t r : allIfEmpty(rankers, g.rankers.size())) {
        const RankerComparison& rc = g.rankers[r];
        const Series s = seriesOf(g, rc, m.index, fixed, alongBer);
        QCPGraph* graph =
            addCurve(plot, QString::fromStdString(rc.label), rankerPen(rc.method, rc.order),
                     rankerScatter(rc.method, rc.order), s.x, s.y, s.low, s.high);
        graph->setProperty("series", int(cells->size()));
        cells->push_back(s.cells);
    }
    const auto& axis = alongBer ? g.grid.bers : g.grid.protections;
    if (!axis.empty() && m.index < g.clean.size())
        addCleanLine(plot, axis.front(), axis.back(), g.clean[m.index]);
    setHoverText(plot, [cells, alongBer](QCPAbstractPlottable* p, int i) -> QString {
        const QVariant series = p->property("series");
        const double key = p->interface1D()->dataMainKey(i);
        const QString where =
            alongBer ? "BER " + formatBer(key) : formatPercent(key) + " protected";
        if (!series.isValid())
            return p->name() + "\n" + formatValue(p->interface1D()->dataMainValue(i));
        const Estimate& e = (*cells)[std::size_t(series.toInt())][std::size_t(i)];
        return QStringLiteral("%1\n%2: %3 (95 % CI)\n%4 repetitions")
            .arg(p->name(), where, interval(e))
            .arg(e.n);
    });
    fitRanges(plot, alongBer);
    plot->replot();
}

QString overlapHover(QCPAbstractPlottable* p, int i, const QString& what) {
    return QStringLiteral("%1\n%2 protected: %3 %4")
        .arg(p->name(), formatPercent(p->interface1D()->dataMainKey(i)), what,
             formatValue(p->interface1D()->dataMainValue(i)));
}

} // namespace

void drawMetricVsBer(QCustomPlot* plot, const GroupComparison& g, const MetricChoice& m,
                     std::size_t p, const std::vector<std::size_t>& rankers) {
    drawCurves(plot, g, m, p, rankers, true);
}

void drawMetricVsProtection(QCustomPlot* plot, const GroupComparison& g, const MetricChoice& m,
                            std::size_t b, const std::vector<std::size_t>& rankers) {
    drawCurves(plot, g, m, b, rankers, false);
}

void drawVusBars(QCustomPlot* plot, const GroupComparison& g, const MetricChoice& m) {
    resetPlot(plot);
    const MetricSummary& s = g.summaries[m.index];
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    // The legend explains the fill and toggles each class of bars.
    auto* same = new QCPBars(plot->xAxis, plot->yAxis);
    same->setName(QStringLiteral("indistinguishable from the best")); // CI of the difference ∋ 0
    auto* worse = new QCPBars(plot->xAxis, plot->yAxis);
    worse->setName(QStringLiteral("worse than the best"));
    same->setBrush(QColor(110, 110, 110));
    worse->setBrush(QColor(110, 110, 110, 70));
    for (QCPBars* b : {same, worse})
        b->setPen(QPen(QColor(60, 60, 60)));
    for (std::size_t k = 0; k < s.rows.size(); ++k) {
        const SummaryRow& row = s.rows[k];
        const RankerComparison& r = g.rankers[row.ranker];
        const double x = double(k + 1);
        auto* bar = new QCPBars(plot->xAxis, plot->yAxis);
        bar->setName(QString::fromStdString(r.label));
        bar->removeFromLegend();
        bar->setWidth(0.7);
        bar->addData(x, row.vus.value);
        QColor fill = methodColor(r.method);
        bar->setPen(QPen(fill.darker(130)));
        if (!row.indistinguishable) fill.setAlpha(80);
        bar->setBrush(fill);
        bar->setProperty("hover",
                         QStringLiteral("%1 (rank %2)\nVUS %3\ndifference to the best %4%5")
                             .arg(QString::fromStdString(r.label))
                             .arg(row.rank)
                             .arg(interval(row.vus), interval(row.diffToBest),
                                  row.paired ? QStringLiteral(" (paired)") : QString()));
        setOwner(bar, row.indistinguishable ? same : worse);
        if (row.vus.hasInterval()) {
            auto* err = new QCPErrorBars(plot->xAxis, plot->yAxis);
            err->removeFromLegend();
            err->setSelectable(QCP::stNone);
            err->setDataPlottable(bar);
            err->addData(row.vus.value - row.vus.low, row.vus.high - row.vus.value);
            err->setPen(QPen(Qt::black, 1.2));
            setOwner(err, row.indistinguishable ? same : worse);
        }
        ticks->addTick(x, QString::fromStdString(r.label));
    }
    plot->xAxis->setTicker(ticks);
    plot->xAxis->setTickLabelRotation(35);
    plot->xAxis->setLabel(QString());
    setLinearAxis(plot->yAxis);
    plot->yAxis->setLabel("VUS of " + metricTitle(g.metrics[m.index]).toLower());
    setHoverText(plot, [](QCPAbstractPlottable* p, int) {
        return p->property("hover").isValid() ? p->property("hover").toString() : p->name();
    });
    plot->rescaleAxes(true);
    const QCPRange y = plot->yAxis->range();
    plot->yAxis->setRange(std::min(0.0, y.lower), y.upper + 0.08 * y.size());
    plot->xAxis->setRange(0.3, double(s.rows.size()) + 0.7);
    plot->replot();
}

void drawCostVsVus(QCustomPlot* plot, const GroupComparison& g, const MetricChoice& m,
                   const RankingSet& rankings) {
    resetPlot(plot);
    setLogAxis(plot->xAxis);
    setLinearAxis(plot->yAxis);
    plot->xAxis->setLabel(QStringLiteral("Ranking time (s, log scale)"));
    plot->yAxis->setLabel("VUS of " + metricTitle(g.metrics[m.index]).toLower());
    // The legend and the hover name the points (labels beside them overlap where rankers agree).
    for (const RankerComparison& r : g.rankers) {
        const RankingEntry* e = rankings.find(r.rankingId);
        if (!e) continue;
        const Estimate& vus = r.metrics[m.index].vus;
        const double seconds = std::max(e->seconds, 1e-3); // instant rankers on the left edge
        QCPGraph* point = plot->addGraph();
        point->setName(QString::fromStdString(r.label));
        point->setLineStyle(QCPGraph::lsNone);
        QCPScatterStyle sc = rankerScatter(r.method, r.order);
        sc.setSize(8);
        point->setScatterStyle(sc);
        point->addData(seconds, vus.value);
        point->setProperty("seconds", e->seconds);
        point->setProperty("vus", interval(vus));
        if (vus.hasInterval()) {
            auto* err = new QCPErrorBars(plot->xAxis, plot->yAxis);
            err->removeFromLegend();
            err->setSelectable(QCP::stNone);
            err->setDataPlottable(point);
            err->addData(vus.value - vus.low, vus.high - vus.value);
            err->setPen(QPen(methodColor(r.method), 1.2));
            setOwner(err, point);
        }
    }
    setHoverText(plot, [](QCPAbstractPlottable* p, int) {
        return QStringLiteral("%1\nranking time %2 s\nVUS %3")
            .arg(p->name(), formatValue(p->property("seconds").toDouble()),
                 p->property("vus").toString());
    });
    plot->rescaleAxes(true);
    const QCPRange x = plot->xAxis->range(), y = plot->yAxis->range();
    plot->xAxis->setRange(x.lower / 2, x.upper * 12); // room for the labels on the right
    plot->yAxis->setRange(y.lower - 0.08 * y.size(), y.upper + 0.08 * y.size());
    plot->replot();
}

QString measureName(OverlapMeasure m) {
    switch (m) {
    case OverlapMeasure::Jaccard:
        return QStringLiteral("Jaccard index");
    case OverlapMeasure::Dice:
        return QStringLiteral("Dice coefficient");
    case OverlapMeasure::KendallTau:
        return QStringLiteral("Kendall τ-b");
    case OverlapMeasure::Spearman:
        return QStringLiteral("Spearman ρ");
    }
    return {};
}

void drawOverlap(QCustomPlot* plot, const std::vector<OverlapCurve>& curves,
                 const RankingSet& rankings, OverlapMeasure measure, const QString& reference) {
    resetPlot(plot);
    setPercentAxis(plot->xAxis);
    setLinearAxis(plot->yAxis);
    plot->xAxis->setLabel(QStringLiteral("Top-k protected (% of the bit population)"));
    const bool ofCommon =
        measure == OverlapMeasure::KendallTau || measure == OverlapMeasure::Spearman;
    plot->yAxis->setLabel(measureName(measure) +
                          (ofCommon ? " of the common top-k bits" : " of the top-k sets") + " vs " +
                          reference);
    for (const OverlapCurve& c : curves) {
        const RankingEntry* e = rankings.find(c.id);
        QVector<double> x, y;
        for (const OverlapLevel& l : c.levels) {
            const TopKOverlap& o = l.overlap;
            x << l.protection;
            y << (measure == OverlapMeasure::Jaccard      ? o.jaccard
                  : measure == OverlapMeasure::Dice       ? o.dice
                  : measure == OverlapMeasure::KendallTau ? o.kendallTau
                                                          : o.spearman);
        }
        QCPGraph* graph = plot->addGraph();
        graph->setName(QString::fromStdString(c.label));
        graph->setData(x, y, true);
        graph->setPen(rankerPen(e ? e->method : "", e ? e->order : ""));
        QCPScatterStyle sc = rankerScatter(e ? e->method : "", e ? e->order : "");
        sc.setSize(4);
        graph->setScatterStyle(sc);
    }
    const QString what = measureName(measure);
    setHoverText(plot, [what](QCPAbstractPlottable* p, int i) { return overlapHover(p, i, what); });
    plot->rescaleAxes(true);
    plot->xAxis->setRange(0, 1.02);
    const QCPRange y = plot->yAxis->range();
    plot->yAxis->setRange(ofCommon ? std::min(-0.05, y.lower - 0.05) : 0, 1.04);
    plot->replot();
}

void drawPrecision(QCustomPlot* plot, const std::vector<OverlapCurve>& curves,
                   const RankingSet& rankings, const QString& oracle) {
    drawOverlap(plot, curves, rankings, OverlapMeasure::Dice, oracle);
    plot->yAxis->setLabel("Precision@k vs " + oracle + " (fraction of top-k bits shared)");
    QCPGraph* chance = plot->addGraph();
    chance->setName(QStringLiteral("random ranking (expected k/T)"));
    chance->setData({0, 1}, {0, 1}, true);
    chance->setPen(QPen(QColor(120, 120, 120), 1.2, Qt::DotLine));
    chance->setSelectable(QCP::stNone);
    setHoverText(plot, [](QCPAbstractPlottable* p, int i) {
        return overlapHover(p, i, QStringLiteral("precision@k"));
    });
    plot->replot();
}

} // namespace netsurf::widgets
