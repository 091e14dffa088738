#pragma once
// The plots of the ranker comparison page, each drawn from the engine's tables into a prepared
// QCustomPlot (plot_style.h). Pure drawing: no file access, no computation beyond picking rows.
#include <QString>
#include <string>
#include <vector>

#include "widgets/compare/compare_data.h"

class QCustomPlot;

namespace netsurf::widgets {

// Which metric of a group, and how to label it.
struct MetricChoice {
    std::size_t index = 0; // into GroupComparison::metrics
    QString axisLabel;
};

// Metric vs BER at protection index `p` (log BER axis), one curve with its CI band per ranker
// in `rankers` (indices into g.rankers; all when empty), and the clean model's value.
void drawMetricVsBer(QCustomPlot* plot, const GroupComparison& g, const MetricChoice& m,
                     std::size_t p, const std::vector<std::size_t>& rankers = {});
// Metric vs protection at BER index `b`.
void drawMetricVsProtection(QCustomPlot* plot, const GroupComparison& g, const MetricChoice& m,
                            std::size_t b, const std::vector<std::size_t>& rankers = {});
// VUS per ranker, best first, 95 % CI whiskers; rankers indistinguishable from the best solid,
// the others pale (two legend entries explain it and toggle each class).
void drawVusBars(QCustomPlot* plot, const GroupComparison& g, const MetricChoice& m);
// Ranking time (log axis) against VUS (with CI), one labelled point per ranker. Rankers without
// a ranking file are left out.
void drawCostVsVus(QCustomPlot* plot, const GroupComparison& g, const MetricChoice& m,
                   const RankingSet& rankings);

// Overlap measures of ranking_overlap.h.
enum class OverlapMeasure { Jaccard, Dice, KendallTau, Spearman };
QString measureName(OverlapMeasure m);
// One curve per ranking against the reference (vs protection level).
void drawOverlap(QCustomPlot* plot, const std::vector<OverlapCurve>& curves,
                 const RankingSet& rankings, OverlapMeasure measure, const QString& reference);
// Precision@k against the oracle, and what a random ranking gets on average (k/T).
void drawPrecision(QCustomPlot* plot, const std::vector<OverlapCurve>& curves,
                   const RankingSet& rankings, const QString& oracle);

} // namespace netsurf::widgets
