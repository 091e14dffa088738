#pragma once
// Ranking overlap of `compare` (SPEC §5): a ranker's order against a reference order (the
// baseline ranker, or the oracle for precision@k) at protection levels g, 2g, …, 1.
//
// Levels: g = the smallest positive step of {0} ∪ {grid protections} (so {0, 0.1, 0.2, 0.5}
// → 0.1 and {0.25} → 0.25), clamped to at least 0.01 (at most 100 levels); 0.1 when the grid
// has no positive protection. The levels are g, 2g, … while ≤ 1 (+1e-9), and 1 is appended
// when the last one falls short of it. At level f, k = topKCount(T, f) (round half to even,
// at least 1 — as in rank-quality).
//
// Per level: Jaccard, Dice (= precision@k against the oracle), Kendall τ-b and Spearman ρ of
// the common top-k set (rank_quality.h topKOverlap).
//
// Bootstrap (optional) 95 % CI, `resamples` (default 100) resamples, percentile interval
// (linear interpolation between order statistics, NaN resamples dropped):
//   Jaccard / Dice — the union U = A ∪ B resampled with replacement (|U| draws): J* = fraction
//     of drawn items in both top-k sets, D* = 2J*/(1 + J*);
//   τ-b / ρ — the common set C resampled with replacement (|C| draws, pairs of positions in
//     the two orders; duplicates are ties; computed by resampledTauRho).
// Every draw comes from a KeyedStream keyed by (seed, ranker/reference ids, level, resample):
// identical for any thread count and any order of the rankers.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "engine/rank/rank_quality.h"

namespace netsurf {

std::vector<double> overlapLevels(const std::vector<double>& gridProtections);

struct BootstrapConfig {
    bool enabled = false;
    int resamples = 100;
    std::uint64_t seed = 0;
};

struct Interval {
    double low = std::numeric_limits<double>::quiet_NaN();
    double high = std::numeric_limits<double>::quiet_NaN();
};
// 2.5 % and 97.5 % percentiles (type-7 interpolation) of the non-NaN samples.
Interval percentileInterval(std::vector<double> samples);

struct OverlapLevel {
    double protection = 0;
    TopKOverlap overlap;
    Interval jaccard, dice, kendallTau, spearman; // bootstrap; NaN without
};

// τ-b and ρ of a resample of the common set given as multiplicities: item i (its rank in the
// reference order) drawn counts[i] times, xOrder = the items in the ranker's order. Equal to
// kendallTauB / spearmanRho of the expanded sample (duplicates are ties) in O(|C| log |C|)
// without sorting: pairs tied in x are exactly those tied in y (same item), so
// τ_b = 1 − 2D/P with P = (n² − Σ m²)/2 the untied pairs and D the discordant ones (weighted
// inversions, merge sort); ρ = Pearson correlation of the average ranks. NaN when undefined.
std::pair<double, double> resampledTauRho(const std::vector<std::uint32_t>& xOrder,
                                          const std::vector<std::uint32_t>& counts);

// Stream key of a (ranker, reference) pair: FNV-1a of "ranker|reference" mixed with the seed.
std::uint64_t overlapKey(std::uint64_t seed, const std::string& rankerId,
                         const std::string& referenceId);

// One row per level. Precondition: isSamePopulation(ranker, reference) (checked:
// std::invalid_argument). The bootstrap runs in parallel chunks in the calling arena.
std::vector<OverlapLevel> overlapAtLevels(const BitOrder& ranker, const BitOrder& reference,
                                          const std::vector<double>& levels,
                                          const BootstrapConfig& bootstrap, std::uint64_t key);

// One ranking against one reference at the overlap levels (a table of `compare`).
struct RankingOverlapTable {
    std::string population;
    std::string reference; // "baseline" or "oracle"
    std::string referenceLabel, referenceId;
    std::string rankerLabel, rankerId;
    std::vector<OverlapLevel> levels;
};

} // namespace netsurf
