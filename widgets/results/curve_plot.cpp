#include "widgets/results/curve_plot.h"

#include <QToolTip>
#include <cmath>
#include <optional>

#include "widgets/results/plot_style.h"

namespace netsurf::widgets {

namespace {

// Marker shapes cycle with the colour, so curves stay apart in greyscale print.
constexpr QCPScatterStyle::ScatterShape kShapes[] = {
    QCPScatterStyle::ssCircle,           QCPScatterStyle::ssSquare,
    QCPScatterStyle::ssTriangle,         QCPScatterStyle::ssDiamond,
    QCPScatterStyle::ssTriangleInverted, QCPScatterStyle::ssCrossSquare,
    QCPScatterStyle::ssPlusCircle,       QCPScatterStyle::ssStar};
constexpr int kShapeCount = int(std::size(kShapes));
constexpr double kHoverRadius = 12; // px

const QColor kHiddenText(170, 170, 170);

} // namespace

CurvePlot::CurvePlot(CurveAxis x, QWidget* parent) : QCustomPlot(parent), m_axis(x) {
    setupAxes();
    connect(this, &QCustomPlot::legendClick, this,
            [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) { toggle(item); });
    connect(this, &QCustomPlot::mouseMove, this, &CurvePlot::showTooltip);
    setMouseTracking(true);
}

void CurvePlot::setupAxes() {
    m_title = stylePlot(this, QString());
    if (m_axis == CurveAxis::Ber) {
        // BER spans decades: log axis, powers of ten.
        xAxis->setLabel(tr("bit error rate (BER)"));
        xAxis->setScaleType(QCPAxis::stLogarithmic);
        xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        xAxis->setNumberFormat(QStringLiteral("eb"));
        xAxis->setNumberPrecision(0);
        legend->setWrap(0);
    } else {
        xAxis->setLabel(tr("protection (% of bits)"));
    }
    placeLegendRight(this);
    m_cleanLabel = new QCPItemText(this);
    m_cleanLabel->setLayer(QStringLiteral("axes"));
    m_cleanLabel->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_cleanLabel->position->setTypeY(QCPItemPosition::ptPlotCoords);
    m_cleanLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    m_cleanLabel->setColor(QColor(60, 60, 60));
    m_cleanLabel->setVisible(false);
    m_message = new QCPItemText(this);
    m_message->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_message->position->setCoords(0.5, 0.5);
    m_message->setColor(QColor(110, 110, 110));
    m_message->setVisible(false);
}

double CurvePlot::xOf(const app::SweepCell& c) const {
    return m_axis == CurveAxis::Ber ? c.ber : 100 * c.protection;
}

double CurvePlot::seriesKeyOf(const app::SweepCell& c) const {
    return m_axis == CurveAxis::Ber ? c.protection : c.ber;
}

QString CurvePlot::seriesName(double key) const {
    return m_axis == CurveAxis::Ber ? tr("protection %1").arg(protectionText(key))
                                    : tr("BER %1").arg(berText(key));
}

void CurvePlot::setCells(const std::vector<app::SweepCell>& cells, const MetricFormat& format,
                         double clean) {
    m_format = format;
    std::map<double, std::vector<app::SweepCell>> grouped; // cells arrive in (p, BER) order
    for (const app::SweepCell& c : cells)
        grouped[seriesKeyOf(c)].push_back(c);
    std::vector<double> keys;
    for (const auto& [key, unused] : grouped)
        keys.push_back(key);
    std::vector<double> shown;
    for (const auto& [key, unused] : m_series)
        shown.push_back(key);
    if (keys != shown || !m_clean) rebuild(keys);
    m_extent = QCPRange(clean * format.scale, clean * format.scale);
    for (auto& [key, s] : m_series) {
        s.cells = std::move(grouped[key]);
        fillSeries(s, format);
    }
    m_title->setText(m_axis == CurveAxis::Ber ? tr("%1 vs BER").arg(format.name)
                                              : tr("%1 vs protection").arg(format.name));
    yAxis->setLabel(format.axisLabel());
    m_message->setVisible(false);
    updateKeyRange();
    updateClean(clean, format);
    const double pad = std::max(0.05 * m_extent.size(), 1e-9);
    yAxis->setRange(m_extent.lower - pad, m_extent.upper + pad);
}

void CurvePlot::rebuild(const std::vector<double>& keys) {
    clearGraphs();
    m_series.clear();
    const int n = int(keys.size());
    const Palette palette = m_axis == CurveAxis::Ber ? Palette::Viridis : Palette::Plasma;
    for (int i = 0; i < n; ++i) // bands first: every curve is drawn above every band
        addBand(m_series[keys[std::size_t(i)]], seriesColor(palette, i, n));
    for (int i = 0; i < n; ++i)
        addMean(m_series[keys[std::size_t(i)]], keys[std::size_t(i)], i, n);
    m_clean = addGraph();
    m_clean->setName(tr("clean"));
    m_clean->setProperty("role", "clean");
    m_clean->setPen(QPen(QColor(40, 40, 40), 1.5, Qt::DashLine));
    m_clean->setVisible(!m_cleanHidden);
    if (m_cleanHidden) legend->itemWithPlottable(m_clean)->setTextColor(kHiddenText);
}

void CurvePlot::addBand(Series& s, const QColor& color) {
    s.low = addGraph();
    s.high = addGraph();
    for (QCPGraph* g : {s.low, s.high}) {
        g->setPen(Qt::NoPen);
        g->removeFromLegend();
    }
    QColor fill = color;
    fill.setAlpha(45);
    s.high->setBrush(fill);
    s.high->setChannelFillGraph(s.low);
    s.low->setProperty("role", "ci_low");
    s.high->setProperty("role", "ci_high");
}

void CurvePlot::addMean(Series& s, double key, int index, int count) {
    const Palette palette = m_axis == CurveAxis::Ber ? Palette::Viridis : Palette::Plasma;
    const QColor color = seriesColor(palette, index, count);
    s.mean = addGraph();
    s.mean->setName(seriesName(key));
    s.mean->setProperty("role", "mean");
    s.mean->setProperty("series", key);
    s.mean->setPen(QPen(color, 1.8));
    s.mean->setScatterStyle(QCPScatterStyle(kShapes[index % kShapeCount], color, color, 6));
    s.low->setName(tr("%1 (95 % CI low)").arg(s.mean->name()));
    s.high->setName(tr("%1 (95 % CI high)").arg(s.mean->name()));
    if (m_hidden.count(key)) setSeriesVisible(s, false);
}

void CurvePlot::fillSeries(Series& s, const MetricFormat& format) {
    QVector<QCPGraphData> mean, low, high;
    for (const app::SweepCell& c : s.cells) {
        const double x = xOf(c);
        mean.append({x, c.value.value * format.scale});
        if (!c.value.hasInterval()) continue; // one repetition: no band there
        low.append({x, c.value.low * format.scale});
        high.append({x, c.value.high * format.scale});
        m_extent.expand(c.value.low * format.scale);
        m_extent.expand(c.value.high * format.scale);
    }
    for (const QCPGraphData& d : mean)
        if (!std::isnan(d.value)) m_extent.expand(d.value);
    // The cells' statistics change as rows arrive, so the points are replaced, not appended.
    s.mean->data()->set(mean, true);
    s.low->data()->set(low, true);
    s.high->data()->set(high, true);
}

void CurvePlot::updateKeyRange() {
    std::optional<QCPRange> keys;
    for (const auto& [key, s] : m_series)
        for (const app::SweepCell& c : s.cells)
            keys ? keys->expand(xOf(c)) : void(keys = QCPRange(xOf(c), xOf(c)));
    if (!keys) return;
    if (m_axis == CurveAxis::Ber) { // a fraction of a decade on each side
        xAxis->setRange(keys->lower / 1.5, keys->upper * 1.5);
    } else {
        const double pad = std::max(0.04 * keys->size(), 0.5);
        xAxis->setRange(keys->lower - pad, keys->upper + pad);
    }
}

void CurvePlot::updateClean(double clean, const MetricFormat& format) {
    // Spans the whole x range: a reference, not data points.
    const QCPRange x = xAxis->range();
    const double y = clean * format.scale;
    m_clean->data()->set({{x.lower, y}, {x.upper, y}}, true);
    m_cleanLabel->position->setCoords(0.99, y);
    m_cleanLabel->setText(tr("clean %1").arg(format.text(clean)));
    m_cleanLabel->setVisible(!m_cleanHidden && !std::isnan(clean));
}

void CurvePlot::setValueRange(const QCPRange& range) { yAxis->setRange(range); }

void CurvePlot::showMessage(const QString& message) {
    clearGraphs();
    m_series.clear();
    m_clean = nullptr;
    m_cleanLabel->setVisible(false);
    m_message->setText(message);
    m_message->setVisible(true);
}

void CurvePlot::setSeriesVisible(Series& s, bool visible) {
    for (QCPGraph* g : {s.mean, s.low, s.high})
        g->setVisible(visible);
    if (auto* item = legend->itemWithPlottable(s.mean))
        item->setTextColor(visible ? Qt::black : kHiddenText);
}

void CurvePlot::toggle(QCPAbstractLegendItem* item) {
    auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!entry) return;
    QCPAbstractPlottable* p = entry->plottable();
    if (p == m_clean) {
        m_cleanHidden = !m_cleanHidden;
        m_clean->setVisible(!m_cleanHidden);
        m_cleanLabel->setVisible(!m_cleanHidden);
        entry->setTextColor(m_cleanHidden ? kHiddenText : Qt::black);
    }
    for (auto& [key, s] : m_series) {
        if (s.mean != p) continue;
        const bool hide = !m_hidden.count(key);
        hide ? void(m_hidden.insert(key)) : void(m_hidden.erase(key));
        setSeriesVisible(s, !hide);
    }
    replot(rpQueuedReplot);
}

void CurvePlot::showTooltip(QMouseEvent* event) {
    const QPointF pos = event->position();
    const app::SweepCell* best = nullptr;
    double bestDistance = kHoverRadius;
    for (const auto& [key, s] : m_series) {
        if (!s.mean->visible()) continue;
        for (const app::SweepCell& c : s.cells) {
            const QPointF at = s.mean->coordsToPixels(xOf(c), c.value.value * m_format.scale);
            const double d = std::hypot(at.x() - pos.x(), at.y() - pos.y());
            if (d < bestDistance) {
                bestDistance = d;
                best = &c;
            }
        }
    }
    if (best)
        QToolTip::showText(event->globalPosition().toPoint(), cellText(*best, m_format), this);
    else
        QToolTip::hideText();
}

} // namespace netsurf::widgets
