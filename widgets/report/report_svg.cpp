#include "widgets/report/report_svg.h"

#include <QRegularExpression>
#include <qcustomplot.h>
#include <vector>

#include "engine/analysis/decimate.h"
#include "widgets/export/plot_export.h"

namespace netsurf::widgets {

int decimateGraphs(QCustomPlot* plot, std::size_t maxPoints) {
    int decimated = 0;
    for (int i = 0; i < plot->graphCount(); ++i) {
        QCPGraph* g = plot->graph(i);
        const auto data = g->data();
        if (std::size_t(data->size()) <= maxPoints) continue;
        std::vector<double> y;
        y.reserve(std::size_t(data->size()));
        for (auto it = data->constBegin(); it != data->constEnd(); ++it)
            y.push_back(it->value);
        QVector<double> keys, values;
        for (std::size_t k : decimationIndices(y, maxPoints)) {
            const auto it = data->constBegin() + int(k);
            keys << it->key;
            values << it->value;
        }
        g->setData(keys, values, true);
        ++decimated;
    }
    return decimated;
}

QString SvgFigures::inlineElement(const QString& document, const QString& prefix,
                                  double widthMm) {
    qsizetype start = document.indexOf(QLatin1String("<svg"));
    if (start < 0) return {};
    QString svg = document.mid(start).trimmed();
    static const QRegularExpression id(QStringLiteral("\\bid=\"([^\"]+)\""));
    static const QRegularExpression url(QStringLiteral("url\\(#([^)]+)\\)"));
    static const QRegularExpression href(QStringLiteral("href=\"#([^\"]+)\""));
    svg.replace(id, QStringLiteral("id=\"%1-\\1\"").arg(prefix));
    svg.replace(url, QStringLiteral("url(#%1-\\1)").arg(prefix));
    svg.replace(href, QStringLiteral("href=\"#%1-\\1\"").arg(prefix));
    // The root's fixed width/height (in mm) → scale with the page, up to the physical size.
    const qsizetype rootEnd = svg.indexOf(QLatin1Char('>'));
    QString root = svg.left(rootEnd);
    static const QRegularExpression size(QStringLiteral("\\s(width|height)=\"[^\"]*\""));
    root.replace(size, QString());
    root += QStringLiteral(" class=\"figure\" style=\"max-width:%1mm\"").arg(widthMm, 0, 'f', 0);
    return root + svg.mid(rootEnd);
}

QString SvgFigures::render(QCustomPlot* plot, double widthMm, double heightMm) {
    decimateGraphs(plot, kReportMaxPoints);
    ExportOptions o;
    o.format = ExportFormat::Svg;
    o.unit = SizeUnit::Millimetres;
    o.width = widthMm;
    o.height = heightMm;
    const QByteArray doc = plotSvg(plot, o);
    if (doc.isEmpty()) return {};
    ++m_count;
    return inlineElement(QString::fromUtf8(doc), QStringLiteral("f%1").arg(m_count), widthMm);
}

} // namespace netsurf::widgets
