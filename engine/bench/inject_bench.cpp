#include "engine/bench/inject_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>

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

double median(std::vector<double> v) { // odd size
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    return v[v.size() / 2];
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
    // passes over the sets when one is shorter). The speed-up is the median over the rounds of
    // the ratio of the two adjacent windows, which share the machine's state at that moment;
    // the rates are the medians of the windows.
    constexpr int kRounds = 5;
    std::vector<FaultyOutcome> a, b;
    const int pf = passesFor(timeEvaluations(fast, sets, a));
    const int pd = passesFor(timeEvaluations(dense, sets, b));
    std::vector<double> tf, td, ratio;
    for (int k = 0; k < kRounds; ++k) {
        tf.push_back(timeEvaluations(fast, sets, a, pf) / pf);
        td.push_back(timeEvaluations(dense, sets, b, pd) / pd);
        ratio.push_back(td.back() / tf.back());
    }
    row.fastEvalsPerSecond = double(n) / median(tf);
    row.denseEvalsPerSecond = double(n) / median(td);
    row.speedup = median(ratio);
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
                       "BER " + std::to_string(o.grid.bers[b])});
        rep.rows.push_back(measureBer(fast, dense, pop, planner, o, b));
    }
    if (o.skipGrid) return rep;
    NullProgressSink quiet;
    for (const FaultyEvalBase* ev : {&fast, &dense}) {
        sink.progress({"bench inject", 0, 1,
                       ev == &fast ? "whole grid, fast path" : "whole grid, dense path only"});
        const auto t0 = Clock::now();
        auto rows = runSweep(*ev, ranking, o.grid, {}, {}, {}, quiet, stop);
        if (!rows) return rows.error();
        (ev == &fast ? rep.gridFastSeconds : rep.gridDenseSeconds) = since(t0);
        rep.gridEvaluations = rows->size();
    }
    rep.gridTimed = true;
    return rep;
}

} // namespace netsurf
