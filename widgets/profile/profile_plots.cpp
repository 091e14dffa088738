#include "widgets/profile/profile_plots.h"

#include <QFile>
#include <algorithm>
#include <map>
#include <qcustomplot.h>

#include "engine/analysis/profile_stats.h"
#include "engine/jobs/profile_job.h"
#include "widgets/compare/plot_style.h"

namespace netsurf::widgets {

namespace {

const QColor kPre(120, 120, 120), kPost(0, 114, 178); // grey before, blue after training

// A density histogram as a step curve (the share of values per unit of x).
QCPGraph* addHistogram(QCustomPlot* plot, const nlohmann::json& dist, const QString& name,
                       const QColor& color) {
    QCPGraph* g = plot->addGraph();
    g->setName(name);
    g->setPen(QPen(color, 1.6));
    QColor fill = color;
    fill.setAlpha(40);
    g->setBrush(fill);
    g->setLineStyle(QCPGraph::lsStepLeft);
    const auto& edges = dist["histogram"]["edges"];
    const auto& counts = dist["histogram"]["counts"];
    double total = 0;
    for (const auto& c : counts)
        total += c.get<double>();
    QVector<double> x, y;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const double lo = edges[i].get<double>(), hi = edges[i + 1].get<double>();
        x << lo;
        y << (total > 0 && hi > lo ? counts[i].get<double>() / total / (hi - lo) : 0.0);
    }
    if (!counts.empty()) {
        x << edges.back().get<double>();
        y << y.back();
    }
    g->setData(x, y, true);
    return g;
}

QCPGraph* addLorenz(QCustomPlot* plot, const nlohmann::json& dist, const QString& name,
                    const QColor& color) {
    QCPGraph* g = plot->addGraph();
    g->setName(QObject::tr("%1 (Gini %2)").arg(name, statText(dist["gini"])));
    g->setPen(QPen(color, 1.8));
    QVector<double> x, y;
    for (const auto& p : dist["lorenz"]) {
        x << 100 * p[0].get<double>();
        y << 100 * p[1].get<double>();
    }
    g->setData(x, y, true);
    return g;
}

// The cumulative share (%) of the values at each histogram edge, on the right axis.
QCPGraph* addCdf(QCustomPlot* plot, const nlohmann::json& dist, const QString& name,
                 const QColor& color) {
    QCPGraph* g = plot->addGraph(plot->xAxis, plot->yAxis2);
    g->setName(name);
    g->setPen(QPen(color, 1.3, Qt::DashLine));
    const auto& edges = dist["histogram"]["edges"];
    const auto& counts = dist["histogram"]["counts"];
    double total = 0, seen = 0;
    for (const auto& c : counts)
        total += c.get<double>();
    QVector<double> x, y;
    if (!counts.empty()) x << edges[0].get<double>(), y << 0.0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        seen += counts[i].get<double>();
        x << edges[i + 1].get<double>();
        y << (total > 0 ? 100 * seen / total : 0.0);
    }
    g->setData(x, y, true);
    return g;
}

// The edge below which `share` of the values lie (from the histogram; its last edge at most).
double quantileEdge(const nlohmann::json& dist, double share) {
    const auto& edges = dist["histogram"]["edges"];
    const auto& counts = dist["histogram"]["counts"];
    double total = 0, seen = 0;
    for (const auto& c : counts)
        total += c.get<double>();
    for (std::size_t i = 0; i < counts.size(); ++i) {
        seen += counts[i].get<double>();
        if (seen >= share * total) return edges[i + 1].get<double>();
    }
    return edges.empty() ? 1.0 : edges.back().get<double>();
}

} // namespace

nlohmann::json readProfileFile(const std::filesystem::path& file, QString* error) {
    QFile f(QString::fromStdString(file.string()));
    if (!f.exists()) return nullptr;
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("cannot read %1: %2").arg(f.fileName(), f.errorString());
        return nullptr;
    }
    nlohmann::json j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
    const bool post = file.filename() == "profile_post.json";
    if (j.is_discarded() || !profileFileWellFormed(j, post)) {
        *error = QObject::tr("%1 is not a profile file of this version (expected the output of "
                             "netsurf-cli profile; run it again, or Compute profile)")
                     .arg(f.fileName());
        return nullptr;
    }
    return j;
}

QString statText(const nlohmann::json& v) {
    if (!v.is_number()) return QStringLiteral("—");
    return QString::number(v.get<double>(), 'g', 5);
}

QString distributionTitle(const std::string& name) {
    static const std::map<std::string, QString> titles{
        {"fisher", QObject::tr("Fisher diagonal (per parameter)")},
        {"aleatoric", QObject::tr("input-gradient norm ‖∂ℓ/∂x‖ (per sample)")},
        {"msb_impact_ratio", QObject::tr("MSB impact ratio (per parameter)")},
        {"delta", QObject::tr("flip delta δ (per bit)")},
        {"qpolar", QObject::tr("qpolar score (per bit)")},
        {"qpolargrad", QObject::tr("qpolargrad score (per bit)")},
        {"weight_abs_value", QObject::tr("|weight| (per parameter)")}};
    const auto it = titles.find(name);
    return it != titles.end() ? it->second : QString::fromStdString(name);
}


void drawProfileHistogram(QCustomPlot* h, const nlohmann::json& pre, const nlohmann::json& post,
                          const std::string& name) {
    resetPlot(h);
    addHistogram(h, pre, QObject::tr("before training"), kPre);
    addHistogram(h, post, QObject::tr("after training"), kPost);
    h->xAxis->setLabel(distributionTitle(name));
    h->yAxis->setLabel(QObject::tr("density (share per unit)"));
    h->rescaleAxes();
    // Heavy tails (Fisher, scores) would squeeze the bulk into one bin's width: the x axis ends
    // where 99.5 % of either distribution's values lie (the table has the true max).
    const double cut = std::max(quantileEdge(pre, 0.995), quantileEdge(post, 0.995));
    const bool clipped = cut < h->xAxis->range().upper;
    if (clipped) h->xAxis->setRangeUpper(cut);
    h->yAxis->setRangeLower(0);
    // The CDFs on the right axis, dashed: where the mass lies, whatever the density's scale.
    addCdf(h, pre, QObject::tr("before, CDF"), kPre);
    addCdf(h, post, QObject::tr("after, CDF"), kPost);
    h->yAxis2->setVisible(true);
    h->yAxis2->setTickLabels(true);
    h->yAxis2->setLabel(QObject::tr("cumulative share (%)"));
    h->yAxis2->setRange(0, 100);
    setPlotTitle(h, clipped ? QObject::tr("%1\nbefore and after training (99.5 % of the values)")
                                  .arg(distributionTitle(name))
                            : QObject::tr("%1\nbefore and after training").arg(distributionTitle(name)));
}

void drawProfileLorenz(QCustomPlot* l, const nlohmann::json& pre, const nlohmann::json& post,
                       const std::string& name) {
    resetPlot(l);
    QCPGraph* equal = l->addGraph();
    equal->setName(QObject::tr("equality"));
    equal->setPen(QPen(Qt::black, 1, Qt::DotLine));
    equal->setData({0, 100}, {0, 100});
    addLorenz(l, pre, QObject::tr("before"), kPre);
    addLorenz(l, post, QObject::tr("after"), kPost);
    l->xAxis->setLabel(QObject::tr("smallest |values| (% of the population)"));
    l->yAxis->setLabel(QObject::tr("share of Σ|value| (%)"));
    l->xAxis->setRange(0, 100);
    l->yAxis->setRange(0, 100);
    setPlotTitle(l, QObject::tr("Lorenz curve of |%1|").arg(QString::fromStdString(name)));
}

} // namespace netsurf::widgets
