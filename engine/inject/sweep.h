#pragma once
// Injection sweeps over BER × protection (SPEC §4).
//
// For a ranking of T population bits (ids p·m + b) and a protection fraction p, the first
// ⌊T·p⌋ ranked bits are protected; the S = T − ⌊T·p⌋ others are susceptible.
//   exhaustive  F = max(1, roundHalfToEven(S·BER)) flips per repetition, R = ⌈S/F⌉ repetitions:
//               repetition r flips chunk r of the susceptible bits taken in the order of one
//               keyed permutation of all T ids (key: seed and the BER's value — its IEEE-754
//               bit pattern, not its position in the list, so adding a BER to a grid changes
//               no other BER's flips) — every susceptible bit flips exactly once per (p, BER),
//               and rankers protecting the same bits see the same flips.
//   montecarlo  K repetitions; in repetition k bit id i flips iff u(seed, k, i) < BER: the same
//               numbers for every BER, protection and ranker (flip sets nested in BER, paired
//               across rankers), and repetition k does not depend on K (growing K → K' keeps
//               repetitions 0..K−1).
// So the flips of a (protection, BER, rep) depend only on the ranking, the mode, the seed and
// those three values: a grid can grow by BERs, protections or repetitions and only the new
// points need computing.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/inject/faulty_eval.h"
#include "engine/inject/sweep_results.h"
#include "engine/rank/ranking.h"

namespace netsurf {

struct SweepConfig {
    SweepMode mode = SweepMode::Exhaustive;
    std::vector<double> bers{0.001, 0.005, 0.01, 0.05, 0.1, 0.15};
    std::vector<double> protections{0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4};
    int reps = 50; // montecarlo
    std::uint64_t seed = 0;
};

// BER in (0, 1], protection in [0, 1), lists non-empty and without duplicates.
Status validateSweepConfig(const SweepConfig& config);

// Bits of one repetition as sorted population bit ids (p·m + b).
class FlipPlanner {
public:
    // `order`: the ranking's bit ids in rank order (a permutation of 0..T−1).
    FlipPlanner(std::vector<std::uint32_t> order, const SweepConfig& config);
    std::size_t bits() const { return m_order.size(); }
    std::size_t protectedCount(double protection) const; // ⌊T·p⌋
    std::size_t susceptible(double protection) const { return bits() - protectedCount(protection); }
    // Repetitions at a grid point: R = ⌈S/F⌉ (exhaustive) or K (montecarlo).
    int repetitions(double protection, std::size_t berIndex) const;
    std::size_t flipsPerRep(double protection, std::size_t berIndex) const; // exhaustive F

    // What one grid point needs, computed once per point (exhaustive: the susceptible ids in
    // permutation order, O(T)).
    struct PointPlan {
        double protection = 0;
        std::size_t berIndex = 0;
        std::size_t protectedBits = 0, susceptible = 0;
        int reps = 0;
        std::vector<std::uint32_t> sequence; // exhaustive only
    };
    PointPlan plan(double protection, std::size_t berIndex) const;
    // The flipped bit ids of repetition `rep` of a point, ascending.
    std::vector<std::uint32_t> flips(const PointPlan& plan, int rep) const;
    std::vector<std::uint32_t> flips(double protection, std::size_t berIndex, int rep) const {
        return flips(plan(protection, berIndex), rep);
    }

private:
    std::vector<std::uint32_t> m_order;
    std::vector<std::uint32_t> m_rankOf; // rank position of each bit id
    SweepConfig m_config;
    // montecarlo: per repetition, (u, id) of the bits with u < max BER, sorted by u
    std::vector<std::vector<std::pair<double, std::uint32_t>>> m_candidates;
    // exhaustive: per BER of the list, the permutation of all ids keyed by (seed, BER value)
    std::vector<std::vector<std::uint32_t>> m_perm;
};

// One warning per BER of the grid that gives fewer than one expected flip at every protection
// level (S·BER < 0.5 for every p): exhaustive mode runs it at one flip per repetition, montecarlo
// mode flips no bit in most repetitions. Reported by runSweep through ProgressSink::warning.
std::vector<std::string> lowBerWarnings(const FlipPlanner& planner, const SweepConfig& config);

// Groups bit ids into per-parameter flip masks (mask bit k ↔ bit index m−1−k).
std::vector<ParamFlip> toParamFlips(const BitPopulation& pop,
                                    const std::vector<std::uint32_t>& ids);

struct SweepTask {
    std::size_t protectionIndex = 0, berIndex = 0;
    int rep = 0;
};

// Called after each batch of finished rows (in task order) — the results store appends them.
using SweepBatchSink = std::function<Status(const std::vector<SweepRow>& rows)>;
// Sees rows that are already safe in the results file: each batch right after it has been
// appended and flushed to `file`, in the order appended (runSweepToFile; never rows reused from
// the file).
using SweepRowObserver =
    std::function<void(const std::filesystem::path& file, const std::vector<SweepRow>& rows)>;
// Called with the flip set of every evaluated repetition (for --save-faults); may be empty.
using FaultSink = std::function<Status(const SweepRow& row, const std::vector<ParamFlip>& flips)>;

// Evaluates every (protection, BER, rep) of the grid that is not in `done` (matching rows by
// protection, BER and rep exactly), in parallel in the caller's arena, in fixed batches of tasks;
// rows of a batch are handed to `batchSink` in task order. Cancellation (Error::cancelled) after
// the current batch. Progress: points done / total, with ETA.
Result<std::vector<SweepRow>> runSweep(const FaultyEvalBase& evaluator, const Ranking& ranking,
                                       const SweepConfig& config, const std::vector<SweepRow>& done,
                                       const SweepBatchSink& batchSink, const FaultSink& faults,
                                       ProgressSink& sink, std::stop_token stop);

} // namespace netsurf
