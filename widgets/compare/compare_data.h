#pragma once
// What the ranker comparison page shows, computed off the GUI thread from the files of one model
// (plain C++, no Qt): the engine's comparison tables (computeComparison: cells, AUC, VUS with CI
// and the ranked summaries, no file written), the rankings of the compared rankers (their bit
// orders and ranking time, from the ranking files) and their overlap with a reference ranking
// (rank_quality.h / ranking_overlap.h: the same functions as `compare`).
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "engine/compare/compare_job.h"

namespace netsurf::widgets {

// A ranking file of the model, loaded.
struct RankingEntry {
    std::string label; // method-order, as the comparison labels its rankers
    std::string id, method, order, population;
    double seconds = 0;   // ranking time from the file's header
    BitOrder bits;        // bit ids, most vulnerable first
    bool compared = true; // has experiments (false: loaded as the oracle reference only)
    std::vector<double> scores; // the sort key of each bit, in rank order (score along the rank)
};

// The sort keys of a ranking's rows, in rank order.
std::vector<double> rankingScores(const std::vector<RankedBit>& rows);

struct RankingSet {
    std::vector<RankingEntry> rankings; // rankers with experiments (+ the oracle when present)
    int oracle = -1;                    // index of the oracle in global order, or −1
    // Protection fractions of the overlap curves: ranking_overlap.h's levels of the compared
    // grids together with the rank-quality fractions (1 %, 5 %, 10 %, 20 %, 40 %).
    std::vector<double> levels;
    const RankingEntry* find(const std::string& id) const;
};

// One ranking against a reference at the levels.
struct OverlapCurve {
    std::string label, id;
    std::vector<OverlapLevel> levels;
};

struct CompareData {
    CompareOutcome outcome; // groups and summaries (no overlap tables: computeOverlapCurves)
    std::shared_ptr<const RankingSet> rankings;
    std::string baselineId; // the default reference of the overlap curves
    std::vector<std::string> warnings;
    std::thread::id computedOn; // the thread that computed it (the tests assert it)
};

// The overlap curves of a ranking set: every other ranking against the oracle (precision@k; when
// asked for and the set has one) and against the baseline.
struct OverlapCurves {
    std::vector<OverlapCurve> precision, overlap;
};
OverlapCurves computeOverlapCurves(const RankingSet& set, const std::string& baselineId,
                                   bool withPrecision, std::stop_token stop);

// Reads and computes the comparison of `model` and loads its rankings (the overlap curves are a
// second, slower step: computeOverlapCurves). The baseline of the overlap curves: the ranker of
// method `baseline` with experiments (plane order first), else the first ranker. Error when the
// model has no comparable experiments or the stop token fired.
Result<CompareData> loadCompareData(const ModelSelector& model, const std::string& baseline,
                                    std::stop_token stop);

// Every compared ranking of the set with the population of `referenceId` against it (the
// reference itself left out), in the set's order.
std::vector<OverlapCurve> overlapsAgainst(const RankingSet& set, const std::string& referenceId,
                                          std::stop_token stop);

} // namespace netsurf::widgets
