#pragma once
// A metric over the whole BER × protection grid of an experiment: a colour map (x = BER, y =
// protection, both categorical by index with the values as tick labels, since neither grid is
// evenly spaced) with a labelled colour scale, each cell annotated with its mean; hovering a
// cell shows its mean ± CI and n. Cells without rows yet are grey.
#include <qcustomplot.h>
#include <vector>

#include "app/core/sweep_table.h"
#include "widgets/results/metric_format.h"

namespace netsurf::widgets {

class HeatmapPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit HeatmapPlot(QWidget* parent = nullptr);

    // Draws the grid `bers` × `protections` (ascending) from `cells`. Does not replot.
    void setCells(const std::vector<app::SweepCell>& cells, const std::vector<double>& bers,
                  const std::vector<double>& protections, const MetricFormat& format);
    void showMessage(const QString& message);

    QCPColorMap* colorMap() const { return m_map; }
    QCPColorScale* colorScale() const { return m_scale; }

private:
    void setupAxes();
    void setTicks(const std::vector<double>& bers, const std::vector<double>& protections);
    void annotate(const std::vector<const app::SweepCell*>& grid, const MetricFormat& format);
    void showTooltip(QMouseEvent* event);

    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QCPTextElement* m_title = nullptr;
    QCPItemText* m_message = nullptr;
    std::vector<QCPItemText*> m_labels;
    std::vector<app::SweepCell> m_cells; // row-major: protection index · nBer + BER index
    std::vector<bool> m_present;
    int m_nBer = 0, m_nProtection = 0;
    MetricFormat m_format;
};

} // namespace netsurf::widgets
