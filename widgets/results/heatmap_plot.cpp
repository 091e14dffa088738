#include "widgets/results/heatmap_plot.h"

#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <optional>

#include "widgets/results/plot_style.h"

namespace netsurf::widgets {

namespace {
constexpr int kMaxAnnotatedCells = 150; // beyond that the numbers no longer fit their cells
}

HeatmapPlot::HeatmapPlot(QWidget* parent) : QCustomPlot(parent) {
    setupAxes();
    connect(this, &QCustomPlot::mouseMove, this, &HeatmapPlot::showTooltip);
    setMouseTracking(true);
}

void HeatmapPlot::setupAxes() {
    m_title = stylePlot(this, QString());
    xAxis->setLabel(tr("bit error rate (BER)"));
    yAxis->setLabel(tr("protection (% of bits)"));
    for (QCPAxis* axis : {xAxis, yAxis}) {
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
    }
    m_map = new QCPColorMap(xAxis, yAxis);
    m_map->setName(tr("heatmap"));
    m_map->setInterpolate(false);
    m_map->setGradient(viridisGradient());
    m_scale = new QCPColorScale(this);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(14);
    m_scale->axis()->setLabelFont(xAxis->labelFont());
    m_scale->axis()->setTickLabelFont(xAxis->tickLabelFont());
    plotLayout()->addElement(1, 1, m_scale);
    m_map->setColorScale(m_scale);
    // The colour scale as tall as the axis rect.
    auto* group = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    m_message = new QCPItemText(this);
    m_message->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_message->position->setCoords(0.5, 0.5);
    m_message->setColor(QColor(110, 110, 110));
    m_message->setVisible(false);
}

void HeatmapPlot::setTicks(const std::vector<double>& bers,
                           const std::vector<double>& protections) {
    auto berTicks = QSharedPointer<QCPAxisTickerText>::create();
    for (std::size_t i = 0; i < bers.size(); ++i)
        berTicks->addTick(double(i), berText(bers[i]));
    auto protectionTicks = QSharedPointer<QCPAxisTickerText>::create();
    for (std::size_t j = 0; j < protections.size(); ++j)
        protectionTicks->addTick(double(j), QString::number(100 * protections[j], 'g', 4));
    xAxis->setTicker(berTicks);
    yAxis->setTicker(protectionTicks);
    xAxis->setRange(-0.5, double(bers.size()) - 0.5);
    yAxis->setRange(-0.5, double(protections.size()) - 0.5);
}

void HeatmapPlot::setCells(const std::vector<app::SweepCell>& cells,
                           const std::vector<double>& bers, const std::vector<double>& protections,
                           const MetricFormat& format) {
    m_format = format;
    m_nBer = int(bers.size());
    m_nProtection = int(protections.size());
    const std::size_t n = bers.size() * protections.size();
    m_cells.assign(n, {});
    m_present.assign(n, false);
    std::vector<const app::SweepCell*> grid(n, nullptr);
    auto index = [](const std::vector<double>& v, double x) {
        return std::size_t(std::lower_bound(v.begin(), v.end(), x) - v.begin());
    };
    m_map->data()->setSize(m_nBer, m_nProtection);
    m_map->data()->setRange(QCPRange(0, std::max(m_nBer - 1, 0)),
                            QCPRange(0, std::max(m_nProtection - 1, 0)));
    m_map->data()->fill(std::nan(""));
    std::optional<QCPRange> range;
    for (const app::SweepCell& c : cells) {
        const std::size_t i = index(bers, c.ber), j = index(protections, c.protection);
        const std::size_t k = j * bers.size() + i;
        m_cells[k] = c;
        m_present[k] = true;
        grid[k] = &m_cells[k];
        const double v = c.value.value * format.scale;
        m_map->data()->setCell(int(i), int(j), v);
        if (!std::isnan(v)) range ? range->expand(v) : void(range = QCPRange(v, v));
    }
    if (range && range->size() <= 0) *range = QCPRange(range->lower - 0.5, range->upper + 0.5);
    if (range) m_scale->setDataRange(*range);
    m_scale->axis()->setLabel(format.axisLabel());
    m_title->setText(tr("%1 over BER × protection").arg(format.name));
    m_message->setVisible(false);
    m_map->setVisible(true);
    m_scale->setVisible(true);
    setTicks(bers, protections);
    annotate(grid, format);
}

void HeatmapPlot::annotate(const std::vector<const app::SweepCell*>& grid,
                           const MetricFormat& format) {
    const bool fits = grid.size() <= std::size_t(kMaxAnnotatedCells);
    if (m_labels.size() != (fits ? grid.size() : 0)) {
        for (QCPItemText* label : m_labels)
            removeItem(label);
        m_labels.clear();
        for (std::size_t k = 0; fits && k < grid.size(); ++k) {
            auto* label = new QCPItemText(this);
            label->position->setType(QCPItemPosition::ptPlotCoords);
            label->setClipToAxisRect(true);
            m_labels.push_back(label);
        }
    }
    const QCPRange range = m_scale->dataRange();
    for (std::size_t k = 0; k < m_labels.size(); ++k) {
        QCPItemText* label = m_labels[k];
        label->position->setCoords(double(k % std::size_t(m_nBer)),
                                   double(k / std::size_t(m_nBer)));
        label->setVisible(grid[k] != nullptr);
        if (!grid[k]) continue;
        const double v = grid[k]->value.value * format.scale;
        label->setText(format.number(grid[k]->value.value));
        label->setColor(contrastingText(QColor(m_map->gradient().color(v, range))));
    }
}

void HeatmapPlot::showMessage(const QString& message) {
    m_map->data()->clear();
    m_map->setVisible(false);
    m_scale->setVisible(false); // no colours to explain
    for (QCPItemText* label : m_labels)
        removeItem(label);
    m_labels.clear();
    m_cells.clear();
    m_present.clear();
    m_nBer = m_nProtection = 0;
    m_message->setText(message);
    m_message->setVisible(true);
}

void HeatmapPlot::showTooltip(QMouseEvent* event) {
    const double x = xAxis->pixelToCoord(event->position().x());
    const double y = yAxis->pixelToCoord(event->position().y());
    const int i = int(std::lround(x)), j = int(std::lround(y));
    const bool inside = axisRect()->rect().contains(event->position().toPoint()) && i >= 0 &&
                        j >= 0 && i < m_nBer && j < m_nProtection;
    const std::size_t k = std::size_t(j) * std::size_t(m_nBer) + std::size_t(i);
    if (inside && m_present[k])
        QToolTip::showText(event->globalPosition().toPoint(), cellText(m_cells[k], m_format), this);
    else
        QToolTip::hideText();
}

} // namespace netsurf::widgets
