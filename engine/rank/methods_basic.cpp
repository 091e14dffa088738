// Scores of the simple and first-order methods: random, bitwise_msb / bitwise_lsb,
// weight_abs_value, grad, grad_norm, graddelta (SPEC §3).
#include <algorithm>
#include <cmath>

#include "engine/core/rng.h"
#include "engine/model/loss.h"
#include "engine/rank/rank_context.h"

namespace netsurf {

namespace {

MethodScores perParam(Eigen::VectorXd v, GlobalCombine combine) {
    MethodScores s;
    s.kind = ScoreKind::PerParam;
    s.combine = combine;
    s.values.assign(v.data(), v.data() + v.size());
    return s;
}

MethodScores zeroPerBit(const RankContext& ctx) {
    MethodScores s;
    s.kind = ScoreKind::PerBit;
    s.values.assign(ctx.population.bits(), 0.0);
    return s;
}

} // namespace

// A seeded uniform permutation: every bit gets an independent uniform key.
Result<MethodScores> scoreRandom(RankContext& ctx, ProgressSink&, std::stop_token) {
    MethodScores s = zeroPerBit(ctx);
    const auto& pop = ctx.population;
    const std::size_t m = std::size_t(pop.bitsPerParam);
    for (std::size_t p = 0; p < pop.params.size(); ++p)
        for (std::size_t b = 0; b < m; ++b)
            s.values[p * m + b] =
                toUnit(hashKey(ctx.seed, std::uint64_t(RngPurpose::Ranking) + 1000,
                               pop.params[p].tensor, std::uint64_t(pop.params[p].index) * 64 + b));
    return s;
}

// Bit planes MSB→LSB (or LSB→MSB); the order inside a plane is the seeded tie-break.
Result<MethodScores> scoreBitwiseMsb(RankContext& ctx, ProgressSink&, std::stop_token) {
    return zeroPerBit(ctx);
}
Result<MethodScores> scoreBitwiseLsb(RankContext& ctx, ProgressSink&, std::stop_token) {
    return zeroPerBit(ctx);
}

Result<MethodScores> scoreWeightAbsValue(RankContext& ctx, ProgressSink&, std::stop_token) {
    Eigen::VectorXd v(Eigen::Index(ctx.population.params.size()));
    for (std::size_t p = 0; p < ctx.population.params.size(); ++p)
        v[Eigen::Index(p)] = std::abs(paramValue(ctx.model, ctx.population.params[p]));
    return perParam(std::move(v), GlobalCombine::AbsDelta);
}

Result<MethodScores> scoreGrad(RankContext& ctx, ProgressSink&, std::stop_token) {
    return perParam(meanGradient(ctx).cwiseAbs(), GlobalCombine::AbsDelta);
}

// |g| min–max normalized per tensor (over the tensor's population entries; 0 when constant).
Result<MethodScores> scoreGradNorm(RankContext& ctx, ProgressSink&, std::stop_token) {
    const auto& pop = ctx.population;
    Eigen::VectorXd v = meanGradient(ctx).cwiseAbs();
    for (std::size_t b = 0; b < pop.params.size();) {
        std::size_t e = b;
        double lo = INFINITY, hi = -INFINITY;
        for (; e < pop.params.size() && pop.params[e].tensor == pop.params[b].tensor; ++e) {
            lo = std::min(lo, v[Eigen::Index(e)]);
            hi = std::max(hi, v[Eigen::Index(e)]);
        }
        for (std::size_t p = b; p < e; ++p)
            v[Eigen::Index(p)] = hi > lo ? (v[Eigen::Index(p)] - lo) / (hi - lo) : 0.0;
        b = e;
    }
    return perParam(std::move(v), GlobalCombine::AbsDelta);
}

// For each bit b: the mean-loss gradient of the surrogate evaluated at the model whose every
// trainable entry is replaced by its bit-b flip delta δ(Q(w), b) (pruned entries stay 0).
Result<MethodScores> scoreGradDelta(RankContext& ctx, ProgressSink& sink, std::stop_token stop) {
    const auto& pop = ctx.population;
    const int m = pop.bitsPerParam;
    MethodScores s = zeroPerBit(ctx);
    for (int b = 0; b < m; ++b) {
        if (stop.stop_requested()) return Error::cancelled("ranking cancelled");
        sink.progress({"graddelta", b, m, "bit " + std::to_string(b)});
        Model planeModel = ctx.model;
        for (Tensor& t : planeModel.tensors) {
            if (!t.trainable) continue;
            for (Eigen::Index i = 0; i < t.size(); ++i)
                t.values[i] = t.kept(i) ? ctx.model.scheme.delta(t.values[i], b) : 0.0;
        }
        RankContext planeCtx{planeModel, pop, ctx.X, ctx.y, ctx.seed, {}, {}};
        const Eigen::VectorXd g = meanGradient(planeCtx);
        for (std::size_t p = 0; p < pop.params.size(); ++p)
            s.values[p * std::size_t(m) + std::size_t(b)] = std::abs(g[Eigen::Index(p)]);
    }
    sink.progress({"graddelta", m, m, "done"});
    return s;
}

} // namespace netsurf
