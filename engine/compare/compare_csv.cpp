#include "engine/compare/compare_csv.h"

#include <cmath>
#include <cstdio>

namespace netsurf {

namespace {

std::string num(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char b[32];
    std::snprintf(b, sizeof b, "%.10g", v);
    return b;
}

// n,mean,std,se,dof,ci_low,ci_high
std::string estimateColumns(const Estimate& e) {
    return std::to_string(e.n) + "," + num(e.value) + "," + num(e.std) + "," + num(e.se) + "," +
           num(e.dof) + "," + num(e.low) + "," + num(e.high);
}

// split … higher_is_better of one (group, ranker, metric).
std::string rowPrefix(const GroupComparison& g, const RankerComparison& r,
                      const std::string& metric) {
    const ComparisonKey& k = g.key;
    return k.evalSplit + "," + (k.mode == SweepMode::MonteCarlo ? "montecarlo" : "exhaustive") +
           "," + k.population + "," + k.modelChecksum.substr(0, 12) + "," +
           k.evalDataChecksum.substr(0, 12) + "," + r.label + "," + r.rankingId + "," + r.method +
           "," + r.order + "," + metric + "," + (higherIsBetter(metric) ? "1" : "0");
}

constexpr const char* kNoSummary = ",,,,,,";

std::string summaryColumns(const SummaryRow& s) {
    return "," + std::to_string(s.rank) + "," + num(s.diffToBest.value) + "," +
           num(s.diffToBest.low) + "," + num(s.diffToBest.high) + "," + (s.paired ? "1" : "0") +
           "," + (s.indistinguishable ? "1" : "0");
}

void appendMetric(std::string& out, const GroupComparison& g, std::size_t r, std::size_t q) {
    const RankerComparison& rk = g.rankers[r];
    const MetricTable& t = rk.metrics[q];
    const std::string prefix = rowPrefix(g, rk, g.metrics[q]);
    const Grid& grid = g.grid;
    for (std::size_t i = 0; i < grid.protections.size(); ++i)
        for (std::size_t j = 0; j < grid.bers.size(); ++j)
            out += prefix + ",cell," + num(grid.protections[i]) + "," + num(grid.bers[j]) + "," +
                   estimateColumns(t.cells[grid.index(i, j)]) + kNoSummary + "\n";
    for (std::size_t i = 0; i < grid.protections.size(); ++i)
        out += prefix + ",auc_log10_ber," + num(grid.protections[i]) + ",," +
               estimateColumns(t.aucOverBer[i]) + kNoSummary + "\n";
    for (std::size_t j = 0; j < grid.bers.size(); ++j)
        out += prefix + ",auc_protection,," + num(grid.bers[j]) + "," +
               estimateColumns(t.aucOverProtection[j]) + kNoSummary + "\n";
    for (const SummaryRow& s : g.summaries[q].rows)
        if (s.ranker == r)
            out += prefix + ",vus,,," + estimateColumns(t.vus) + summaryColumns(s) + "\n";
}

std::string interval(const Interval& iv) {
    return "," + (std::isnan(iv.low) ? std::string() : num(iv.low)) + "," +
           (std::isnan(iv.high) ? std::string() : num(iv.high));
}

} // namespace

std::string comparisonCsv(const std::vector<GroupComparison>& groups) {
    std::string out =
        "split,mode,population,model,eval_data,ranker,id,method,order,metric,higher_is_better,kind,"
        "protection,ber,n,mean,std,se,dof,ci_low,ci_high,rank,diff_vs_best,diff_ci_low,"
        "diff_ci_high,paired,indistinguishable_from_best\n";
    for (const GroupComparison& g : groups)
        for (std::size_t r = 0; r < g.rankers.size(); ++r)
            for (std::size_t q = 0; q < g.metrics.size(); ++q)
                appendMetric(out, g, r, q);
    return out;
}

std::string rankingComparisonCsv(const std::vector<RankingOverlapTable>& tables) {
    std::string out =
        "population,reference,reference_ranker,reference_id,ranker,id,protection,k,common,"
        "jaccard,dice,precision_at_k,kendall_tau_b,spearman,jaccard_ci_low,jaccard_ci_high,"
        "dice_ci_low,dice_ci_high,kendall_tau_b_ci_low,kendall_tau_b_ci_high,spearman_ci_low,"
        "spearman_ci_high\n";
    for (const RankingOverlapTable& t : tables) {
        const bool oracle = t.reference == "oracle";
        for (const OverlapLevel& l : t.levels) {
            const TopKOverlap& o = l.overlap;
            out += t.population + "," + t.reference + "," + t.referenceLabel + "," + t.referenceId +
                   "," + t.rankerLabel + "," + t.rankerId + "," + num(l.protection) + "," +
                   std::to_string(o.k) + "," + std::to_string(o.common) + "," + num(o.jaccard) +
                   "," + num(o.dice) + "," + (oracle ? num(o.dice) : std::string()) + "," +
                   num(o.kendallTau) + "," + num(o.spearman) + interval(l.jaccard) +
                   interval(l.dice) + interval(l.kendallTau) + interval(l.spearman) + "\n";
        }
    }
    return out;
}

} // namespace netsurf
