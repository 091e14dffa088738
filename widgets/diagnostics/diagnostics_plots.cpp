#include "widgets/diagnostics/diagnostics_plots.h"

#include <QObject>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "widgets/compare/plot_style.h"
#include "widgets/results/plot_style.h"

namespace netsurf::widgets {

namespace {

QString auc(double v) {
    return std::isfinite(v) ? QString::number(v, 'f', 4) : QStringLiteral("—");
}

void dashedVertical(QCustomPlot* plot, double x, const QString& label, Qt::Alignment side) {
    auto* line = new QCPItemStraightLine(plot);
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    line->setPen(QPen(QColor(120, 120, 120), 1.2, Qt::DashLine));
    auto* text = new QCPItemText(plot);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0.02);
    text->setPositionAlignment(Qt::AlignTop | side);
    text->setPadding(QMargins(3, 0, 3, 0));
    text->setText(label);
    text->setColor(QColor(90, 90, 90));
}

} // namespace

void drawRoc(QCustomPlot* plot, const ClassificationDiagnostics& d) {
    resetPlot(plot);
    setLinearAxis(plot->xAxis);
    setLinearAxis(plot->yAxis);
    QCPGraph* chance = plot->addGraph();
    chance->setName(QObject::tr("chance"));
    chance->setPen(QPen(Qt::gray, 1, Qt::DotLine));
    chance->setData({0, 1}, {0, 1});
    for (const RocCurve& r : d.roc) {
        if (r.points.empty()) continue;
        QVector<double> x, y;
        for (const RocPoint& p : r.points)
            x << p.fpr, y << p.tpr;
        QCPCurve* c = new QCPCurve(plot->xAxis, plot->yAxis); // FPR is not strictly increasing
        c->setName(QObject::tr("class %1 (AUC %2)").arg(r.positiveClass).arg(auc(r.auc)));
        c->setPen(QPen(qualitativeColor(r.positiveClass), 1.5));
        c->setData(x, y);
    }
    plot->xAxis->setLabel(QObject::tr("false positive rate (one class vs the rest)"));
    plot->yAxis->setLabel(QObject::tr("true positive rate"));
    plot->xAxis->setRange(-0.01, 1.01);
    plot->yAxis->setRange(-0.01, 1.01);
    plot->legend->setVisible(true);
    setPlotTitle(plot, QObject::tr("ROC per class, test split (macro AUC %1)").arg(auc(d.macroAuc)));
}

void drawConfusion(QCustomPlot* plot, const ClassificationDiagnostics& d) {
    resetPlot(plot);
    setLinearAxis(plot->xAxis);
    setLinearAxis(plot->yAxis);
    const int n = int(d.confusion.size());
    auto* map = new QCPColorMap(plot->xAxis, plot->yAxis);
    map->setName(QObject::tr("share of the true class (%)"));
    map->data()->setSize(std::max(n, 1), std::max(n, 1));
    map->data()->setRange(QCPRange(0, std::max(n - 1, 0)), QCPRange(0, std::max(n - 1, 0)));
    for (int t = 0; t < n; ++t) {
        double row = 0;
        for (std::uint64_t v : d.confusion[std::size_t(t)])
            row += double(v);
        for (int p = 0; p < n; ++p) {
            const double count = double(d.confusion[std::size_t(t)][std::size_t(p)]);
            const double share = row > 0 ? 100 * count / row : 0;
            map->data()->setCell(p, n - 1 - t, share); // class 0 on top
            auto* label = new QCPItemText(plot);
            label->position->setCoords(p, n - 1 - t);
            label->setText(QString::number(qulonglong(count)));
            QFont f = plot->font();
            f.setPointSizeF(n > 6 ? 7 : 9);
            label->setFont(f);
            label->setColor(share > 55 ? Qt::black : Qt::white);
        }
    }
    map->setGradient(viridisGradient());
    map->setDataRange(QCPRange(0, 100));
    map->setInterpolate(false);
    QSharedPointer<QCPAxisTickerText> xt(new QCPAxisTickerText), yt(new QCPAxisTickerText);
    for (int c = 0; c < n; ++c) {
        xt->addTick(c, QString::number(c));
        yt->addTick(n - 1 - c, QString::number(c));
    }
    plot->xAxis->setTicker(xt);
    plot->yAxis->setTicker(yt);
    plot->xAxis->setLabel(QObject::tr("predicted class"));
    plot->yAxis->setLabel(QObject::tr("true class"));
    plot->xAxis->setRange(-0.5, n - 0.5);
    plot->yAxis->setRange(-0.5, n - 0.5);
    plot->legend->setVisible(false);
    setPlotTitle(plot, QObject::tr("Confusion matrix, test split (%1 samples, accuracy %2 %)")
                           .arg(d.samples)
                           .arg(100 * d.accuracy, 0, 'f', 2));
}

void drawTrueVsPredicted(QCustomPlot* plot, const RegressionDiagnostics& d,
                         const QString& targetName) {
    resetPlot(plot);
    setLinearAxis(plot->xAxis);
    setLinearAxis(plot->yAxis);
    QVector<double> x(d.truth.begin(), d.truth.end()), y(d.predicted.begin(), d.predicted.end());
    double lo = INFINITY, hi = -INFINITY;
    for (double v : d.truth)
        lo = std::min(lo, v), hi = std::max(hi, v);
    for (double v : d.predicted)
        lo = std::min(lo, v), hi = std::max(hi, v);
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    QCPGraph* ident = plot->addGraph();
    ident->setName(QObject::tr("predicted = true"));
    ident->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    ident->setData({lo, hi}, {lo, hi});
    QCPGraph* g = plot->addGraph();
    g->setName(QObject::tr("test rows (%1)").arg(x.size()));
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(0, 114, 178), 5));
    g->setData(x, y);
    plot->xAxis->setLabel(QObject::tr("true %1").arg(targetName));
    plot->yAxis->setLabel(QObject::tr("predicted %1").arg(targetName));
    const double pad = 0.04 * (hi - lo) + 1e-9;
    plot->xAxis->setRange(lo - pad, hi + pad);
    plot->yAxis->setRange(lo - pad, hi + pad);
    plot->legend->setVisible(true);
    setPlotTitle(plot, QObject::tr("True vs predicted, test split (MAE %1, R² %2, Pearson %3)")
                           .arg(d.mae, 0, 'g', 4)
                           .arg(d.r2, 0, 'g', 4)
                           .arg(d.pearson, 0, 'g', 4));
}

void drawTensorValues(QCustomPlot* plot, const TensorDiagnostics& t, const QString& when) {
    resetPlot(plot);
    setLinearAxis(plot->xAxis);
    setLinearAxis(plot->yAxis);
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(QString::fromStdString(t.tensor));
    bars->setPen(Qt::NoPen);
    bars->setBrush(QColor(0, 114, 178));
    const Histogram& h = t.histogram;
    double total = 0, width = 1;
    for (std::uint64_t c : h.counts)
        total += double(c);
    for (std::size_t i = 0; i < h.counts.size() && i + 1 < h.edges.size(); ++i) {
        if (h.counts[i] == 0) continue;
        width = h.edges[i + 1] - h.edges[i];
        bars->addData(0.5 * (h.edges[i] + h.edges[i + 1]), 100.0 * double(h.counts[i]) / total);
    }
    bars->setWidth(width * 0.85);
    dashedVertical(plot, t.qmin, QObject::tr("Qmin"), Qt::AlignLeft);
    dashedVertical(plot, t.qmax, QObject::tr("Qmax"), Qt::AlignRight);
    const double pad = 0.05 * (t.qmax - t.qmin);
    plot->rescaleAxes(true);
    plot->xAxis->setRange(std::min(t.qmin, std::isfinite(t.min) ? t.min : t.qmin) - pad,
                          std::max(t.qmax, std::isfinite(t.max) ? t.max : t.qmax) + pad);
    plot->yAxis->setRange(0, plot->yAxis->range().upper * 1.15 + 1e-9);
    plot->xAxis->setLabel(QObject::tr("stored value Q(w)"));
    plot->yAxis->setLabel(QObject::tr("share of the kept values (%)"));
    plot->legend->setVisible(false); // the title names the tensor
    setPlotTitle(plot, QObject::tr("%1, %2 (%3 values)")
                           .arg(QString::fromStdString(t.tensor), when)
                           .arg(t.kept));
}

void drawSparsity(QCustomPlot* plot, const std::vector<SparsityDiagnostics>& sparsity) {
    resetPlot(plot);
    setLinearAxis(plot->yAxis);
    auto* pruned = new QCPBars(plot->xAxis, plot->yAxis);
    pruned->setName(QObject::tr("pruned (not stored)"));
    pruned->setBrush(QColor(213, 94, 0));
    pruned->setPen(Qt::NoPen);
    auto* zero = new QCPBars(plot->xAxis, plot->yAxis);
    zero->setName(QObject::tr("kept, value 0"));
    zero->setBrush(QColor(230, 159, 0, 150));
    zero->setPen(Qt::NoPen);
    zero->moveAbove(pruned);
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    double x = 0;
    for (const SparsityDiagnostics& s : sparsity) {
        x += 1;
        pruned->addData(x, 100.0 * s.prunedFraction);
        zero->addData(x, 100.0 * s.zeroKeptFraction);
        ticks->addTick(x, QStringLiteral("%1 (%2)").arg(QString::fromStdString(s.tensor)).arg(s.count));
    }
    pruned->setWidth(0.6);
    zero->setWidth(0.6);
    plot->xAxis->setTicker(ticks);
    plot->xAxis->setTickLabelRotation(25);
    plot->xAxis->setLabel(QString());
    plot->xAxis->setRange(0.4, x + 0.6);
    plot->yAxis->setLabel(QObject::tr("share of the tensor's values (%)"));
    plot->yAxis->setRange(0, 100);
    plot->legend->setVisible(true);
    setPlotTitle(plot, QObject::tr("Sparsity per tensor"));
}

void drawActivation(QCustomPlot* plot, const ActivationDiagnostics& a) {
    resetPlot(plot);
    setLinearAxis(plot->xAxis);
    setLinearAxis(plot->yAxis);
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(QString::fromStdString(a.layer));
    bars->setPen(Qt::NoPen);
    bars->setBrush(QColor(0, 158, 115));
    const Histogram& h = a.histogram;
    double total = 0;
    for (std::uint64_t c : h.counts)
        total += double(c);
    double width = 1;
    for (std::size_t i = 0; i < h.counts.size() && i + 1 < h.edges.size(); ++i) {
        width = h.edges[i + 1] - h.edges[i];
        bars->addData(0.5 * (h.edges[i] + h.edges[i + 1]),
                      total > 0 ? 100.0 * double(h.counts[i]) / total : 0.0);
    }
    bars->setWidth(width > 0 ? width * 0.9 : 1);
    double lo = std::isfinite(a.min) ? a.min : 0, hi = std::isfinite(a.max) ? a.max : 1;
    if (a.quantized) {
        dashedVertical(plot, a.low, QObject::tr("%1 % at %2").arg(100 * a.atLow, 0, 'f', 1).arg(a.low),
                       Qt::AlignLeft);
        dashedVertical(plot, a.high,
                       QObject::tr("%1 % at %2").arg(100 * a.atHigh, 0, 'f', 1).arg(a.high),
                       Qt::AlignRight);
        lo = std::min(lo, a.low);
        hi = std::max(hi, a.high);
    }
    const double pad = 0.04 * (hi - lo) + 1e-9;
    plot->xAxis->setRange(lo - pad, hi + pad);
    plot->rescaleAxes(true);
    plot->xAxis->setRange(lo - pad, hi + pad);
    plot->yAxis->setRange(0, plot->yAxis->range().upper * 1.12 + 1e-9);
    plot->xAxis->setLabel(QObject::tr("output value"));
    plot->yAxis->setLabel(QObject::tr("share of the values (%)"));
    plot->legend->setVisible(false);
    setPlotTitle(plot, QObject::tr("%1 (%2) output, %3 values")
                           .arg(QString::fromStdString(a.layer), QString::fromStdString(a.kind))
                           .arg(a.values));
}

} // namespace netsurf::widgets
