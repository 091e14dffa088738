#include "widgets/diagnostics/model_plots.h"

#include <QObject>
#include <algorithm>
#include <cmath>
#include <map>
#include <qcustomplot.h>

#include "widgets/compare/overview_plots.h"
#include "widgets/compare/metric_labels.h"
#include "widgets/compare/plot_style.h"

namespace netsurf::widgets {

namespace {

const QColor kTrain(0, 114, 178), kTest(213, 94, 0);

bool hasData(const HistoryTable& h, const std::string& column) {
    for (double v : h.column(column))
        if (std::isfinite(v)) return true;
    return false;
}

// Whether the positive values of the columns span more than two decades (log axis).
bool spansDecades(const HistoryTable& h, const std::vector<std::pair<std::string, QString>>& cols) {
    double lo = INFINITY, hi = 0;
    for (const auto& c : cols)
        for (double x : h.column(c.first)) {
            if (!std::isfinite(x)) continue;
            if (x <= 0) return false;
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
    return hi > 0 && hi / lo > 100;
}

// The value axis around the graphs' data with 5 % margins. Not rescaleAxes: around a constant
// series (a fixed learning rate, a ranking without scores) it keeps the axis's previous width.
void fitValueAxis(QCustomPlot* plot) {
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < plot->graphCount(); ++i)
        for (auto it = plot->graph(i)->data()->constBegin(); it != plot->graph(i)->data()->constEnd(); ++it)
            lo = std::min(lo, it->value), hi = std::max(hi, it->value);
    if (!std::isfinite(lo)) return;
    const double pad = std::max({0.05 * (hi - lo), 0.05 * std::abs(0.5 * (lo + hi)), 1e-12});
    plot->yAxis->setRange(lo - pad, hi + pad);
}

} // namespace

int drawHistory(QCustomPlot* plot, const HistoryTable& history,
                const std::vector<std::pair<std::string, QString>>& columns,
                const QString& yLabel, bool logY) {
    resetPlot(plot);
    const std::vector<double> epoch = history.column("epoch");
    int drawn = 0;
    for (const auto& [name, label] : columns) {
        const std::vector<double> v = history.column(name);
        if (v.empty() || epoch.size() != v.size()) continue;
        QVector<double> x, y;
        for (std::size_t i = 0; i < v.size(); ++i)
            if (std::isfinite(v[i]) && (!logY || v[i] > 0)) {
                x << epoch[i];
                y << v[i];
            }
        if (x.isEmpty()) continue;
        QCPGraph* g = plot->addGraph();
        g->setName(label);
        g->setPen(QPen(qualitativeColor(drawn), 1.6,
                       name.rfind("val_", 0) == 0 ? Qt::DashLine : Qt::SolidLine));
        if (x.size() < 40)
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, qualitativeColor(drawn), 4));
        g->setData(x, y, true);
        ++drawn;
    }
    if (logY)
        setLogAxis(plot->yAxis);
    else
        setLinearAxis(plot->yAxis);
    setLinearAxis(plot->xAxis);
    plot->xAxis->setLabel(QObject::tr("epoch"));
    plot->yAxis->setLabel(yLabel);
    plot->legend->setVisible(drawn > 0);
    plot->rescaleAxes();
    if (!logY) fitValueAxis(plot);
    return drawn;
}

std::vector<HistoryView> historyViews(const HistoryTable& h, const std::string& benchmark) {
    std::vector<HistoryView> out;
    const auto add = [&](HistoryView v) {
        for (const auto& c : v.columns)
            if (hasData(h, c.first)) {
                out.push_back(std::move(v));
                return;
            }
    };
    add({"loss", QObject::tr("Loss per epoch"),
         QObject::tr("Training objective (data loss + range penalty, surrogate forward) and the "
                     "exact validation loss (log axis when they span decades)."),
         QObject::tr("loss"),
         {{"loss", QObject::tr("training")}, {"val_loss", QObject::tr("validation")}}});
    for (const std::string& c : h.columns) {
        if (c.rfind("val_", 0) != 0 || c == "val_loss") continue;
        const std::string metric = c.substr(4);
        const QString name = metricTitle(metric);
        add({"metric:" + metric, QObject::tr("%1 per epoch").arg(name),
             QObject::tr("%1 on the training batches (surrogate forward) and on the validation "
                         "split (exact).")
                 .arg(name.toHtmlEscaped()),
             metricAxisLabel(metric, benchmark, {}),
             {{metric, QObject::tr("training")}, {c, QObject::tr("validation")}}});
    }
    add({"sparsity", QObject::tr("Kernel sparsity"),
         QObject::tr("Fraction of the dense kernels masked by the pruning schedule at the end of "
                     "each epoch."),
         QObject::tr("fraction of kernel weights"), {{"sparsity", QObject::tr("sparsity")}}});
    add({"learning_rate", QObject::tr("Learning rate"), QObject::tr("Adam's step size per epoch."),
         QObject::tr("step size"), {{"learning_rate", QObject::tr("learning rate")}}});
    add({"alpha_beta", QObject::tr("apply_alpha: mean α and β"),
         QObject::tr("Mean α and β over the channels of the apply_alpha layers (stored values), "
                     "per epoch."),
         QObject::tr("value"),
         {{"alpha_mean", QObject::tr("mean α")}, {"beta_mean", QObject::tr("mean β")}}});
    add({"range_penalty", QObject::tr("Range penalty"),
         QObject::tr("The apply_alpha range penalty reg·mean(relu(y−Qmax)+relu(Qmin−y)) added to "
                     "the loss, mean over the epoch's batches."),
         QObject::tr("penalty"), {{"range_penalty", QObject::tr("range penalty")}}});
    add({"fisher_trace", QObject::tr("Fisher trace"),
         QObject::tr("Trace of the empirical Fisher on a fixed training subset, at the epochs "
                     "where it was logged."),
         QObject::tr("tr F"), {{"fisher_trace", QObject::tr("Fisher trace")}}});
    return out;
}

void drawHistoryView(QCustomPlot* plot, const HistoryTable& history, const HistoryView& view) {
    drawHistory(plot, history, view.columns, view.yLabel, spansDecades(history, view.columns));
    setPlotTitle(plot, view.title);
}

void drawTargetBalance(QCustomPlot* plot, const Dataset& data) {
    resetPlot(plot);
    setLinearAxis(plot->xAxis);
    setLinearAxis(plot->yAxis);
    const auto histogram = [&](const Eigen::VectorXd& y, const QString& name, const QColor& c,
                               double offset, double width, int bins, double lo, double hi) {
        auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(QObject::tr("%1 (%2 rows)").arg(name).arg(y.size()));
        bars->setBrush(c);
        bars->setPen(Qt::NoPen);
        bars->setWidth(width);
        std::vector<double> counts(std::size_t(bins), 0);
        for (Eigen::Index i = 0; i < y.size(); ++i) {
            int b = data.task == TaskKind::Classification
                        ? int(y[i])
                        : int(std::floor((y[i] - lo) / (hi - lo) * bins));
            counts[std::size_t(std::clamp(b, 0, bins - 1))] += 1;
        }
        for (int b = 0; b < bins; ++b) {
            const double x = data.task == TaskKind::Classification
                                 ? b + offset
                                 : lo + (b + 0.5) * (hi - lo) / bins + offset;
            bars->addData(x, 100.0 * counts[std::size_t(b)] / double(std::max<Eigen::Index>(1, y.size())));
        }
    };
    if (data.task == TaskKind::Classification) {
        histogram(data.trainY, QObject::tr("training split"), kTrain, -0.2, 0.38, data.classes, 0, 1);
        histogram(data.testY, QObject::tr("test split"), kTest, 0.2, 0.38, data.classes, 0, 1);
        QSharedPointer<QCPAxisTickerFixed> t(new QCPAxisTickerFixed);
        t->setTickStep(1);
        plot->xAxis->setTicker(t);
        plot->xAxis->setLabel(QObject::tr("class"));
        plot->xAxis->setRange(-0.7, data.classes - 0.3);
        plot->yAxis->setLabel(QObject::tr("share of the split's rows (%)"));
    } else {
        const double lo = std::min(data.trainY.minCoeff(), data.testY.minCoeff());
        const double hi = std::max(data.trainY.maxCoeff(), data.testY.maxCoeff()) + 1e-9;
        const int bins = 20;
        const double w = (hi - lo) / bins;
        histogram(data.trainY, QObject::tr("training split"), kTrain, -0.22 * w, 0.42 * w, bins, lo, hi);
        histogram(data.testY, QObject::tr("test split"), kTest, 0.22 * w, 0.42 * w, bins, lo, hi);
        plot->xAxis->setLabel(QString::fromStdString(data.targetName.empty() ? "target" : data.targetName));
        plot->xAxis->setRange(lo - w, hi + w);
        plot->yAxis->setLabel(QObject::tr("share of the split's rows (%)"));
    }
    plot->yAxis->rescale(true); // the x range set above stays
    plot->yAxis->setRange(0, plot->yAxis->range().upper * 1.12 + 1e-9);
    plot->legend->setVisible(true);
}

void drawFeatureBoxes(QCustomPlot* plot, const Dataset& data) {
    resetPlot(plot);
    setLinearAxis(plot->yAxis);
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    const Eigen::Index d = data.trainX.cols();
    for (Eigen::Index f = 0; f < d; ++f) {
        const double lo = data.trainX.col(f).minCoeff(), hi = data.trainX.col(f).maxCoeff();
        std::vector<double> v(std::size_t(data.trainX.rows()));
        for (Eigen::Index i = 0; i < data.trainX.rows(); ++i)
            v[std::size_t(i)] = hi > lo ? (data.trainX(i, f) - lo) / (hi - lo) : 0.0;
        const BoxStats b = boxStats(v);
        auto* box = new QCPStatisticalBox(plot->xAxis, plot->yAxis);
        const QString name = std::size_t(f) < data.featureNames.size()
                                 ? QString::fromStdString(data.featureNames[std::size_t(f)])
                                 : QObject::tr("x%1").arg(f);
        box->setName(name);
        box->addData(double(f + 1), b.minimum, b.q1, b.median, b.q3, b.maximum,
                     QVector<double>(b.outliers.begin(), b.outliers.end()));
        box->setPen(QPen(kTrain.darker(130), 1.1));
        box->setBrush(QColor(0, 114, 178, 90));
        box->setMedianPen(QPen(Qt::black, 1.8));
        box->setWidth(0.6);
        box->setOutlierStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kTrain.darker(130), 3));
        ticks->addTick(double(f + 1),
                       QStringLiteral("%1\n[%2, %3]").arg(name).arg(lo, 0, 'g', 4).arg(hi, 0, 'g', 4));
    }
    plot->xAxis->setTicker(ticks);
    plot->xAxis->setTickLabelRotation(d > 8 ? 35 : 0);
    plot->xAxis->setLabel(QObject::tr("feature [min, max] of the training split"));
    plot->yAxis->setLabel(QObject::tr("value scaled to [0, 1] by min/max"));
    plot->xAxis->setRange(0.4, double(d) + 0.6);
    plot->yAxis->setRange(-0.05, 1.05);
    plot->legend->setVisible(false);
}

void drawScoreAlongRank(QCustomPlot* plot, const std::vector<double>& scores, const QString& name,
                        const std::string& method) {
    resetPlot(plot);
    setLinearAxis(plot->xAxis);
    bool positive = !scores.empty();
    double lo = INFINITY, hi = -INFINITY;
    for (double s : scores) {
        positive = positive && s > 0;
        lo = std::min(lo, s);
        hi = std::max(hi, s);
    }
    // Scores spanning decades read on a log axis; signed or zero scores on a linear one.
    const bool log = positive && hi / lo > 100;
    if (log)
        setLogAxis(plot->yAxis);
    else
        setLinearAxis(plot->yAxis);
    QVector<double> x(qsizetype(scores.size())), y(qsizetype(scores.size()));
    const double n = double(std::max<std::size_t>(scores.size(), 1));
    for (std::size_t i = 0; i < scores.size(); ++i) {
        x[qsizetype(i)] = 100.0 * double(i + 1) / n;
        y[qsizetype(i)] = scores[i];
    }
    QCPGraph* g = plot->addGraph();
    g->setName(name);
    g->setPen(QPen(methodColor(method), 1.4));
    g->setData(x, y, true);
    plot->xAxis->setLabel(QObject::tr("rank (% of the bit population, most vulnerable first)"));
    plot->yAxis->setLabel(QObject::tr("score (the ranking's sort key)"));
    plot->legend->setVisible(true);
    plot->rescaleAxes();
    if (!log) fitValueAxis(plot);
    plot->xAxis->setRange(0, 100);
}

} // namespace netsurf::widgets
