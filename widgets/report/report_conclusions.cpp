#include "widgets/report/report_conclusions.h"

#include <QObject>
#include <algorithm>
#include <cmath>

#include "widgets/compare/metric_labels.h"
#include "widgets/report/report_html.h"

namespace netsurf::widgets {

namespace {

using report_detail::esc;

QString withCi(const Estimate& e) {
    if (!e.hasInterval()) return formatValue(e.value);
    return QStringLiteral("%1 (95 % CI %2 to %3)")
        .arg(formatValue(e.value), formatValue(e.low), formatValue(e.high));
}

bool isHeuristic(const std::string& method) {
    return method != "oracle" && method != "random";
}

} // namespace

QStringList conclusionSentences(const GroupComparison& g, std::size_t metric) {
    QStringList out;
    if (metric >= g.summaries.size() || g.summaries[metric].rows.empty()) return out;
    const MetricSummary& s = g.summaries[metric];
    const QString name = metricTitle(s.metric).toLower().toHtmlEscaped();
    const auto label = [&](const SummaryRow& r) { return esc(g.rankers[r.ranker].label); };
    const SummaryRow& best = s.rows.front();
    const SummaryRow& worst = s.rows.back();
    out << QObject::tr("Best ranker by the VUS of %1 (%2 is better): <b>%3</b>, VUS %4.")
               .arg(name, s.higherIsBetter ? QObject::tr("higher") : QObject::tr("lower"),
                    label(best), withCi(best.vus));
    if (s.rows.size() > 1)
        out << QObject::tr("Worst: <b>%1</b>, VUS %2, %3 from the best.")
                   .arg(label(worst), withCi(worst.vus), withCi(worst.diffToBest));
    QStringList tied;
    for (std::size_t i = 1; i < s.rows.size(); ++i)
        if (s.rows[i].indistinguishable) tied << label(s.rows[i]);
    if (s.rows.size() > 1)
        out << (tied.isEmpty()
                    ? QObject::tr("No other ranker is statistically indistinguishable from %1 "
                                  "(the 95 % CI of every VUS difference excludes 0%2).")
                          .arg(label(best), g.paired ? QObject::tr(", paired repetitions")
                                                     : QString())
                    : QObject::tr("Statistically indistinguishable from %1 (the 95 % CI of the "
                                  "VUS difference contains 0): %2.")
                          .arg(label(best), tied.join(QStringLiteral(", "))));
    const auto oracle = std::find_if(s.rows.begin(), s.rows.end(), [&](const SummaryRow& r) {
        return g.rankers[r.ranker].method == "oracle";
    });
    const auto heuristic = std::find_if(s.rows.begin(), s.rows.end(), [&](const SummaryRow& r) {
        return isHeuristic(g.rankers[r.ranker].method);
    });
    if (oracle != s.rows.end() && heuristic != s.rows.end()) {
        const double gap = heuristic->vus.value - oracle->vus.value;
        const double rel = oracle->vus.value != 0 ? 100 * gap / std::abs(oracle->vus.value) : NAN;
        const bool better = gap == 0 || (gap > 0) == s.higherIsBetter;
        out << QObject::tr("The best heuristic, <b>%1</b> (rank %2), has a VUS %3 that of the "
                           "oracle %4: a difference of %5%6.")
                   .arg(label(*heuristic))
                   .arg(heuristic->rank)
                   .arg(better ? QObject::tr("as good as or better than")
                               : QObject::tr("worse than"),
                        label(*oracle), formatValue(gap),
                        std::isfinite(rel) ? QStringLiteral(" (%1 %)").arg(rel, 0, 'f', 1)
                                           : QString());
        if (better && gap != 0)
            out << QObject::tr("The oracle orders bits by the exact loss change of a single flip; "
                               "at BERs where many bits flip together that order need not be "
                               "the best one, which is why a heuristic can beat it here.");
    } else if (oracle == s.rows.end()) {
        out << QObject::tr("No oracle ranking has experiments for this model, so the distance "
                           "of the heuristics from the exact order is not measured.");
    }
    return out;
}

ProtectionGains protectionGains(const GroupComparison& g, std::size_t metric, double target) {
    ProtectionGains out;
    if (metric >= g.summaries.size() || g.summaries[metric].rows.empty() ||
        g.grid.protections.empty())
        return out;
    const RankerComparison& r = g.rankers[g.summaries[metric].rows.front().ranker];
    out.ranker = r.label;
    const std::vector<double>& p = g.grid.protections;
    std::size_t to = 0;
    for (std::size_t i = 1; i < p.size(); ++i)
        if (std::abs(p[i] - target) < std::abs(p[to] - target)) to = i;
    const std::size_t nb = g.grid.bers.size();
    for (std::size_t j = 0; j < nb; ++j)
        out.rows.push_back({g.grid.bers[j], p[0], p[to], r.metrics[metric].cells[0 * nb + j],
                            r.metrics[metric].cells[to * nb + j]});
    return out;
}

} // namespace netsurf::widgets
