#pragma once
// A metric as curves over one grid axis of an experiment: x = BER (log axis) with one curve per
// protection level, or x = protection (% of bits) with one curve per BER. Each curve has markers
// on its points and its 95 % CI band; the clean model's value is a dashed line labelled "clean".
// Clicking a legend entry hides or shows its curve (with its band); hovering a point shows the
// cell's mean ± CI and n.
//
// Graphs carry the property "role" ("mean", "ci_low", "ci_high", "clean") and mean graphs the
// property "series" (the protection or BER they stand for), so tests and exports can tell them
// apart without parsing names.
#include <map>
#include <qcustomplot.h>
#include <set>
#include <vector>

#include "app/core/sweep_table.h"
#include "widgets/results/metric_format.h"

namespace netsurf::widgets {

enum class CurveAxis { Ber, Protection }; // the x axis

class CurvePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit CurvePlot(CurveAxis x, QWidget* parent = nullptr);

    // Draws `cells` (every cell of the experiment for one metric). Curves are created when the
    // set of series changes and otherwise updated in place; a curve hidden by the user stays
    // hidden. Does not replot.
    void setCells(const std::vector<app::SweepCell>& cells, const MetricFormat& format,
                  double clean);
    // Nothing to show: removes the curves and shows `message` in the middle.
    void showMessage(const QString& message);

    // The y extent of the data (CI bands and the clean value included), shown units.
    QCPRange valueExtent() const { return m_extent; }
    // The y range shown (the results page gives both curve plots the same one).
    void setValueRange(const QCPRange& range);

    CurveAxis curveAxis() const { return m_axis; }
    std::size_t seriesCount() const { return m_series.size(); }

private:
    struct Series {
        QCPGraph* mean = nullptr;
        QCPGraph* low = nullptr;
        QCPGraph* high = nullptr;
        std::vector<app::SweepCell> cells; // in x order, as the mean graph's points
    };

    void setupAxes();
    void rebuild(const std::vector<double>& keys);
    void addBand(Series& s, const QColor& color);
    void addMean(Series& s, double key, int index, int count);
    void fillSeries(Series& s, const MetricFormat& format);
    void updateClean(double clean, const MetricFormat& format);
    void updateKeyRange();
    double xOf(const app::SweepCell& c) const;
    double seriesKeyOf(const app::SweepCell& c) const;
    QString seriesName(double key) const;
    void toggle(QCPAbstractLegendItem* item);
    void setSeriesVisible(Series& s, bool visible);
    void showTooltip(QMouseEvent* event);

    CurveAxis m_axis;
    MetricFormat m_format;
    std::map<double, Series> m_series;
    std::set<double> m_hidden; // series keys the user hid
    bool m_cleanHidden = false;
    QCPGraph* m_clean = nullptr;
    QCPItemText* m_cleanLabel = nullptr;
    QCPItemText* m_message = nullptr;
    QCPTextElement* m_title = nullptr;
    QCPRange m_extent{0, 1};
};

} // namespace netsurf::widgets
