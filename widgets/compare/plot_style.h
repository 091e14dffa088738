#pragma once
// How the comparison and overview plots look and behave, in one place: a colour per ranking
// method (the same in every plot; colour-blind-safe Okabe–Ito colours for the common methods),
// a line style per order (plane solid with filled circles, global dashed with open squares), the
// legend in its own column right of the axis rect (never over the data), a title row, a clicked
// legend entry toggles its series with its companions (CI band, error bars, labels), and hovering
// shows the value under the cursor.
#include <QStackedWidget>
#include <QString>
#include <functional>
#include <string>
#include <vector>

#include <qcustomplot.h>

class QLabel;

namespace netsurf::widgets {

QColor methodColor(const std::string& method);
// The i-th colour of a qualitative palette (classes, history curves): distinct, colour-blind safe.
QColor qualitativeColor(int i);
QPen rankerPen(const std::string& method, const std::string& order);
QCPScatterStyle rankerScatter(const std::string& method, const std::string& order);

// Fonts, margins, a title row, the legend column and the interactions above.
void preparePlot(QCustomPlot* plot, const QString& title);
void setPlotTitle(QCustomPlot* plot, const QString& title);
// Removes every plottable and item (a redraw starts from here); axes and layout stay.
void resetPlot(QCustomPlot* plot);
void setLogAxis(QCPAxis* axis);
void setLinearAxis(QCPAxis* axis);
// Percent tick labels on a fraction axis (0.25 → "25").
void setPercentAxis(QCPAxis* axis);
// `companion` (a CI band, error bars, a label) shows and hides with `owner`.
void setOwner(QObject* companion, QCPAbstractPlottable* owner);
QCPAbstractPlottable* ownerOf(const QObject* companion);

// Text of the hover tooltip for data point `index` of a plottable (default: its name, key and
// value).
using HoverText = std::function<QString(QCPAbstractPlottable*, int index)>;
void setHoverText(QCustomPlot* plot, HoverText text);
// The tooltip text at a pixel position (empty when no data point is within a few pixels).
QString hoverTextAt(QCustomPlot* plot, const QPointF& pos);
// What a legend click does: toggles the series (and its companions) of `item`.
void toggleSeries(QCPAbstractLegendItem* item);

// A curve with its 95 % CI as a shaded band (NaN bounds: no band at that point). The main graph
// carries the name and the legend entry; the band graphs are its companions.
QCPGraph* addCurve(QCustomPlot* plot, const QString& name, const QPen& pen,
                   const QCPScatterStyle& scatter, const QVector<double>& x,
                   const QVector<double>& y, const QVector<double>& low,
                   const QVector<double>& high);

// A plot, or in its place a message saying why there is none.
class PlotPanel : public QStackedWidget {
    Q_OBJECT
public:
    explicit PlotPanel(const QString& title, QWidget* parent = nullptr);
    QCustomPlot* plot() const { return m_plot; }
    void showMessage(const QString& text);
    void showPlot();
    bool showsMessage() const { return currentIndex() == 1; }
    QString message() const;

private:
    QString m_title, m_text;
    QCustomPlot* m_plot = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace netsurf::widgets
