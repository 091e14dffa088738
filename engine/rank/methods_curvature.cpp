// Scores of the curvature-based methods (SPEC §3): fisher, hessian, hessiandelta, taylor.
// All on the Surrogate network at the stored values over the ranking data (hvp.h, fisher.h).
#include <cmath>
#include <string>

#include "engine/rank/fisher.h"
#include "engine/rank/hvp.h"
#include "engine/rank/rank_context.h"

namespace netsurf {

namespace {

Status checkInputs(const RankContext& ctx, std::stop_token stop) {
    if (stop.stop_requested()) return Error::cancelled("ranking cancelled");
    if (ctx.X.rows() == 0 || ctx.X.rows() != ctx.y.size())
        return Error::data("ranking data is empty or its labels do not match its rows");
    return {};
}

// Computes the top-3 eigenpairs once per context (shared by hessian and hessiandelta).
Status ensureEigenpairs(RankContext& ctx, ProgressSink& sink, std::stop_token stop) {
    if (ctx.eigen) return {};
    const SurrogateCurvature curvature(ctx.model, ctx.X, ctx.y);
    PowerIterationOptions options; // 3 pairs, relative tolerance 1e-4, ≤ 100 iterations
    options.seed = ctx.seed;
    Result<EigenPairs> pairs = topEigenpairs(curvature, ctx.population, options, sink, stop);
    if (!pairs) return pairs.error();
    ctx.eigen = std::move(*pairs);
    return {};
}

// lambda_i, iterations_i, converged_i (1/0) for every pair i = 1, 2, 3.
void eigenDiagnostics(const EigenPairs& e, MethodScores& s) {
    for (std::size_t i = 0; i < e.values.size(); ++i) {
        const std::string k = std::to_string(i + 1);
        s.diagnostics.emplace_back("lambda_" + k, e.values[i]);
        s.diagnostics.emplace_back("iterations_" + k, double(e.iterations[i]));
        s.diagnostics.emplace_back("converged_" + k, e.converged[i] ? 1.0 : 0.0);
    }
}

// c_p = Σ_i |λ_i v_i[p]|: hessian = c_p·|w_p|, hessiandelta = c_p·|δ_{p,b}|.
Eigen::VectorXd eigenWeight(const EigenPairs& e, Eigen::Index entries) {
    Eigen::VectorXd c = Eigen::VectorXd::Zero(entries);
    for (std::size_t i = 0; i < e.values.size(); ++i)
        c += (e.values[i] * e.vectors[i]).cwiseAbs();
    return c;
}

// H_pp over the population: the exact diagonal when the architecture allows it (fisher.h),
// otherwise Hutchinson (≤ 200 Rademacher probes, stop at 1 % relative standard error).
Result<Eigen::VectorXd> hessianDiagonal(RankContext& ctx, ProgressSink& sink,
                                        std::stop_token stop, MethodScores& s) {
    const SurrogateCurvature curvature(ctx.model, ctx.X, ctx.y);
    if (const std::optional<Gradients> exact = exactHessianDiagonal(curvature)) {
        s.diagnostics = {{"hessian_diagonal_exact", 1.0}, {"hutchinson_probes", 0.0},
                         {"hutchinson_rel_stderr", 0.0}};
        return gatherPopulation(ctx.population, *exact);
    }
    HutchinsonOptions options;
    options.seed = ctx.seed;
    Result<HutchinsonResult> h = hutchinsonDiagonal(curvature, ctx.population, options, sink, stop);
    if (!h) return h.error();
    s.diagnostics = {{"hessian_diagonal_exact", 0.0}, {"hutchinson_probes", double(h->probes)},
                     {"hutchinson_rel_stderr", h->relStdError}};
    return std::move(h->diagonal);
}

} // namespace

// F_p = mean_s (∂ℓ̃_s/∂w_p)², per-sample gradients (penalty split per sample, fisher.h).
Result<MethodScores> scoreFisher(RankContext& ctx, ProgressSink& sink, std::stop_token stop) {
    if (const Status s = checkInputs(ctx, stop); !s) return s.error();
    sink.progress({"fisher", 0, 1, "per-sample gradients"});
    const SurrogateCurvature curvature(ctx.model, ctx.X, ctx.y);
    const Eigen::VectorXd f = gatherPopulation(ctx.population, empiricalFisherDiagonal(curvature));
    sink.progress({"fisher", 1, 1, "done"});
    MethodScores s;
    s.kind = ScoreKind::PerParam;
    s.combine = GlobalCombine::DeltaSquared;
    s.values.assign(f.data(), f.data() + f.size());
    s.diagnostics = {{"fisher_trace", f.sum()}};
    return s;
}

// Σ_i |λ_i v_i[p] w_p| over the top-3 eigenpairs (largest |λ|) of the restricted Hessian.
Result<MethodScores> scoreHessian(RankContext& ctx, ProgressSink& sink, std::stop_token stop) {
    if (const Status s = checkInputs(ctx, stop); !s) return s.error();
    if (const Status s = ensureEigenpairs(ctx, sink, stop); !s) return s.error();
    const auto& pop = ctx.population;
    const Eigen::VectorXd c = eigenWeight(*ctx.eigen, Eigen::Index(pop.params.size()));
    MethodScores s;
    s.kind = ScoreKind::PerParam;
    s.combine = GlobalCombine::AbsDelta;
    s.values.resize(pop.params.size());
    for (std::size_t p = 0; p < pop.params.size(); ++p)
        s.values[p] = c[Eigen::Index(p)] * std::abs(paramValue(ctx.model, pop.params[p]));
    eigenDiagnostics(*ctx.eigen, s);
    return s;
}

// Σ_i |λ_i v_i[p] δ_{p,b}| with the same eigenpairs.
Result<MethodScores> scoreHessianDelta(RankContext& ctx, ProgressSink& sink,
                                       std::stop_token stop) {
    if (const Status s = checkInputs(ctx, stop); !s) return s.error();
    if (const Status s = ensureEigenpairs(ctx, sink, stop); !s) return s.error();
    const auto& pop = ctx.population;
    const Eigen::VectorXd c = eigenWeight(*ctx.eigen, Eigen::Index(pop.params.size()));
    const std::size_t m = std::size_t(pop.bitsPerParam);
    MethodScores s;
    s.kind = ScoreKind::PerBit;
    s.values = populationDeltas(ctx.model, pop);
    for (std::size_t i = 0; i < s.values.size(); ++i)
        s.values[i] = c[Eigen::Index(i / m)] * std::abs(s.values[i]);
    eigenDiagnostics(*ctx.eigen, s);
    return s;
}

// |g_p δ + ½ H_pp δ²|: second-order Taylor estimate of the loss change of flipping bit b.
Result<MethodScores> scoreTaylor(RankContext& ctx, ProgressSink& sink, std::stop_token stop) {
    if (const Status s = checkInputs(ctx, stop); !s) return s.error();
    MethodScores s;
    s.kind = ScoreKind::PerBit;
    Result<Eigen::VectorXd> h = hessianDiagonal(ctx, sink, stop, s);
    if (!h) return h.error();
    const Eigen::VectorXd& g = meanGradient(ctx);
    const std::size_t m = std::size_t(ctx.population.bitsPerParam);
    s.values = populationDeltas(ctx.model, ctx.population);
    for (std::size_t i = 0; i < s.values.size(); ++i) {
        const double d = s.values[i];
        const auto p = Eigen::Index(i / m);
        s.values[i] = std::abs(g[p] * d + 0.5 * (*h)[p] * d * d);
    }
    sink.progress({"taylor", 1, 1, "done"});
    return s;
}

} // namespace netsurf
