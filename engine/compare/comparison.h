#pragma once
// The comparison tables of `compare` (SPEC §5) from in-memory sweep results: experiments are
// grouped so that results of different models, evaluation splits or data, modes, populations or
// metric sets are never mixed, then per group, ranker and metric: per-cell mean / std / 95 % CI,
// AUC over log10 BER per protection, AUC over protection per BER, VUS with its CI, and a ranked
// summary per metric with the difference to the best ranker (paired when possible) and whether
// it is indistinguishable from the best (formulas in stats.h).
//
// Metrics: "loss", the task metrics (metricNames) and "mismatch_rate". Direction: loss, mae,
// mse, rmse and mismatch_rate are better when lower; accuracy, r2, pearson (and any other name)
// when higher. Primary metric (the printed summary): accuracy for classification, mae for
// regression, else the first task metric, else loss.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/compare/stats.h"
#include "engine/core/result.h"
#include "engine/inject/sweep_results.h"

namespace netsurf {

bool higherIsBetter(const std::string& metric);
// "loss", metricNames…, "mismatch_rate".
std::vector<std::string> comparedMetrics(const SweepResults& results);
std::string defaultPrimaryMetric(const std::vector<std::string>& metricNames);
// The clean model's value of each compared metric (aligned with comparedMetrics; mismatch_rate
// 0; NaN for a metric the header lacks).
std::vector<double> cleanValues(const SweepResults& results);

// What must be equal for two experiments to be compared.
struct ComparisonKey {
    std::string benchmark, quantization;
    double pruning = 0;
    std::string modelChecksum, evalSplit, evalDataChecksum;
    SweepMode mode = SweepMode::Exhaustive;
    std::string population;
    std::vector<std::string> metricNames;
    bool operator<(const ComparisonKey& o) const;
    bool operator==(const ComparisonKey& o) const;
};
ComparisonKey comparisonKey(const SweepResults& results);
// "split test, data 3f9a0c21b4de, montecarlo, population all, model 0123456789ab" (the fields
// that may differ inside one model directory).
std::string describe(const ComparisonKey& key);

struct Experiment {
    std::filesystem::path path;
    SweepResults results;
};

// Experiments with equal keys, groups in key order, members by (method, order, ranking id).
std::vector<std::vector<const Experiment*>> groupExperiments(const std::vector<Experiment>& all);

// The largest rectangular grid every member covers: the protections and BERs (> 0) present in
// all members. A member lacking a cell of that grid is dropped (with a warning); cells outside
// it are ignored (with a warning).
struct GridSelection {
    Grid grid;
    std::vector<const Experiment*> members;
    std::vector<std::string> warnings;
};
Result<GridSelection> commonGrid(const std::vector<const Experiment*>& members);

// The samples of metric `metricIndex` (into comparedMetrics) on the grid cells.
Surface extractSurface(const SweepResults& results, const Grid& grid, std::size_t metricIndex);

struct MetricTable {
    std::vector<Estimate> cells;             // grid order (i·B + j)
    std::vector<Estimate> aucOverBer;        // per protection
    std::vector<Estimate> aucOverProtection; // per BER
    Estimate vus;
};
// Monte-Carlo: functionals per repetition over the repetitions complete in every cell (at least
// 2); otherwise (exhaustive, or too few complete repetitions) propagated.
MetricTable metricTable(const Surface& s, const Grid& grid, SweepMode mode);

struct RankerComparison {
    std::string label; // method-order, or method-order-id when ambiguous in the group (and
                       // method-order-id-seed<S> for one ranking swept with several seeds)
    std::string rankingId, method, order;
    std::uint64_t seed = 0;
    std::filesystem::path path;
    std::vector<MetricTable> metrics; // aligned with GroupComparison::metrics
};

struct SummaryRow {
    std::size_t ranker = 0; // index into GroupComparison::rankers
    int rank = 0;           // 1 = best
    Estimate vus;
    Estimate diffToBest;            // VUS(ranker) − VUS(best); 0 for the best itself
    bool paired = false;            // diffToBest from paired repetitions
    bool indistinguishable = false; // CI of diffToBest ∋ 0 (true for the best)
};
struct MetricSummary {
    std::string metric;
    bool higherIsBetter = true;
    std::vector<SummaryRow> rows; // best first
};

struct GroupComparison {
    ComparisonKey key;
    Grid grid;
    bool paired = false; // Monte-Carlo with one seed: differences over paired repetitions
    std::vector<std::string> metrics;
    std::vector<double> clean; // the clean model's value per metric (mismatch_rate: 0)
    std::vector<RankerComparison> rankers;
    std::vector<MetricSummary> summaries; // aligned with metrics
    std::vector<std::string> warnings;
};

// The ranked summary of one metric from the rankers' surfaces (aligned with `rankers`).
MetricSummary summarize(const std::string& metric, const std::vector<RankerComparison>& rankers,
                        const std::vector<Surface>& surfaces, std::size_t metricIndex,
                        const Grid& grid, bool paired);

// Everything for one group (as returned by groupExperiments). Data error when no common grid.
Result<GroupComparison> compareGroup(const std::vector<const Experiment*>& members);

} // namespace netsurf
