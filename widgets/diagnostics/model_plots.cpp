#include "widgets/diagnostics/model_plots.h"

#include <QObject>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <qcustomplot.h>
#include <sstream>

#include "engine/core/message_text.h"
#include "widgets/compare/overview_plots.h"
#include "widgets/compare/plot_style.h"

namespace netsurf::widgets {

namespace {

const QColor kTrain(0, 114, 178), kTest(213, 94, 0), kLimit(120, 120, 120);

std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ','))
        cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
}

QColor curveColor(int i) {
    static const QColor colors[] = {QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115),
                                    QColor(204, 121, 167), QColor(230, 159, 0),
                                    QColor(86, 180, 233), QColor(0, 0, 0)};
    return colors[i % 7];
}

// A dashed vertical line at x, labelled at the top on the side `align` (Qt::AlignLeft: the
// label's left edge at the line, i.e. the label right of it).
void limitLine(QCustomPlot* plot, double x, const QString& label, Qt::Alignment align) {
    auto* line = new QCPItemStraightLine(plot);
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    line->setPen(QPen(kLimit, 1.2, Qt::DashLine));
    auto* text = new QCPItemText(plot);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0.02);
    text->setPositionAlignment(Qt::AlignTop | align);
    text->setPadding(QMargins(3, 0, 3, 0));
    text->setText(label);
    text->setColor(kLimit);
}

} // namespace

const std::vector<double>* HistoryTable::column(const std::string& name) const {
    const auto it = std::find(columns.begin(), columns.end(), name);
    return it == columns.end() ? nullptr : &values[std::size_t(it - columns.begin())];
}

Result<HistoryTable> readHistoryCsv(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return Error::data("cannot read " + quoteValue(file.string()));
    HistoryTable t;
    std::string line;
    if (!std::getline(in, line) || line.empty())
        return Error::data(quoteValue(file.string()) + " is empty (expected a history.csv header)");
    t.columns = splitCsvLine(line);
    t.values.resize(t.columns.size());
    std::size_t lineNo = 1;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty()) continue;
        const std::vector<std::string> cells = splitCsvLine(line);
        if (cells.size() != t.columns.size())
            return Error::data(quoteValue(file.string()) + " line " + std::to_string(lineNo) + " has " +
                               std::to_string(cells.size()) + " cells (expected " +
                               std::to_string(t.columns.size()) + ")");
        for (std::size_t c = 0; c < cells.size(); ++c) {
            double v = std::nan("");
            if (!cells[c].empty() && cells[c] != "nan") {
                char* end = nullptr;
                v = std::strtod(cells[c].c_str(), &end);
                if (end == cells[c].c_str())
                    return Error::data(quoteValue(file.string()) + " line " + std::to_string(lineNo) +
                                       ": " + quoteValue(cells[c]) + " is not a number");
            }
            t.values[c].push_back(v);
        }
    }
    return t;
}

int drawHistory(QCustomPlot* plot, const HistoryTable& history,
                const std::vector<std::pair<std::string, QString>>& columns,
                const QString& yLabel, bool logY) {
    resetPlot(plot);
    const std::vector<double>* epoch = history.column("epoch");
    int drawn = 0;
    for (const auto& [name, label] : columns) {
        const std::vector<double>* v = history.column(name);
        if (!v || !epoch) continue;
        QVector<double> x, y;
        for (std::size_t i = 0; i < v->size(); ++i)
            if (std::isfinite((*v)[i]) && (!logY || (*v)[i] > 0)) {
                x << (*epoch)[i];
                y << (*v)[i];
            }
        if (x.isEmpty()) continue;
        QCPGraph* g = plot->addGraph();
        g->setName(label);
        g->setPen(QPen(curveColor(drawn), 1.6,
                       name.rfind("val_", 0) == 0 ? Qt::DashLine : Qt::SolidLine));
        if (x.size() < 40)
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, curveColor(drawn), 4));
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
    if (!logY) {
        const QCPRange r = plot->yAxis->range();
        // A constant series (a fixed learning rate) gets a range around its value.
        const double pad = std::max({0.05 * r.size(), 0.05 * std::abs(r.center()), 1e-12});
        plot->yAxis->setRange(r.lower - pad, r.upper + pad);
    }
    return drawn;
}

void drawTensorHistogram(QCustomPlot* plot, const Model& model, int tensor, const QString& title) {
    resetPlot(plot);
    setLinearAxis(plot->xAxis);
    setLinearAxis(plot->yAxis);
    const Tensor& t = model.tensors[std::size_t(tensor)];
    const QuantScheme& q = model.scheme;
    std::map<double, double> counts;
    std::size_t kept = 0;
    for (Eigen::Index i = 0; i < t.size(); ++i)
        if (t.kept(i)) {
            counts[t.values[i]] += 1;
            ++kept;
        }
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(QString::fromStdString(t.name));
    bars->setPen(Qt::NoPen);
    bars->setBrush(kTrain);
    bars->setWidth(q.lsb() * 0.85);
    for (const auto& [v, c] : counts)
        bars->addData(v, 100.0 * c / double(std::max<std::size_t>(kept, 1)));
    limitLine(plot, q.minValue(), QObject::tr("Qmin"), Qt::AlignLeft);
    limitLine(plot, q.maxValue(), QObject::tr("Qmax"), Qt::AlignRight);
    plot->xAxis->setLabel(QObject::tr("stored value Q(w) (grid step %1)").arg(q.lsb()));
    plot->yAxis->setLabel(QObject::tr("share of the kept values (%)"));
    plot->legend->setVisible(false); // the title names the tensor
    plot->rescaleAxes();
    const double pad = 2 * q.lsb();
    plot->xAxis->setRange(q.minValue() - pad, q.maxValue() + pad);
    plot->yAxis->setRange(0, plot->yAxis->range().upper * 1.15 + 1e-9);
    setPlotTitle(plot, QObject::tr("%1 (%2 values)").arg(title).arg(kept));
}

void drawSparsity(QCustomPlot* plot, const Model& model) {
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
    for (const Tensor& t : model.tensors) {
        if (!t.trainable) continue;
        x += 1;
        std::size_t p = 0, z = 0;
        for (Eigen::Index i = 0; i < t.size(); ++i) {
            if (!t.kept(i))
                ++p;
            else if (t.values[i] == 0)
                ++z;
        }
        const double n = std::max<double>(1, double(t.size()));
        pruned->addData(x, 100.0 * double(p) / n);
        zero->addData(x, 100.0 * double(z) / n);
        ticks->addTick(x, QStringLiteral("%1 (%2)").arg(QString::fromStdString(t.name)).arg(t.size()));
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
    plot->rescaleAxes(true);
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
    plot->xAxis->setRange(0, 100);
}

} // namespace netsurf::widgets
