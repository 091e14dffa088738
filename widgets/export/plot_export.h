#pragma once
// Figures for papers: one QCustomPlot to PNG, PDF or SVG at a chosen physical size and DPI, and
// the CSV of exactly the data it shows. Every file is written atomically (a temporary file
// renamed over the target when complete), so a failed export never leaves half a file; failures
// come back as one sentence naming the file and the reason.
//
// Size: the figure is laid out at its physical size (width × height in mm, or in px at `dpi`),
// so fonts keep their point sizes on paper: an 85 mm wide figure has 9 pt labels 3.2 mm tall.
// PNG has width/25.4·dpi pixels; PDF and SVG are vector files of that physical size.
//
// CSV columns: series,x,y,z,x_tick,y_tick — one row per point of every visible graph (series =
// the graph's name; x = key, y = value, as the axes show them), per bar of visible bars, per
// end of a visible error bar ("<name> (95 % CI low)" / "… high"), per number of a box plot
// ("<name> (median)", quartiles, whiskers, outliers), and per cell of a visible colour map (x, y
// = the cell's coordinates, z = its value; cells without data are left out). x_tick / y_tick hold the tick label at that coordinate when the axis is
// categorical (a text ticker), e.g. the BER of a heatmap column.
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

class QCustomPlot;

namespace netsurf::widgets {

enum class ExportFormat { Png, Pdf, Svg };
enum class SizeUnit { Pixels, Millimetres };

QString suffixOf(ExportFormat format); // "png", "pdf", "svg"
// From a suffix or a file name's suffix (case-insensitive); Png when unknown.
ExportFormat formatOfSuffix(const QString& suffix);

struct ExportOptions {
    ExportFormat format = ExportFormat::Png;
    SizeUnit unit = SizeUnit::Pixels;
    double width = 1600, height = 1000; // in `unit`
    int dpi = 150;                      // of PNG pixels; sets the physical size in px mode
    bool csv = true;                    // export dialogs: also write <name>.csv
};

// The physical size in inches of an export.
double widthInches(const ExportOptions& options);
double heightInches(const ExportOptions& options);

// Writes the figure to `file` in options.format. Empty on success, else the error sentence.
QString exportPlot(QCustomPlot* plot, const QString& file, const ExportOptions& options);
// The SVG document exportPlot writes for ExportFormat::Svg, in memory (empty on failure).
QByteArray plotSvg(QCustomPlot* plot, const ExportOptions& options);
// Writes the data the plot shows (see above). Empty on success, else the error sentence.
QString exportPlotCsv(QCustomPlot* plot, const QString& file);
// The CSV text itself (what exportPlotCsv writes).
QString plotCsv(QCustomPlot* plot);

// Every plot into `directory` as <objectName>.<suffix> (+ <objectName>.csv when options.csv);
// plots without an object name are numbered ("figure-1"). Stops at the first failure. Empty on
// success, else the error sentence; `written` receives the files written.
QString exportPlots(const QList<QCustomPlot*>& plots, const QString& directory,
                    const ExportOptions& options, QStringList* written = nullptr);

} // namespace netsurf::widgets
