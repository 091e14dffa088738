#include "engine/rank/rank_context.h"

#include "engine/model/loss.h"

namespace netsurf {

Eigen::VectorXd gatherPopulation(const BitPopulation& pop, const Gradients& perTensor) {
    Eigen::VectorXd out(Eigen::Index(pop.params.size()));
    for (std::size_t p = 0; p < pop.params.size(); ++p)
        out[Eigen::Index(p)] = perTensor[pop.params[p].tensor][Eigen::Index(pop.params[p].index)];
    return out;
}

std::vector<double> populationDeltas(const Model& model, const BitPopulation& pop) {
    const int m = pop.bitsPerParam;
    std::vector<double> d(pop.bits());
    for (std::size_t p = 0; p < pop.params.size(); ++p) {
        const double v = paramValue(model, pop.params[p]);
        for (int b = 0; b < m; ++b) d[p * std::size_t(m) + std::size_t(b)] = model.scheme.delta(v, b);
    }
    return d;
}

const Eigen::VectorXd& meanGradient(RankContext& ctx) {
    if (!ctx.meanGradient) {
        // objective = (1/N) Σ_s ℓ_s + penalty; the penalty is already a mean over the batch.
        ForwardCache cache;
        forward(ctx.model, ctx.X, ForwardMode::Surrogate, cache);
        MatrixRM dOut;
        lossSum(ctx.model.loss, cache.output(), ctx.y, &dOut);
        dOut /= double(ctx.X.rows());
        Gradients g = zeroGradients(ctx.model);
        backward(ctx.model, cache, dOut, 1.0, g);
        ctx.meanGradient = gatherPopulation(ctx.population, g);
    }
    return *ctx.meanGradient;
}

} // namespace netsurf
