#pragma once
// The report's figures: a QCustomPlot drawn by the same functions as the GUI's pages, rendered
// offscreen as an inline <svg> element (plot_export's SVG writer; ids made unique per figure so
// that many figures can share one HTML document; long series decimated first).
#include <QString>
#include <cstddef>

class QCustomPlot;

namespace netsurf::widgets {

// At most this many points per series in a report figure (decimate.h keeps the extremes).
inline constexpr std::size_t kReportMaxPoints = 2000;

// Decimates every graph of `plot` with more than `maxPoints` points (returns how many were).
int decimateGraphs(QCustomPlot* plot, std::size_t maxPoints);

// Turns SVG documents into inline <svg> elements, numbering them for unique ids.
class SvgFigures {
public:
    // The plot laid out at widthMm × heightMm (fonts at their point sizes), as an <svg> element
    // that scales to the page's width up to its physical size. Empty when painting failed.
    QString render(QCustomPlot* plot, double widthMm, double heightMm);
    int count() const { return m_count; }

    // The element of an SVG document: prolog dropped, ids prefixed with `prefix`, fixed size
    // replaced by a responsive one. Public for the tests.
    static QString inlineElement(const QString& document, const QString& prefix, double widthMm);

private:
    int m_count = 0;
};

} // namespace netsurf::widgets
