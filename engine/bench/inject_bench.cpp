#include "engine/bench/inject_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/core/number_format.h"
#include "engine/core/parallel.h"
#include "engine/rank/rank_quality.h"

namespace netsurf {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Evaluates every flip set with `ev` in parallel, `passes` times over; returns the wall time.
double timeEvaluations(const FaultyEvalBase& ev, const std::vector<std::vector<ParamFlip>>& sets,
                       std::vector<FaultyOutcome>& out, int passes = 1) {
    out.assign(sets.size(), {});
    const auto t0 = Clock::now();
    for (int p = 0; p < passes; ++p)
        parallelChunks(sets.size(), 1, [&](std::size_t i, std::size_t, std::size_t) {
            out[i] = ev.evaluate(sets[i]);
        });
    return since(t0);
}

// Passes over the flip sets that make one timed window last about kMinWindow seconds (from the
// warm-up time), so that a short interruption of the machine weighs little in any window.
constexpr double kMinWindow = 0.25;
int passesFor(double warmupSeconds) {
    return int(std::clamp(std::ceil(kMinWindow / std::max(warmupSeconds, 1e-6)), 1.0, 1000.0));
}

InjectBenchRow measureBer(const FaultyEvalBase& fast, const FaultyEvalBase& dense,
                          const BitPopulation& pop, const FlipPlanner& planner,
                          const InjectBenchOptions& o, std::size_t berIndex) {
    InjectBenchRow row;
    row.ber = o.grid.bers[berIndex];
    const FlipPlanner::PointPlan plan = planner.plan(o.protection, berIndex);
    const std::size_t n = std::min<std::size_t>(o.flipSets, std::size_t(plan.reps));
    std::vector<std::vector<ParamFlip>> sets(n);
    std::size_t flips = 0;
    for (std::size_t r = 0; r < n; ++r) {
        const auto ids = planner.flips(plan, int(r));
        flips += ids.size();
        sets[r] = toParamFlips(pop, ids);
    }
    row.flipSets = n;
    row.meanFlips = n ? flips / n : 0;
    // One untimed warm-up pass each (thread-local scratch, caches), then kRounds rounds of one
    // window each, fast then dense, every window lasting at least kMinWindow seconds (several
    // passes over the sets when one is shorter). Each evaluator's time is its fastest window:
    // other work on the machine only ever slows a window down, so the minimum is the closest
    // to the code's own speed (as Python's timeit reports it).
    constexpr int kRounds = 5;
    std::vector<FaultyOutcome> a, b;
    const int pf = passesFor(timeEvaluations(fast, sets, a));
    const int pd = passesFor(timeEvaluations(dense, sets, b));
    double tf = INFINITY, td = INFINITY;
    for (int k = 0; k < kRounds; ++k) {
        tf = std::min(tf, timeEvaluations(fast, sets, a, pf) / pf);
        td = std::min(td, timeEvaluations(dense, sets, b, pd) / pd);
    }
    row.fastEvalsPerSecond = double(n) / tf;
    row.denseEvalsPerSecond = double(n) / td;
    row.speedup = td / tf;
    row.denseGflops = row.denseEvalsPerSecond * dense.denseFlops() * 1e-9;
    for (std::size_t i = 0; i < n; ++i) {
        row.maxAbsDiff = std::max(row.maxAbsDiff, std::abs(a[i].loss - b[i].loss));
        row.predictionMismatches += a[i].mismatchRate != b[i].mismatchRate;
    }
    return row;
}

} // namespace

Result<InjectBenchReport> benchInjection(const FaultyEvalBase& fast, const FaultyEvalBase& dense,
                                         const Ranking& ranking, const InjectBenchOptions& o,
                                         ProgressSink& sink, std::stop_token stop) {
    if (auto st = validateSweepConfig(o.grid); !st) return st.error();
    const BitPopulation& pop = ranking.population;
    const FlipPlanner planner(bitOrder(ranking.rows, pop.bitsPerParam), o.grid);
    InjectBenchReport rep;
    rep.samples = fast.samples();
    rep.bits = pop.bits();
    rep.threads = currentConcurrency();
    for (std::size_t b = 0; b < o.grid.bers.size(); ++b) {
        if (stop.stop_requested()) return Error::cancelled("bench inject cancelled");
        sink.progress({"bench inject", std::int64_t(b), std::int64_t(o.grid.bers.size()),
                       "BER " + shortestDouble(o.grid.bers[b])});
        rep.rows.push_back(measureBer(fast, dense, pop, planner, o, b));
    }
    if (o.skipGrid) return rep;
    NullProgressSink quiet;
    // Each path twice, alternating; its faster run counts (as for the rows above).
    rep.gridFastSeconds = rep.gridDenseSeconds = INFINITY;
    for (int round = 0; round < 2; ++round)
        for (const FaultyEvalBase* ev : {&fast, &dense}) {
            sink.progress({"bench inject", round, 2,
                           ev == &fast ? "whole grid, fast path" : "whole grid, dense path only"});
            const auto t0 = Clock::now();
            auto rows = runSweep(*ev, ranking, o.grid, {}, {}, {}, quiet, stop);
            if (!rows) return rows.error();
            double& best = ev == &fast ? rep.gridFastSeconds : rep.gridDenseSeconds;
            best = std::min(best, since(t0));
            rep.gridEvaluations = rows->size();
        }
    rep.gridTimed = true;
    return rep;
}

} // namespace netsurf
