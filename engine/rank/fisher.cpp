// Per-sample squared-gradient passes (empirical Fisher, exact Hessian diagonal) and the
// Hutchinson estimator of the Hessian diagonal.
#include "engine/rank/fisher.h"

#include <cmath>
#include <string>
#include <vector>

#include "engine/core/rng.h"
#include "engine/model/loss.h"

namespace netsurf {

using namespace curvature_detail;

namespace {

using ConstMapRM = Eigen::Map<const MatrixRM>;
using MapRM = Eigen::Map<MatrixRM>;

bool parametric(LayerKind k) {
    return k == LayerKind::Dense || k == LayerKind::ApplyAlpha || k == LayerKind::BatchNorm;
}

// Adds Σ_s f_s² · S_s for layer l's parameters, where a parameter's per-sample gradient is
// f_s·sig_s (f a forward quantity) and S = Σ_c sig_c ⊙ sig_c over the signals:
//   dense  W[i,j]: f = a_s[i]  → ((a∘a)ᵀ·S)[i,j];  b[j]: Σ_s S_sj
//   α[c]: f = a_s[c] → Σ_s a_sc² S_sc;  β[c]: Σ_s S_sc;   BN γ[c]: f = x̂_s[c];  β[c]: Σ_s S_sc
void addSquares(const Model& m, std::size_t l, const ForwardCache& c, ConstMapRM a,
                const MatrixRM& S, Gradients& acc) {
    const Layer& L = m.layers[l];
    switch (L.kind) {
    case LayerKind::Dense:
        MapRM(acc[std::size_t(L.kernel)].data(), L.in, L.out).noalias() +=
            a.cwiseAbs2().transpose() * S;
        acc[std::size_t(L.bias)] += S.colwise().sum().transpose();
        break;
    case LayerKind::ApplyAlpha:
        acc[std::size_t(L.alpha)] += (a.array().square() * S.array()).colwise().sum().transpose().matrix();
        acc[std::size_t(L.beta)] += S.colwise().sum().transpose();
        break;
    case LayerKind::BatchNorm:
        acc[std::size_t(L.gamma)] +=
            (c.layers[l].xhat.array().square() * S.array()).colwise().sum().transpose().matrix();
        acc[std::size_t(L.beta)] += S.colwise().sum().transpose();
        break;
    case LayerKind::QRelu:
    case LayerKind::Softmax: break;
    }
}

// Propagates the per-sample signals d_c = ∂(·)/∂(output of layer `top`) of chunk k down to
// layer 0, adding Σ_s Σ_c (per-sample parameter gradient)² into acc. κ of apply_alpha layers
// = penaltyScale·reg/C (the per-sample penalty slope; 0 leaves the penalty out).
void accumulateSquares(const SurrogateCurvature& sc, std::size_t k, std::size_t top,
                       std::vector<MatrixRM> d, double penaltyScale, Gradients& acc) {
    const Model& m = sc.model();
    const ForwardCache& c = sc.cache(k);
    for (std::size_t l = top + 1; l-- > 0;) {
        const Layer& L = m.layers[l];
        if (parametric(L.kind)) {
            const double kappa =
                L.kind == LayerKind::ApplyAlpha ? penaltyKappa(m, L, penaltyScale) : 0.0;
            MatrixRM S = MatrixRM::Zero(c.acts[l + 1].rows(), c.acts[l + 1].cols());
            for (MatrixRM& dc : d) {
                dc = paramSignal(m, l, c, dc, kappa);
                S += dc.cwiseAbs2();
            }
            addSquares(m, l, c, sc.layerInput(k, l), S, acc);
        }
        if (l == 0) break;
        for (MatrixRM& dc : d) dc = inputSignal(m, l, c, dc);
    }
}

void scale(Gradients& g, double factor) {
    for (Eigen::VectorXd& t : g) t *= factor;
}

// Layer whose output the exact diagonal's head acts on, or nullopt when the model is not a
// piecewise-linear body under a softmax + CE or MSE head (see fisher.h).
std::optional<std::size_t> headInputLayer(const Model& m) {
    const std::size_t n = m.layers.size();
    const bool softmaxLast = n > 0 && m.layers[n - 1].kind == LayerKind::Softmax;
    if ((m.loss == LossKind::CrossEntropy) != softmaxLast) return std::nullopt;
    const std::size_t body = softmaxLast ? n - 1 : n;
    if (body == 0) return std::nullopt;
    for (std::size_t l = 0; l < body; ++l)
        if (m.layers[l].kind == LayerKind::Softmax) return std::nullopt;
    return body - 1;
}

// Square-root factors l_c (one N_c×C matrix each, row s = l_{s,c}) of the head Hessians H_s.
std::vector<MatrixRM> headFactors(const Model& m, const MatrixRM& out) {
    std::vector<MatrixRM> f;
    if (m.loss == LossKind::MeanSquaredError) { // H = 2 e_0 e_0ᵀ
        f.push_back(MatrixRM::Zero(out.rows(), out.cols()));
        f.back().col(0).setConstant(std::sqrt(2.0));
        return f;
    }
    for (Eigen::Index c = 0; c < out.cols(); ++c) { // l_c = √p_c (e_c − p), P = out
        MatrixRM l = -out;
        l.col(c).array() += 1.0;
        l.array().colwise() *= out.col(c).array().sqrt();
        f.push_back(std::move(l));
    }
    return f;
}

} // namespace

Gradients empiricalFisherDiagonal(const SurrogateCurvature& sc) {
    const Model& m = sc.model();
    if (sc.samples() == 0 || m.layers.empty()) return zeroGradients(m);
    Gradients f = sc.reduceChunks([&](std::size_t k, Gradients& acc) {
        MatrixRM dOut; // row s: ∂ℓ_s/∂O_s (lossSum's derivative, unscaled)
        lossSum(m.loss, sc.cache(k).output(), Eigen::VectorXd(sc.labels(k)), &dOut);
        accumulateSquares(sc, k, m.layers.size() - 1, {std::move(dOut)}, 1.0, acc);
    });
    scale(f, 1.0 / double(sc.samples()));
    return f;
}

double empiricalFisherTrace(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y) {
    const SurrogateCurvature curvature(model, X, y);
    const Gradients f = empiricalFisherDiagonal(curvature);
    double trace = 0; // in population order (tensor order, index ascending), as the profile sums
    for (std::size_t t = 0; t < model.tensors.size(); ++t) {
        const Tensor& tensor = model.tensors[t];
        if (!tensor.trainable) continue;
        for (Eigen::Index i = 0; i < tensor.size(); ++i)
            if (tensor.kept(i)) trace += f[t][i];
    }
    return trace;
}

std::optional<Gradients> exactHessianDiagonal(const SurrogateCurvature& sc) {
    const Model& m = sc.model();
    const std::optional<std::size_t> top = headInputLayer(m);
    if (!top) return std::nullopt;
    if (sc.samples() == 0) return zeroGradients(m);
    Gradients h = sc.reduceChunks([&](std::size_t k, Gradients& acc) {
        accumulateSquares(sc, k, *top, headFactors(m, sc.cache(k).output()), 0.0, acc);
    });
    scale(h, 1.0 / double(sc.samples()));
    return h;
}

namespace {
constexpr std::uint64_t kProbePurpose = std::uint64_t(RngPurpose::Ranking) + 3000;
}

Result<HutchinsonResult> hutchinsonDiagonal(const SurrogateCurvature& sc,
                                            const BitPopulation& pop,
                                            const HutchinsonOptions& o, ProgressSink& sink,
                                            std::stop_token stop) {
    const Eigen::Index n = Eigen::Index(pop.params.size());
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(n), m2 = Eigen::VectorXd::Zero(n), z(n);
    HutchinsonResult r;
    if (n == 0) return r;
    for (int k = 1; k <= o.maxProbes; ++k) {
        if (stop.stop_requested()) return Error::cancelled("ranking cancelled");
        for (Eigen::Index p = 0; p < n; ++p) // Rademacher ±1 from the key's top bit
            z[p] = hashKey(o.seed, kProbePurpose, std::uint64_t(k), std::uint64_t(p)) >> 63 ? 1.0 : -1.0;
        const Eigen::VectorXd s = z.cwiseProduct(sc.hessianVector(pop, z));
        const Eigen::VectorXd delta = s - mean; // Welford: running mean and M2
        mean += delta / double(k);
        m2 += delta.cwiseProduct(s - mean);
        r.probes = k;
        if (k < 2) continue;
        const double se = (m2 / double(k - 1) / double(k)).cwiseSqrt().mean();
        const double level = mean.cwiseAbs().mean();
        r.relStdError = se == 0 ? 0.0 : se / level;
        sink.progress({"taylor", k, o.maxProbes,
                       "Hutchinson probe " + std::to_string(k) + " rel. SE " +
                           std::to_string(r.relStdError)});
        if (k >= o.minProbes && r.relStdError <= o.relStdError) break;
    }
    r.diagonal = std::move(mean);
    return r;
}

} // namespace netsurf
