#pragma once
// HTML text of the report: escaping, numbers as the tables show them, and tables.
#include <QString>
#include <QStringList>
#include <cmath>
#include <string>

namespace netsurf::widgets::report_detail {

inline QString esc(const std::string& s) {
    return QString::fromStdString(s).toHtmlEscaped();
}
inline QString esc(const QString& s) {
    return s.toHtmlEscaped();
}

inline QString num(double v, int precision = 4) {
    if (!std::isfinite(v)) return QStringLiteral("—");
    return QString::number(v, 'g', precision);
}

struct TableBuilder {
    QString html;
    explicit TableBuilder(const QStringList& header) {
        html = QStringLiteral("<table><tr>");
        for (const QString& h : header)
            html += QStringLiteral("<th>%1</th>").arg(esc(h));
        html += QStringLiteral("</tr>");
    }
    // Cells are escaped; cells starting with '#' are numbers (right-aligned, '#' dropped).
    void row(const QStringList& cells) {
        html += QStringLiteral("<tr>");
        for (const QString& c : cells)
            html += c.startsWith(QLatin1Char('#'))
                        ? QStringLiteral("<td class=\"num\">%1</td>").arg(esc(c.mid(1)))
                        : QStringLiteral("<td>%1</td>").arg(esc(c));
        html += QStringLiteral("</tr>");
    }
    QString str() const { return html + QStringLiteral("</table>"); }
};

} // namespace netsurf::widgets::report_detail
