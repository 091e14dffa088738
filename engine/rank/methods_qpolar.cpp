// Scores of `qpolar` and `qpolargrad` (SPEC §3).
//
// Impact of flipping bit b of population entry p: I_{p,b} = c_p · δ_{p,b}, δ the flip delta at the
// clean stored value Q(w_p), c_p the "polarity" factor of the entry's role:
//   dense kernel W[i,j] (W: in×out):   c = mean_s a_s[i]   a: N×in, the layer's input
//   dense bias, apply_alpha β, BN β:   c = 1
//   apply_alpha α[c]:                  c = mean_s a_s[c]   a: N×channels, the layer's input
//   batchnorm γ[c]:                    c = mean_s z_s[c]   z = (a − μ_mov)/sqrt(σ²_mov + ε)
// qpolar = |I_{p,b}|; qpolargrad = |I_{p,b} · g_p|, g = meanGradient(ctx) (the surrogate's
// mean-objective gradient at the clean stored weights).
//
// Interpretation of SPEC's "a = the layer's input activations when every bit of every upstream
// weight is flipped" (decision of this implementation): a *fully faulty* forward pass. Every
// stored weight — every population entry of every trainable tensor — is replaced by its value
// with all m bits flipped, q' = scheme.flip(q, 2^m − 1) (in two's complement q' = −q − LSB when
// signed). Entries outside the population are not stored and cannot flip: pruned entries stay
// 0 (and, with population = nonzero, so do the zero-valued ones). Moving statistics are not
// trainable and stay. The faulty network is evaluated in Exact (hardware-faithful) mode over the
// ranking data ctx.X. The input of layer l depends only on layers before l, so this single pass
// gives every layer its input "under a faulty upstream"; the layer's own weights never enter
// their own factor. The first dense layer's input is the normalized data itself.
// With faultyUpstream = false the same factors are taken on the clean network (the impact the
// robustness profile's msb_impact_ratio uses, SPEC §6).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/rank/rank_context.h"

namespace netsurf {

namespace {

// Rows per forward block: fixed (thread-count independent), bounds memory and gives progress
// and cancellation points.
constexpr Eigen::Index kBlockRows = 2048;

// Per-tensor quantities aligned with Model::tensors (empty for tensors without a factor).
using TensorVectors = std::vector<Eigen::VectorXd>;

// The model with every population entry replaced by its all-bits-flipped value.
Model fullyFlipped(const Model& model, const BitPopulation& pop) {
    Model faulty = model;
    const auto all = std::uint32_t((1ULL << model.scheme.m()) - 1);
    for (const ParamRef& r : pop.params) {
        double& v = faulty.tensors[r.tensor].values[Eigen::Index(r.index)];
        v = model.scheme.flip(v, all);
    }
    return faulty;
}

// Column sums over the samples, per layer (1×in, left at 0 for layers that do not use them):
//   inputs[l] = Σ_s a_s  (input of a dense / apply_alpha layer l)
//   xhat[l]   = Σ_s z_s  (standardized input of a batchnorm layer l)
// Blocks of kBlockRows rows are added in block order.
struct ColumnSums {
    std::vector<Eigen::RowVectorXd> inputs, xhat;
};

void addBlock(const Model& model, const ForwardCache& cache, ColumnSums& sums) {
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const LayerKind kind = model.layers[l].kind;
        if (kind == LayerKind::Dense || kind == LayerKind::ApplyAlpha)
            sums.inputs[l] += cache.acts[l].colwise().sum();
        else if (kind == LayerKind::BatchNorm)
            sums.xhat[l] += cache.layers[l].xhat.colwise().sum();
    }
}

Result<ColumnSums> columnSums(const Model& model, const MatrixRM& X, const char* stage,
                              ProgressSink& sink, std::stop_token stop) {
    ColumnSums sums;
    sums.inputs.resize(model.layers.size());
    sums.xhat.resize(model.layers.size());
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        sums.inputs[l] = Eigen::RowVectorXd::Zero(model.layers[l].in);
        sums.xhat[l] = Eigen::RowVectorXd::Zero(model.layers[l].in);
    }
    const Eigen::Index n = X.rows();
    ForwardCache cache;
    for (Eigen::Index r0 = 0; r0 < n; r0 += kBlockRows) {
        if (stop.stop_requested()) return Error::cancelled("ranking cancelled");
        sink.progress({stage, r0, n, "forward pass"});
        const MatrixRM block = X.middleRows(r0, std::min(kBlockRows, n - r0));
        forward(model, block, ForwardMode::Exact, cache);
        addBlock(model, cache, sums);
    }
    return sums;
}

// Factor c per tensor entry (see the file comment) from the column sums over n samples.
TensorVectors impactFactors(const Model& model, const ColumnSums& sums, double n) {
    TensorVectors c(model.tensors.size());
    auto ones = [&](int t) {
        c[std::size_t(t)] = Eigen::VectorXd::Ones(model.tensors[std::size_t(t)].size());
    };
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& layer = model.layers[l];
        const Eigen::VectorXd meanIn = (sums.inputs[l] / n).transpose();
        switch (layer.kind) {
        case LayerKind::Dense: // W row-major in×out: entry i·out + j gets mean a[i]
            c[std::size_t(layer.kernel)] = meanIn.replicate(1, layer.out).transpose().reshaped();
            ones(layer.bias);
            break;
        case LayerKind::ApplyAlpha:
            c[std::size_t(layer.alpha)] = meanIn;
            ones(layer.beta);
            break;
        case LayerKind::BatchNorm:
            c[std::size_t(layer.gamma)] = (sums.xhat[l] / n).transpose();
            ones(layer.beta);
            break;
        case LayerKind::QRelu:
        case LayerKind::Softmax:
            break;
        }
    }
    return c;
}

MethodScores perBit(std::vector<double> values) {
    MethodScores s;
    s.kind = ScoreKind::PerBit;
    s.values = std::move(values);
    return s;
}

} // namespace

Result<std::vector<double>> qpolarImpacts(const RankContext& ctx, bool faultyUpstream,
                                          const char* stage, ProgressSink& sink,
                                          std::stop_token stop) {
    const auto& pop = ctx.population;
    if (ctx.X.rows() == 0) return Error::data("qpolar needs at least one ranking sample");
    const Model faulty = faultyUpstream ? fullyFlipped(ctx.model, pop) : ctx.model;
    auto sums = columnSums(faulty, ctx.X, stage, sink, stop);
    if (!sums) return sums.error();
    const TensorVectors c = impactFactors(ctx.model, *sums, double(ctx.X.rows()));
    std::vector<double> impact = populationDeltas(ctx.model, pop); // δ_{p,b}, then ·c_p
    const std::size_t m = std::size_t(pop.bitsPerParam);
    for (std::size_t p = 0; p < pop.params.size(); ++p) {
        const double cp = c[pop.params[p].tensor][Eigen::Index(pop.params[p].index)];
        for (std::size_t b = 0; b < m; ++b)
            impact[p * m + b] *= cp;
    }
    return impact;
}

Result<MethodScores> scoreQPolar(RankContext& ctx, ProgressSink& sink, std::stop_token stop) {
    auto impact = qpolarImpacts(ctx, true, "qpolar", sink, stop);
    if (!impact) return impact.error();
    for (double& v : *impact)
        v = std::abs(v);
    sink.progress({"qpolar", ctx.X.rows(), ctx.X.rows(), "done"});
    return perBit(std::move(*impact));
}

Result<MethodScores> scoreQPolarGrad(RankContext& ctx, ProgressSink& sink, std::stop_token stop) {
    auto impact = qpolarImpacts(ctx, true, "qpolargrad", sink, stop);
    if (!impact) return impact.error();
    if (stop.stop_requested()) return Error::cancelled("ranking cancelled");
    sink.progress({"qpolargrad", ctx.X.rows(), ctx.X.rows(), "mean gradient"});
    const Eigen::VectorXd& g = meanGradient(ctx);
    const std::size_t m = std::size_t(ctx.population.bitsPerParam);
    for (std::size_t i = 0; i < impact->size(); ++i)
        (*impact)[i] = std::abs((*impact)[i] * g[Eigen::Index(i / m)]);
    sink.progress({"qpolargrad", ctx.X.rows(), ctx.X.rows(), "done"});
    return perBit(std::move(*impact));
}

} // namespace netsurf
