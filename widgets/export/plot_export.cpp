#include "widgets/export/plot_export.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QObject>
#include <QPdfWriter>
#include <QSaveFile>
#include <QBuffer>
#include <QSvgGenerator>
#include <charconv>
#include <cmath>
#include <qcustomplot.h>

namespace netsurf::widgets {

namespace {

constexpr double kMmPerInch = 25.4;

// The DPI the plot's fonts are laid out with (points → pixels); 96 on common screens.
double layoutDpi(QCustomPlot* plot) {
    return plot->logicalDpiX() > 0 ? double(plot->logicalDpiX()) : 96.0;
}

// The layout size of the export: its physical size at the plot's layout DPI.
QSize layoutSize(QCustomPlot* plot, const ExportOptions& o) {
    const double dpi = layoutDpi(plot);
    return {std::max(1, int(std::lround(widthInches(o) * dpi))),
            std::max(1, int(std::lround(heightInches(o) * dpi)))};
}

QString failure(const QString& file, const QString& reason) {
    return QObject::tr("cannot write '%1': %2").arg(QDir::toNativeSeparators(file), reason);
}

QString writePng(QCustomPlot* plot, QSaveFile& out, const ExportOptions& o) {
    const QSize layout = layoutSize(plot, o);
    const QSize pixels(std::max(1, int(std::lround(widthInches(o) * o.dpi))),
                       std::max(1, int(std::lround(heightInches(o) * o.dpi))));
    QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QCPPainter painter;
    if (!painter.begin(&image)) return QObject::tr("cannot paint the image");
    painter.setMode(QCPPainter::pmNoCaching);
    painter.setMode(QCPPainter::pmNonCosmetic);
    // The layout at the physical size, scaled to exactly the requested pixels.
    painter.scale(double(pixels.width()) / layout.width(),
                  double(pixels.height()) / layout.height());
    plot->toPainter(&painter, layout.width(), layout.height());
    painter.end();
    // Set after painting: the image's DPI would otherwise rescale the fonts a second time.
    const int dotsPerMeter = int(std::lround(o.dpi / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    return image.save(&out, "PNG") ? QString() : QObject::tr("the PNG encoder failed");
}

// PDF and SVG: vector output laid out at the physical size.
bool paintVector(QCustomPlot* plot, QPaintDevice* device, const QSize& size) {
    QCPPainter painter;
    if (!painter.begin(device)) return false;
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    painter.setMode(QCPPainter::pmNonCosmetic);
    plot->toPainter(&painter, size.width(), size.height());
    return painter.end();
}

QString writePdf(QCustomPlot* plot, QSaveFile& out, const ExportOptions& o) {
    QPdfWriter writer(&out);
    writer.setResolution(int(layoutDpi(plot)));
    writer.setCreator(QStringLiteral("NetSurf"));
    writer.setTitle(plot->objectName());
    const QPageSize page(QSizeF(widthInches(o) * kMmPerInch, heightInches(o) * kMmPerInch),
                         QPageSize::Millimeter, QString(), QPageSize::ExactMatch);
    writer.setPageLayout(QPageLayout(page, QPageLayout::Portrait, QMarginsF()));
    return paintVector(plot, &writer, layoutSize(plot, o)) ? QString()
                                                           : QObject::tr("the PDF writer failed");
}

bool paintSvg(QCustomPlot* plot, QIODevice* out, const ExportOptions& o) {
    const QSize size = layoutSize(plot, o);
    QSvgGenerator svg;
    svg.setOutputDevice(out);
    svg.setResolution(int(layoutDpi(plot))); // width/height attributes in mm
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(plot->objectName());
    svg.setDescription(QStringLiteral("NetSurf figure"));
    return paintVector(plot, &svg, size);
}

QString writeSvg(QCustomPlot* plot, QSaveFile& out, const ExportOptions& o) {
    return paintSvg(plot, &out, o) ? QString() : QObject::tr("the SVG writer failed");
}

} // namespace

QString suffixOf(ExportFormat format) {
    switch (format) {
    case ExportFormat::Pdf:
        return QStringLiteral("pdf");
    case ExportFormat::Svg:
        return QStringLiteral("svg");
    case ExportFormat::Png:
        break;
    }
    return QStringLiteral("png");
}

ExportFormat formatOfSuffix(const QString& suffix) {
    const QString s = (suffix.contains('.') ? QFileInfo(suffix).suffix() : suffix).toLower();
    if (s == QLatin1String("pdf")) return ExportFormat::Pdf;
    if (s == QLatin1String("svg")) return ExportFormat::Svg;
    return ExportFormat::Png;
}

double widthInches(const ExportOptions& o) {
    return o.unit == SizeUnit::Millimetres ? o.width / kMmPerInch : o.width / o.dpi;
}

double heightInches(const ExportOptions& o) {
    return o.unit == SizeUnit::Millimetres ? o.height / kMmPerInch : o.height / o.dpi;
}

QString exportPlot(QCustomPlot* plot, const QString& file, const ExportOptions& options) {
    if (!(options.width > 0 && options.height > 0 && options.dpi > 0))
        return failure(file, QObject::tr("the size and the DPI must be positive"));
    QSaveFile out(file); // temporary file, renamed over `file` by commit()
    if (!out.open(QIODevice::WriteOnly)) return failure(file, out.errorString());
    QString error;
    switch (options.format) {
    case ExportFormat::Png:
        error = writePng(plot, out, options);
        break;
    case ExportFormat::Pdf:
        error = writePdf(plot, out, options);
        break;
    case ExportFormat::Svg:
        error = writeSvg(plot, out, options);
        break;
    }
    plot->replot(QCustomPlot::rpQueuedReplot); // back to the widget's own layout
    if (!error.isEmpty()) {
        out.cancelWriting();
        return failure(file, error);
    }
    if (out.error() != QFileDevice::NoError) return failure(file, out.errorString());
    return out.commit() ? QString() : failure(file, out.errorString());
}

namespace {

// Shortest text that reads back as the same double.
QString number(double v) {
    char buffer[32];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
    return QString::fromLatin1(buffer, int(r.ptr - buffer));
}

QString field(const QString& text) {
    if (!text.contains(',') && !text.contains('"') && !text.contains('\n')) return text;
    return '"' + QString(text).replace('"', QLatin1String("\"\"")) + '"';
}

// The label of a categorical (text-ticker) axis at `coord`; empty otherwise.
QString tickAt(const QCPAxis* axis, double coord) {
    const auto text = qSharedPointerDynamicCast<QCPAxisTickerText>(axis->ticker());
    return text ? text->ticks().value(coord) : QString();
}

struct CsvWriter {
    QString out = QStringLiteral("series,x,y,z,x_tick,y_tick\n");
    void row(const QCPAbstractPlottable* p, double x, double y, const QString& z = {}) {
        row(p, p->name(), x, y, z);
    }
    void row(const QCPAbstractPlottable* p, const QString& series, double x, double y,
             const QString& z = {}) {
        out += field(series) + ',' + number(x) + ',' + number(y) + ',' + z + ',' +
               field(tickAt(p->keyAxis(), x)) + ',' + field(tickAt(p->valueAxis(), y)) + '\n';
    }
    // Error bars: the interval's ends at each point of the plottable they belong to.
    void errorBars(const QCPErrorBars* e) {
        QCPAbstractPlottable* owner = e->dataPlottable(); // interface1D() is not const
        const auto* data = owner ? owner->interface1D() : nullptr;
        if (!data) return;
        const QString name = e->name().isEmpty() ? owner->name() : e->name();
        const QCPErrorBarsDataContainer& bars = *e->data();
        for (int i = 0; i < std::min(int(bars.size()), data->dataCount()); ++i) {
            const double x = data->dataMainKey(i), y = data->dataMainValue(i);
            if (std::isnan(y)) continue;
            row(e, name + QObject::tr(" (95 % CI low)"), x, y - bars[i].errorMinus);
            row(e, name + QObject::tr(" (95 % CI high)"), x, y + bars[i].errorPlus);
        }
    }
    // Box plots: the five numbers and the outliers of each box.
    void boxes(const QCPStatisticalBox* b) {
        for (const QCPStatisticalBoxData& d : *b->data()) {
            const std::pair<const char*, double> parts[] = {{" (minimum)", d.minimum},
                                                            {" (lower quartile)", d.lowerQuartile},
                                                            {" (median)", d.median},
                                                            {" (upper quartile)", d.upperQuartile},
                                                            {" (maximum)", d.maximum}};
            for (const auto& [what, v] : parts)
                row(b, b->name() + QObject::tr(what), d.key, v);
            for (double o : d.outliers)
                row(b, b->name() + QObject::tr(" (outlier)"), d.key, o);
        }
    }
    void colorMap(const QCPColorMap* map) {
        QCPColorMapData* d = map->data(); // cell() is not const
        for (int i = 0; i < d->keySize(); ++i)
            for (int j = 0; j < d->valueSize(); ++j) {
                const double z = d->cell(i, j);
                if (std::isnan(z)) continue; // not shown
                double x = 0, y = 0;
                d->cellToCoord(i, j, &x, &y);
                row(map, x, y, number(z));
            }
    }
};

} // namespace

QString plotCsv(QCustomPlot* plot) {
    CsvWriter csv;
    for (int k = 0; k < plot->plottableCount(); ++k) {
        const QCPAbstractPlottable* p = plot->plottable(k);
        if (!p->realVisibility()) continue;
        if (const auto* g = qobject_cast<const QCPGraph*>(p)) {
            for (const QCPGraphData& d : *g->data())
                if (!std::isnan(d.value)) csv.row(g, d.key, d.value);
        } else if (const auto* b = qobject_cast<const QCPBars*>(p)) {
            for (const QCPBarsData& d : *b->data())
                if (!std::isnan(d.value)) csv.row(b, d.key, d.value);
        } else if (const auto* c = qobject_cast<const QCPCurve*>(p)) {
            for (const QCPCurveData& d : *c->data())
                if (!std::isnan(d.value)) csv.row(c, d.key, d.value);
        } else if (const auto* m = qobject_cast<const QCPColorMap*>(p)) {
            csv.colorMap(m);
        } else if (const auto* e = qobject_cast<const QCPErrorBars*>(p)) {
            csv.errorBars(e);
        } else if (const auto* s = qobject_cast<const QCPStatisticalBox*>(p)) {
            csv.boxes(s);
        }
    }
    return csv.out;
}

QString exportPlotCsv(QCustomPlot* plot, const QString& file) {
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Text)) return failure(file, out.errorString());
    out.write(plotCsv(plot).toUtf8());
    return out.commit() ? QString() : failure(file, out.errorString());
}

QString exportPlots(const QList<QCustomPlot*>& plots, const QString& directory,
                    const ExportOptions& options, QStringList* written) {
    QDir dir(directory);
    if (!dir.mkpath(QStringLiteral(".")))
        return QObject::tr("cannot create the directory '%1'")
            .arg(QDir::toNativeSeparators(directory));
    for (int k = 0; k < plots.size(); ++k) {
        const QString name = plots[k]->objectName().isEmpty()
                                 ? QStringLiteral("figure-%1").arg(k + 1)
                                 : plots[k]->objectName();
        const QString figure = dir.filePath(name + '.' + suffixOf(options.format));
        if (QString e = exportPlot(plots[k], figure, options); !e.isEmpty()) return e;
        if (written) *written << figure;
        if (!options.csv) continue;
        const QString data = dir.filePath(name + QStringLiteral(".csv"));
        if (QString e = exportPlotCsv(plots[k], data); !e.isEmpty()) return e;
        if (written) *written << data;
    }
    return {};
}

QByteArray plotSvg(QCustomPlot* plot, const ExportOptions& options) {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    if (!paintSvg(plot, &buffer, options)) return {};
    return buffer.data();
}

} // namespace netsurf::widgets
