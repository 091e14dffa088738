// The `oracle` ranking (SPEC §3): score of (p, b) = exact signed ΔL_{p,b}, most harmful first.
// The incremental evaluator (oracle_evaluator.cpp) does the math; this file drives it over the
// population (parallel, deterministic, progress, cancellation) and holds the full re-evaluation
// reference.
#include "engine/rank/oracle.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>

#include "engine/core/parallel.h"
#include "engine/model/loss.h"
#include "engine/model/network.h"
#include "engine/rank/rank_context.h"

namespace netsurf {

namespace {

constexpr std::size_t kMaxMemoLevels = 256;
constexpr std::size_t kMaxMemoEntries = std::size_t(1) << 24; // 128 MiB of doubles

// Population entries grouped by target, targets ascending; entries ascending inside a group.
std::map<OracleTarget, std::vector<std::uint32_t>> groupByTarget(const OracleEvaluator& ev,
                                                                 const BitPopulation& pop) {
    std::map<OracleTarget, std::vector<std::uint32_t>> groups;
    for (std::size_t p = 0; p < pop.params.size(); ++p)
        groups[ev.target(pop.params[p])].push_back(std::uint32_t(p));
    return groups;
}

// Throttled progress: reports when at least ~1 % of the parameters were done since the last
// report, and at the end.
struct ProgressThrottle {
    ProgressSink& sink;
    std::int64_t total;
    std::int64_t last = -1;
    void report(std::int64_t done) {
        const std::int64_t step = std::max<std::int64_t>(1, total / 100);
        if (last >= 0 && done - last < step && done != total) return;
        last = done;
        sink.progress({"oracle", done, total, "parameter " + std::to_string(done)});
    }
};

// One slice of a group's flips (target t) swept over all rows: parallelChunks over the fixed
// row blocks, block b writes sums / changed[i·blocks + b] for flip i and fills the memo rows
// [r0, r1) (levels per row) that only it touches. False when cancelled.
bool sweepBlocks(const OracleEvaluator& ev, OracleTarget t, const std::vector<OracleFlip>& flips,
                 std::vector<double>& memo, std::size_t levels, std::vector<double>& sums,
                 std::vector<std::uint32_t>& changed, std::stop_token stop) {
    const std::size_t n = ev.samples(), rows = ev.blockRows(), count = flips.size();
    const std::size_t blocks = (n + rows - 1) / rows;
    sums.assign(count * blocks, 0.0);
    changed.assign(count * blocks, 0);
    std::atomic<bool> cancelled{false};
    parallelChunks(n, rows, [&](std::size_t b, std::size_t r0, std::size_t r1) {
        if (stop.stop_requested()) {
            cancelled.store(true);
            return;
        }
        std::vector<double> s(count);
        std::vector<std::uint32_t> c(count);
        ev.blockSums(t, flips.data(), count, Eigen::Index(r0), Eigen::Index(r1),
                     levels ? memo.data() + r0 * levels : nullptr, s.data(), c.data());
        for (std::size_t i = 0; i < count; ++i) {
            sums[i * blocks + b] = s[i];
            changed[i * blocks + b] = c[i];
        }
    });
    return !cancelled.load() && !stop.stop_requested();
}

} // namespace

double exactMeanLoss(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y) {
    if (X.rows() == 0) return 0.0;
    ForwardCache cache;
    forward(model, X, ForwardMode::Exact, cache);
    return lossSum(model.loss, cache.output(), y) / double(X.rows());
}

double fullReevaluationDeltaLoss(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y,
                                 ParamRef p, int bit, double cleanLoss) {
    Model flipped = model;
    double& w = flipped.tensors[p.tensor].values[Eigen::Index(p.index)];
    w = model.scheme.flip(w, std::uint32_t(1) << (model.scheme.m() - 1 - bit));
    return exactMeanLoss(flipped, X, y) - cleanLoss;
}

std::size_t OracleEvaluator::memoLevels(OracleTarget t) const {
    const Model& md = model();
    const auto levels = std::size_t(1) << md.scheme.m();
    const bool last = t.layer + 1 == int(md.layers.size());
    if (last || md.layers[std::size_t(t.layer)].kind != LayerKind::QRelu ||
        levels > kMaxMemoLevels || samples() * levels > kMaxMemoEntries)
        return 0;
    return levels;
}

// ≈ N/16 rounded up to a multiple of 8, within [32, 256]: enough blocks to share out, few
// enough that the per-block overhead stays small.
std::size_t OracleEvaluator::blockRows() const {
    return std::clamp<std::size_t>((samples() / 16 + 7) / 8 * 8, 32, 256);
}

// Groups one after another, each with its memo (N × levels, NaN = not computed); slices of
// ≈ 1 % of the population swept in parallel row blocks; ΔL of flip i = (Σ_b sums[i·B + b]) / N
// with the block sums added in block order.
Result<OracleScores> OracleEvaluator::scorePopulation(const BitPopulation& pop,
                                                      ProgressSink& sink,
                                                      std::stop_token stop) const {
    const std::size_t m = std::size_t(pop.bitsPerParam), n = samples();
    const std::size_t blocks = (n + blockRows() - 1) / blockRows();
    OracleScores out{std::vector<double>(pop.bits(), 0.0), 0, 0, cleanLoss(), n};
    ProgressThrottle progress{sink, std::int64_t(pop.params.size())};
    const std::size_t slice = std::max<std::size_t>(16, pop.params.size() / 100);
    std::vector<double> memo, sums;
    std::vector<std::uint32_t> changed;
    std::int64_t done = 0; // parameters of the finished groups
    progress.report(0);
    for (const auto& [target, members] : groupByTarget(*this, pop)) {
        const std::size_t levels = memoLevels(target);
        memo.assign(levels * n, std::numeric_limits<double>::quiet_NaN());
        for (std::size_t s0 = 0; s0 < members.size(); s0 += slice) {
            std::vector<OracleFlip> flips;
            for (std::size_t k = s0; k < std::min(members.size(), s0 + slice); ++k)
                for (std::size_t b = 0; b < m; ++b)
                    flips.push_back(prepare(pop.params[members[k]], int(b)));
            if (!sweepBlocks(*this, target, flips, memo, levels, sums, changed, stop))
                return Error::cancelled("ranking cancelled");
            for (std::size_t i = 0; i < flips.size(); ++i) {
                double total = 0;
                for (std::size_t b = 0; b < blocks; ++b) total += sums[i * blocks + b];
                out.deltaLoss[members[s0 + i / m] * m + i % m] = n ? total / double(n) : 0.0;
            }
            for (std::uint32_t c : changed) {
                out.changedSamples += c;
                out.rowEvaluations += levels ? 0 : c; // without memo every changed row is run
            }
            progress.report(done + std::int64_t(std::min(members.size(), s0 + slice)));
        }
        done += std::int64_t(members.size());
        for (double v : memo) out.rowEvaluations += std::isnan(v) ? 0 : 1;
    }
    return out;
}

Result<MethodScores> scoreOracle(RankContext& ctx, ProgressSink& sink, std::stop_token stop) {
    if (stop.stop_requested()) return Error::cancelled("ranking cancelled");
    sink.progress({"oracle", 0, std::int64_t(ctx.population.params.size()), "clean pass"});
    const OracleEvaluator evaluator(ctx.model, ctx.X, ctx.y);
    auto scores = evaluator.scorePopulation(ctx.population, sink, stop);
    if (!scores.ok()) return scores.error();
    MethodScores s;
    s.kind = ScoreKind::PerBit;
    s.values = std::move(scores->deltaLoss);
    const double rowBits = double(ctx.population.bits()) * double(scores->samples);
    s.diagnostics = {
        {"full_evaluations", 0.0},
        {"changed_sample_fraction", rowBits > 0 ? double(scores->changedSamples) / rowBits : 0.0},
        {"row_evaluations", double(scores->rowEvaluations)},
        {"clean_loss", scores->cleanLoss},
        {"samples", double(scores->samples)},
    };
    return s;
}

} // namespace netsurf
