// runSweep: the grid loop — points in grid order, pending repetitions of a point in fixed
// batches evaluated in parallel, rows handed out in task order.
#include <chrono>
#include <cstdio>
#include <set>
#include <tuple>

#include "engine/core/parallel.h"
#include "engine/inject/sweep.h"
#include "engine/rank/rank_quality.h"

namespace netsurf {

namespace {

constexpr std::size_t kBatch = 32; // repetitions per batch (independent of the thread count)

using Key = std::tuple<double, double, int>;

std::string etaText(double elapsed, std::size_t doneTasks, std::size_t totalTasks) {
    if (doneTasks == 0 || doneTasks >= totalTasks) return "";
    const double eta = elapsed / double(doneTasks) * double(totalTasks - doneTasks);
    char buf[48];
    std::snprintf(buf, sizeof buf, ", ETA %dm%02ds", int(eta) / 60, int(eta) % 60);
    return buf;
}

// Repetitions of the grid not in `have`.
std::size_t pendingTasks(const FlipPlanner& planner, const SweepConfig& config,
                         const std::set<Key>& have) {
    std::size_t n = 0;
    for (double p : config.protections)
        for (std::size_t b = 0; b < config.bers.size(); ++b)
            for (int k = 0, R = planner.repetitions(p, b); k < R; ++k)
                n += !have.count({p, config.bers[b], k});
    return n;
}

SweepRow evaluateRep(const FaultyEvalBase& ev, const BitPopulation& pop, const FlipPlanner& planner,
                     const FlipPlanner::PointPlan& plan, double ber, int rep,
                     std::vector<ParamFlip>* keepFlips) {
    const std::vector<std::uint32_t> ids = planner.flips(plan, rep);
    std::vector<ParamFlip> flips = toParamFlips(pop, ids);
    const FaultyOutcome o = ev.evaluate(flips);
    SweepRow r;
    r.protection = plan.protection;
    r.ber = ber;
    r.rep = rep;
    r.flips = ids.size();
    r.trueBer = plan.susceptible ? double(ids.size()) / double(plan.susceptible) : 0.0;
    r.loss = o.loss;
    for (const auto& [name, value] : o.metrics)
        r.metrics.push_back(value);
    r.mismatchRate = o.mismatchRate;
    if (keepFlips) *keepFlips = std::move(flips);
    return r;
}

} // namespace

Result<std::vector<SweepRow>> runSweep(const FaultyEvalBase& ev, const Ranking& ranking,
                                       const SweepConfig& config, const std::vector<SweepRow>& done,
                                       const SweepBatchSink& batchSink, const FaultSink& faults,
                                       ProgressSink& sink, std::stop_token stop) {
    if (auto st = validateSweepConfig(config); !st) return st.error();
    const BitPopulation& pop = ranking.population;
    const FlipPlanner planner(bitOrder(ranking.rows, pop.bitsPerParam), config);
    for (const std::string& w : lowBerWarnings(planner, config))
        sink.warning(w);
    std::set<Key> have;
    for (const SweepRow& r : done)
        have.emplace(r.protection, r.ber, r.rep);
    const std::size_t totalTasks = pendingTasks(planner, config, have);
    std::size_t doneTasks = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const std::int64_t points = std::int64_t(config.protections.size() * config.bers.size());
    std::int64_t point = 0;
    std::vector<SweepRow> out;
    for (double p : config.protections)
        for (std::size_t b = 0; b < config.bers.size(); ++b, ++point) {
            const double ber = config.bers[b];
            std::vector<int> pending;
            for (int k = 0, R = planner.repetitions(p, b); k < R; ++k)
                if (!have.count({p, ber, k})) pending.push_back(k);
            if (pending.empty()) continue;
            const FlipPlanner::PointPlan plan = planner.plan(p, b);
            for (std::size_t b0 = 0; b0 < pending.size(); b0 += kBatch) {
                if (stop.stop_requested()) return Error::cancelled("injection sweep cancelled");
                const std::size_t n = std::min(kBatch, pending.size() - b0);
                std::vector<SweepRow> rows(n);
                std::vector<std::vector<ParamFlip>> flips(faults ? n : 0);
                parallelChunks(n, 1, [&](std::size_t i, std::size_t, std::size_t) {
                    rows[i] = evaluateRep(ev, pop, planner, plan, ber, pending[b0 + i],
                                          faults ? &flips[i] : nullptr);
                });
                for (std::size_t i = 0; faults && i < n; ++i)
                    if (auto st = faults(rows[i], flips[i]); !st) return st.error();
                if (batchSink)
                    if (auto st = batchSink(rows); !st) return st.error();
                out.insert(out.end(), rows.begin(), rows.end());
                doneTasks += n;
                const double el =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                char buf[96];
                std::snprintf(buf, sizeof buf, "protection %g BER %g rep %zu/%zu", p, ber, b0 + n,
                              pending.size());
                sink.progress({"inject", point, points, buf + etaText(el, doneTasks, totalTasks)});
            }
        }
    sink.progress({"inject", points, points, "done"});
    return out;
}

} // namespace netsurf
