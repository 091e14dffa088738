#include "widgets/results/plot_style.h"

#include <algorithm>
#include <array>
#include <qcustomplot.h>

namespace netsurf::widgets {

namespace {

// Nine stops of matplotlib's viridis and plasma (t = 0, 1/8, …, 1).
constexpr std::array<QRgb, 9> kViridis = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c,
                                          0x28ae80, 0x5ec962, 0xaadc32, 0xfde725};
constexpr std::array<QRgb, 9> kPlasma = {0x0d0887, 0x4c02a1, 0x7e03a8, 0xa92395, 0xcc4778,
                                         0xe56b5d, 0xf89540, 0xfdc527, 0xf0f921};

QColor interpolate(const std::array<QRgb, 9>& stops, double t) {
    t = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
    const auto k = std::min<std::size_t>(std::size_t(t), stops.size() - 2);
    const double u = t - double(k);
    const QColor a(stops[k]), b(stops[k + 1]);
    return QColor::fromRgbF(float(a.redF() + u * (b.redF() - a.redF())),
                            float(a.greenF() + u * (b.greenF() - a.greenF())),
                            float(a.blueF() + u * (b.blueF() - a.blueF())));
}

void styleAxis(QCPAxis* axis, const QFont& base) {
    QFont ticks = base;
    ticks.setPointSizeF(base.pointSizeF() + 0.5);
    QFont label = base;
    label.setPointSizeF(base.pointSizeF() + 1.5);
    axis->setTickLabelFont(ticks);
    axis->setLabelFont(label);
    axis->grid()->setPen(QPen(QColor(0, 0, 0, 30), 1, Qt::DotLine));
    axis->grid()->setSubGridPen(QPen(QColor(0, 0, 0, 15), 1, Qt::DotLine));
}

} // namespace

QColor paletteColor(Palette palette, double t) {
    return interpolate(palette == Palette::Viridis ? kViridis : kPlasma, 0.9 * t);
}

QColor seriesColor(Palette palette, int i, int n) {
    return paletteColor(palette, n <= 1 ? 0.0 : double(i) / double(n - 1));
}

QCPColorGradient viridisGradient() {
    QCPColorGradient g;
    g.clearColorStops();
    for (std::size_t k = 0; k < kViridis.size(); ++k)
        g.setColorStopAt(double(k) / double(kViridis.size() - 1), QColor(kViridis[k]));
    g.setNanHandling(QCPColorGradient::nhNanColor);
    g.setNanColor(QColor(235, 235, 235));
    return g;
}

QCPTextElement* stylePlot(QCustomPlot* plot, const QString& title) {
    const QFont base = plot->font();
    for (QCPAxis* axis : plot->axisRect()->axes())
        styleAxis(axis, base);
    QFont legend = base;
    legend.setPointSizeF(base.pointSizeF() + 0.5);
    plot->legend->setFont(legend);
    QFont bold = base;
    bold.setPointSizeF(base.pointSizeF() + 2);
    bold.setBold(true);
    plot->plotLayout()->insertRow(0);
    auto* text = new QCPTextElement(plot, title, bold);
    plot->plotLayout()->addElement(0, 0, text);
    plot->setNoAntialiasingOnDrag(true);
    return text;
}

void placeLegendRight(QCustomPlot* plot) {
    // Column 1 of the main layout: the legend on top, an empty stretch below.
    auto* column = new QCPLayoutGrid;
    const int row = plot->plotLayout()->rowCount() - 1; // the axis rect's row
    plot->plotLayout()->addElement(row, 1, column);
    plot->axisRect()->insetLayout()->take(plot->legend);
    column->addElement(0, 0, plot->legend);
    column->addElement(1, 0, new QCPLayoutElement(plot));
    column->setRowStretchFactor(0, 0.001);
    column->setRowStretchFactor(1, 1);
    column->setMargins(QMargins(0, 0, 0, 0));
    plot->plotLayout()->setColumnStretchFactor(1, 0.001);
    plot->legend->setVisible(true);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setMargins(QMargins(8, 4, 4, 4));
    plot->legend->setRowSpacing(1);
}

QColor contrastingText(const QColor& background) {
    const double luminance =
        0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance > 0.5 ? Qt::black : Qt::white;
}

} // namespace netsurf::widgets
