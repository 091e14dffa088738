#include "widgets/compare/overview_plots.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "widgets/compare/metric_labels.h"
#include "widgets/compare/plot_style.h"

namespace netsurf::widgets {

namespace {

struct RankerKey {
    std::string label, method, order;
};

// Every ranker of `models`, in the overview's order.
std::vector<RankerKey> rankersOf(const std::vector<const OverviewModel*>& models) {
    std::map<std::string, RankerKey> all;
    for (const OverviewModel* m : models)
        for (const OverviewRanker& r : m->rankers)
            all.emplace(r.label, RankerKey{r.label, r.method, r.order});
    std::vector<RankerKey> out;
    for (auto& [label, k] : all)
        out.push_back(k);
    std::sort(out.begin(), out.end(), [](const RankerKey& a, const RankerKey& b) {
        return std::make_tuple(rankerOrderKey(a.method, a.order), a.label) <
               std::make_tuple(rankerOrderKey(b.method, b.order), b.label);
    });
    return out;
}

int metricIndex(const OverviewModel& m, const std::string& metric) {
    const auto it = std::find(m.metrics.begin(), m.metrics.end(), metric);
    return it == m.metrics.end() ? -1 : int(it - m.metrics.begin());
}

const OverviewRanker* find(const OverviewModel& m, const std::string& label) {
    for (const OverviewRanker& r : m.rankers)
        if (r.label == label) return &r;
    return nullptr;
}

QString interval(const Estimate& e) {
    return e.hasInterval() ? QStringLiteral("%1 [%2, %3]")
                                 .arg(formatValue(e.value), formatValue(e.low), formatValue(e.high))
                           : formatValue(e.value);
}

void hoverFromProperty(QCustomPlot* plot) {
    setHoverText(plot, [](QCPAbstractPlottable* p, int i) {
        const QStringList texts = p->property("hover").toStringList();
        return i >= 0 && i < texts.size() ? texts[i] : p->name();
    });
}

// One curve per ranker through the models at positions xs (shifted sideways by `dodge` per
// ranker so that the whiskers do not hide each other), with 95 % CI whiskers.
int drawVusAgainst(QCustomPlot* plot, const std::vector<const OverviewModel*>& models,
                   const std::string& metric, const std::vector<double>& xs,
                   const QStringList& where, double dodge) {
    const std::vector<RankerKey> rankers = rankersOf(models);
    int points = 0;
    for (std::size_t k = 0; k < rankers.size(); ++k) {
        const double shift = (double(k) - double(rankers.size() - 1) / 2) * dodge;
        QVector<double> x, y, minus, plus;
        QStringList hover;
        for (std::size_t i = 0; i < models.size(); ++i) {
            const OverviewRanker* r = find(*models[i], rankers[k].label);
            const int q = metricIndex(*models[i], metric);
            if (!r || q < 0) continue;
            const Estimate& v = r->vus[std::size_t(q)];
            x << xs[i] + shift;
            y << v.value;
            minus << (v.hasInterval() ? v.value - v.low : 0);
            plus << (v.hasInterval() ? v.high - v.value : 0);
            hover << QStringLiteral("%1, %2\nVUS %3")
                         .arg(QString::fromStdString(r->label), where[int(i)], interval(v));
        }
        QCPGraph* g = plot->addGraph();
        g->setName(QString::fromStdString(rankers[k].label));
        g->setData(x, y, true);
        g->setPen(rankerPen(rankers[k].method, rankers[k].order));
        g->setScatterStyle(rankerScatter(rankers[k].method, rankers[k].order));
        g->setProperty("hover", hover);
        auto* err = new QCPErrorBars(plot->xAxis, plot->yAxis);
        err->removeFromLegend();
        err->setSelectable(QCP::stNone);
        err->setDataPlottable(g);
        err->setData(minus, plus);
        err->setPen(QPen(methodColor(rankers[k].method), 1.1));
        setOwner(err, g);
        points += int(x.size());
    }
    hoverFromProperty(plot);
    return points;
}

void finishVusPlot(QCustomPlot* plot, const std::string& metric, double xMin, double xMax) {
    plot->yAxis->setLabel("VUS of " + metricTitle(metric).toLower()); // in the metric's units
    plot->rescaleAxes(true);
    const QCPRange y = plot->yAxis->range();
    const double pad = y.size() > 0 ? 0.08 * y.size() : 0.05;
    plot->yAxis->setRange(y.lower - pad, y.upper + pad);
    plot->xAxis->setRange(xMin, xMax);
    plot->replot();
}

} // namespace

int drawVusVsPruning(QCustomPlot* plot, const std::vector<const OverviewModel*>& models,
                     const std::string& metric) {
    resetPlot(plot);
    setLinearAxis(plot->yAxis);
    std::vector<double> xs;
    QStringList where;
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    for (const OverviewModel* m : models) {
        xs.push_back(m->model.pruning);
        where << "pruning " + formatPercent(m->model.pruning);
        ticks->addTick(m->model.pruning, formatPercent(m->model.pruning));
    }
    const double lo = xs.empty() ? 0 : *std::min_element(xs.begin(), xs.end());
    const double hi = xs.empty() ? 1 : *std::max_element(xs.begin(), xs.end());
    const double span = hi > lo ? hi - lo : 0.25;
    plot->xAxis->setTicker(ticks);
    plot->xAxis->setTickLabelRotation(0);
    plot->xAxis->setLabel(QStringLiteral("Pruning (% of the weights removed)"));
    const int points = drawVusAgainst(plot, models, metric, xs, where, span * 0.012);
    finishVusPlot(plot, metric, lo - 0.12 * span, hi + 0.12 * span);
    return points;
}

int drawVusVsScheme(QCustomPlot* plot, const std::vector<const OverviewModel*>& models,
                    const std::string& metric) {
    resetPlot(plot);
    setLinearAxis(plot->yAxis);
    std::vector<double> xs;
    QStringList where;
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    for (std::size_t i = 0; i < models.size(); ++i) {
        const QString scheme = QString::fromStdString(models[i]->model.scheme.str());
        xs.push_back(double(i + 1));
        where << scheme;
        ticks->addTick(double(i + 1), scheme);
    }
    plot->xAxis->setTicker(ticks);
    plot->xAxis->setTickLabelRotation(0);
    plot->xAxis->setLabel(
        QStringLiteral("Quantization scheme q<m,n,s> (bits, integer bits, sign)"));
    const int points = drawVusAgainst(plot, models, metric, xs, where, 0.025);
    finishVusPlot(plot, metric, 0.5, double(models.size()) + 0.5);
    return points;
}

BoxStats boxStats(std::vector<double> v) {
    BoxStats b;
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    if (v.empty()) return b;
    std::sort(v.begin(), v.end());
    auto quantile = [&](double q) {
        const double h = q * double(v.size() - 1);
        const std::size_t i = std::size_t(h);
        return i + 1 < v.size() ? v[i] + (h - double(i)) * (v[i + 1] - v[i]) : v[i];
    };
    b.q1 = quantile(0.25);
    b.median = quantile(0.5);
    b.q3 = quantile(0.75);
    const double lo = b.q1 - 1.5 * (b.q3 - b.q1), hi = b.q3 + 1.5 * (b.q3 - b.q1);
    b.minimum = b.q1;
    b.maximum = b.q3;
    for (double x : v) {
        if (x < lo || x > hi)
            b.outliers.push_back(x);
        else {
            b.minimum = std::min(b.minimum, x);
            b.maximum = std::max(b.maximum, x);
        }
    }
    return b;
}

int drawMetricBoxes(QCustomPlot* plot, const std::vector<const OverviewModel*>& models,
                    const std::string& metric, const QString& axisLabel) {
    resetPlot(plot);
    setLinearAxis(plot->yAxis);
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    const std::vector<RankerKey> rankers = rankersOf(models);
    for (std::size_t k = 0; k < rankers.size(); ++k) {
        std::vector<double> values;
        for (const OverviewModel* m : models) {
            const OverviewRanker* r = find(*m, rankers[k].label);
            const int q = metricIndex(*m, metric);
            if (r && q >= 0)
                values.insert(values.end(), r->cellMeans[std::size_t(q)].begin(),
                              r->cellMeans[std::size_t(q)].end());
        }
        const BoxStats b = boxStats(values);
        const double x = double(k + 1);
        auto* box = new QCPStatisticalBox(plot->xAxis, plot->yAxis);
        box->setName(QString::fromStdString(rankers[k].label));
        box->addData(x, b.minimum, b.q1, b.median, b.q3, b.maximum,
                     QVector<double>(b.outliers.begin(), b.outliers.end()));
        QColor c = methodColor(rankers[k].method);
        box->setPen(QPen(c.darker(140), 1.2));
        box->setMedianPen(QPen(Qt::black, 2));
        c.setAlpha(rankers[k].order == "global" ? 60 : 140);
        box->setBrush(c);
        box->setWidth(0.6);
        box->setOutlierStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c.darker(140), 4));
        box->setProperty(
            "hover",
            QStringList{
                QStringLiteral(
                    "%1 (%2 cells)\nmedian %3, quartiles [%4, %5]\nwhiskers [%6, %7], %8 outliers")
                    .arg(box->name())
                    .arg(values.size())
                    .arg(formatValue(b.median), formatValue(b.q1), formatValue(b.q3),
                         formatValue(b.minimum), formatValue(b.maximum))
                    .arg(b.outliers.size())});
        ticks->addTick(x, box->name());
    }
    plot->xAxis->setTicker(ticks);
    plot->xAxis->setTickLabelRotation(30);
    plot->xAxis->setLabel(QString());
    plot->yAxis->setLabel(axisLabel); // of the cell means (the panel's title says so)
    plot->legend->setVisible(false);  // the tick labels name the boxes
    hoverFromProperty(plot);
    plot->rescaleAxes(true);
    const QCPRange y = plot->yAxis->range();
    plot->yAxis->setRange(y.lower - 0.05 * y.size(), y.upper + 0.05 * y.size());
    plot->xAxis->setRange(0.4, double(rankers.size()) + 0.6);
    plot->replot();
    return int(rankers.size());
}

} // namespace netsurf::widgets
