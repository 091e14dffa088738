#pragma once
// The look shared by the results plots, chosen for paper figures: perceptually uniform
// sequential colours (viridis, plasma) for ordered series such as protection levels and BERs,
// fonts a little larger than the widget default, a title row, and the legend outside the axis
// rect so that it never hides a curve.
#include <QColor>
#include <QString>

class QCustomPlot;
class QCPColorGradient;
class QCPLegend;
class QCPTextElement;

namespace netsurf::widgets {

enum class Palette { Viridis, Plasma };

// A colour of the palette at t ∈ [0, 1], stopping short of the palettes' pale yellow end so that
// every curve stays visible on white.
QColor paletteColor(Palette palette, double t);
// The i-th of n ordered series (dark → light).
QColor seriesColor(Palette palette, int i, int n);
// The full viridis gradient for colour maps.
QCPColorGradient viridisGradient();

// Fonts, grid and margins of a plot; adds a title row above the axis rect and returns its title.
QCPTextElement* stylePlot(QCustomPlot* plot, const QString& title);
// Moves the plot's legend out of the axis rect into a column on its right, items from the top.
void placeLegendRight(QCustomPlot* plot);

// Text colour readable on `background` (black or white).
QColor contrastingText(const QColor& background);

} // namespace netsurf::widgets
