// Exact Hessian-vector products of the surrogate objective (Pearlmutter's R-operator) and the
// power iteration on them. Notation per layer: a = input (N_c×in), y = output, d = ∂J/∂y,
// R{·} = directional derivative along the parameter direction v (V_W, V_b, V_α, … per tensor).
#include "engine/rank/hvp.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/model/loss.h"

namespace netsurf {

namespace {

using ConstMapRM = Eigen::Map<const MatrixRM>;
using MapRM = Eigen::Map<MatrixRM>;
using ConstMapRow = Eigen::Map<const Eigen::RowVectorXd>;

constexpr double kMinProb = 1e-15; // cross-entropy clamp of loss.cpp

ConstMapRow rowOf(const Eigen::VectorXd& v) { return ConstMapRow(v.data(), v.size()); }
ConstMapRow paramRow(const Model& m, int t) { return rowOf(m.tensors[std::size_t(t)].values); }
// A kernel (model value or direction) as its in×out matrix.
ConstMapRM kernelOf(const Eigen::VectorXd& v, const Layer& l) {
    return ConstMapRM(v.data(), l.in, l.out);
}

// Fixed row-chunk size: depends only on N (at least 256 rows, at most ~32 chunks).
std::size_t chunkSize(Eigen::Index n) {
    return std::max<std::size_t>(256, (std::size_t(std::max<Eigen::Index>(n, 1)) + 31) / 32);
}

// Mask of the clipped ReLU from its output y = clip(x, 0, max): 1[0 < x < max] = 1[0 < y < max].
MatrixRM qreluMask(const Model& m, const MatrixRM& y) {
    return (y.array() > 0.0 && y.array() < m.scheme.qreluMax()).cast<double>();
}

// Forward R-pass of layer l: R{y} from R{a} (an empty matrix stands for 0).
MatrixRM rLayerForward(const Model& m, std::size_t l, const ForwardCache& c, ConstMapRM a,
                       const MatrixRM& ra, const Gradients& v) {
    const Layer& L = m.layers[l];
    switch (L.kind) {
    case LayerKind::Dense: { // R{z} = R{a}·W + a·V_W + V_b
        MatrixRM rz = a * kernelOf(v[std::size_t(L.kernel)], L);
        if (ra.size()) rz.noalias() += ra * kernelOf(m.tensors[std::size_t(L.kernel)].values, L);
        rz.rowwise() += rowOf(v[std::size_t(L.bias)]);
        return rz;
    }
    case LayerKind::ApplyAlpha: { // R{pre} = a ⊙ V_α + V_β + R{a} ⊙ α;  R{y} = m ⊙ R{pre}
        MatrixRM rp = (a.array().rowwise() * rowOf(v[std::size_t(L.alpha)]).array()).rowwise() +
                      rowOf(v[std::size_t(L.beta)]).array();
        if (ra.size()) rp.array() += ra.array().rowwise() * paramRow(m, L.alpha).array();
        const auto pre = c.layers[l].pre.array();
        const double lo = m.scheme.minValue(), hi = m.scheme.maxValue();
        return (pre >= lo && pre <= hi).cast<double>() * rp.array();
    }
    case LayerKind::BatchNorm: { // R{y} = x̂ ⊙ V_γ + V_β + R{a} ⊙ γ ⊙ invStd
        const LayerCache& lc = c.layers[l];
        MatrixRM ry = (lc.xhat.array().rowwise() * rowOf(v[std::size_t(L.gamma)]).array())
                          .rowwise() + rowOf(v[std::size_t(L.beta)]).array();
        if (ra.size())
            ry.array() += ra.array().rowwise() *
                          (paramRow(m, L.gamma).array() * lc.invStd.array());
        return ry;
    }
    case LayerKind::QRelu: // R{y} = mask ⊙ R{a}
        if (!ra.size()) return {};
        return qreluMask(m, c.acts[l + 1]).array() * ra.array();
    case LayerKind::Softmax: { // R{P} = P ⊙ (R{a} − rowsum(P ⊙ R{a}))
        if (!ra.size()) return {};
        const MatrixRM& P = c.acts[l + 1];
        const Eigen::VectorXd s = (P.array() * ra.array()).rowwise().sum();
        return P.array() * (ra.colwise() - s).array();
    }
    }
    return {};
}

// Loss head: d = ∂J/∂O = lossSum's ∂ℓ/∂O / N and R{d}:
//   MSE ℓ = (O₀ − y)²          → R{d}₀ = 2·R{O₀}/N
//   CE  ℓ = −log max(O_y, 1e-15) → ∂ℓ/∂O_y = −1/O_y, R{d}_y = R{O_y}/O_y²/N (0 where clamped).
void lossHead(const Model& m, const MatrixRM& O, const MatrixRM& rO, const Eigen::VectorXd& y,
              double n, MatrixRM& d, MatrixRM& rd) {
    lossSum(m.loss, O, y, &d);
    d /= n;
    rd.setZero(O.rows(), O.cols());
    if (!rO.size()) return;
    if (m.loss == LossKind::MeanSquaredError) {
        rd.col(0) = (2.0 / n) * rO.col(0);
        return;
    }
    for (Eigen::Index i = 0; i < O.rows(); ++i) {
        const auto c = Eigen::Index(y[i]);
        const double p = O(i, c);
        if (p >= kMinProb) rd(i, c) = rO(i, c) / (p * p) / n;
    }
}

// R{∂J/∂θ} of layer l's parameters from sig = ∂J/∂(pre-activation) and rsig = R{sig}:
//   dense  dW = aᵀ·sig        → R{dW} = aᵀ·rsig + R{a}ᵀ·sig,  R{db} = Σ_rows rsig
//   α      dα = Σ sig ⊙ a     → R{dα} = Σ (rsig ⊙ a + sig ⊙ R{a}), R{dβ} = Σ rsig
//   BN     dγ = Σ sig ⊙ x̂     → R{dγ} = Σ (rsig ⊙ x̂ + sig ⊙ R{a} ⊙ invStd), R{dβ} = Σ rsig
void addParamCurvature(const Model& m, std::size_t l, const ForwardCache& c, ConstMapRM a,
                       const MatrixRM& ra, const MatrixRM& sig, const MatrixRM& rsig,
                       Gradients& hv) {
    const Layer& L = m.layers[l];
    switch (L.kind) {
    case LayerKind::Dense: {
        MapRM hW(hv[std::size_t(L.kernel)].data(), L.in, L.out);
        hW.noalias() += a.transpose() * rsig;
        if (ra.size()) hW.noalias() += ra.transpose() * sig;
        hv[std::size_t(L.bias)] += rsig.colwise().sum().transpose();
        break;
    }
    case LayerKind::ApplyAlpha: {
        MatrixRM t = rsig.array() * a.array();
        if (ra.size()) t.array() += sig.array() * ra.array();
        hv[std::size_t(L.alpha)] += t.colwise().sum().transpose();
        hv[std::size_t(L.beta)] += rsig.colwise().sum().transpose();
        break;
    }
    case LayerKind::BatchNorm: {
        const LayerCache& lc = c.layers[l];
        MatrixRM t = rsig.array() * lc.xhat.array();
        if (ra.size()) t.array() += (sig.array() * ra.array()).rowwise() * lc.invStd.array();
        hv[std::size_t(L.gamma)] += t.colwise().sum().transpose();
        hv[std::size_t(L.beta)] += rsig.colwise().sum().transpose();
        break;
    }
    case LayerKind::QRelu:
    case LayerKind::Softmax: break;
    }
}

// The part of R{∂J/∂a} that inputSignal(rsig) misses: the derivative of the input signal's
// own coefficients along v.
//   dense: sig·V_Wᵀ;  α: sig ⊙ V_α;  BN: sig ⊙ V_γ ⊙ invStd;
//   softmax: R{P} ⊙ (d − rowsum(d ⊙ P)) − P ⊙ rowsum(d ⊙ R{P})  (ry = R{P}).
void addCrossTerm(const Model& m, std::size_t l, const ForwardCache& c, const MatrixRM& ry,
                  const Gradients& v, const MatrixRM& sig, MatrixRM& rdIn) {
    const Layer& L = m.layers[l];
    switch (L.kind) {
    case LayerKind::Dense:
        rdIn.noalias() += sig * kernelOf(v[std::size_t(L.kernel)], L).transpose();
        break;
    case LayerKind::ApplyAlpha:
        rdIn.array() += sig.array().rowwise() * rowOf(v[std::size_t(L.alpha)]).array();
        break;
    case LayerKind::BatchNorm:
        rdIn.array() += sig.array().rowwise() *
                        (rowOf(v[std::size_t(L.gamma)]).array() * c.layers[l].invStd.array());
        break;
    case LayerKind::QRelu: break;
    case LayerKind::Softmax: {
        if (!ry.size()) break;
        const MatrixRM& P = c.acts[l + 1];
        const Eigen::VectorXd s = (sig.array() * P.array()).rowwise().sum();
        const Eigen::VectorXd rs = (sig.array() * ry.array()).rowwise().sum();
        rdIn.array() += ry.array() * (sig.colwise() - s).array() - P.array().colwise() * rs.array();
        break;
    }
    }
}

} // namespace

namespace curvature_detail {

MatrixRM paramSignal(const Model& model, std::size_t l, const ForwardCache& cache,
                     const MatrixRM& dY, double kappa) {
    if (model.layers[l].kind != LayerKind::ApplyAlpha) return dY;
    const double lo = model.scheme.minValue(), hi = model.scheme.maxValue();
    const auto pre = cache.layers[l].pre.array();
    MatrixRM s = (pre >= lo && pre <= hi).cast<double>() * dY.array();
    if (kappa != 0) s.array() += kappa * ((pre > hi).cast<double>() - (pre < lo).cast<double>());
    return s;
}

MatrixRM inputSignal(const Model& model, std::size_t l, const ForwardCache& cache,
                     const MatrixRM& sig) {
    const Layer& L = model.layers[l];
    switch (L.kind) {
    case LayerKind::Dense:
        return sig * kernelOf(model.tensors[std::size_t(L.kernel)].values, L).transpose();
    case LayerKind::ApplyAlpha: return sig.array().rowwise() * paramRow(model, L.alpha).array();
    case LayerKind::BatchNorm:
        return sig.array().rowwise() *
               (paramRow(model, L.gamma).array() * cache.layers[l].invStd.array());
    case LayerKind::QRelu: return qreluMask(model, cache.acts[l + 1]).array() * sig.array();
    case LayerKind::Softmax: {
        const MatrixRM& P = cache.acts[l + 1];
        const Eigen::VectorXd s = (sig.array() * P.array()).rowwise().sum();
        return P.array() * (sig.colwise() - s).array();
    }
    }
    return sig;
}

double penaltyKappa(const Model& model, const Layer& layer, double scale) {
    const auto channels = model.tensors[std::size_t(layer.alpha)].size();
    return channels ? scale * layer.reg / double(channels) : 0.0;
}

} // namespace curvature_detail

using namespace curvature_detail;

SurrogateCurvature::SurrogateCurvature(const Model& model, const MatrixRM& X,
                                       const Eigen::VectorXd& y)
    : m_model(model), m_X(X), m_y(y), m_chunk(chunkSize(X.rows())) {
    const std::size_t n = std::size_t(X.rows());
    m_caches.resize((n + m_chunk - 1) / m_chunk);
    parallelChunks(n, m_chunk, [&](std::size_t k, std::size_t r0, std::size_t r1) {
        const MatrixRM rows = X.middleRows(Eigen::Index(r0), Eigen::Index(r1 - r0));
        forward(model, rows, ForwardMode::Surrogate, m_caches[k], Execution::Reference);
        m_caches[k].acts[0] = MatrixRM(); // the input stays in X
    });
}

Eigen::Map<const MatrixRM> SurrogateCurvature::layerInput(std::size_t k, std::size_t l) const {
    if (l == 0) return {m_X.data() + chunkBegin(k) * m_X.cols(), chunkRows(k), m_X.cols()};
    const MatrixRM& a = m_caches[k].acts[l];
    return {a.data(), a.rows(), a.cols()};
}

Eigen::Map<const Eigen::VectorXd> SurrogateCurvature::labels(std::size_t k) const {
    return {m_y.data() + chunkBegin(k), chunkRows(k)};
}

Gradients SurrogateCurvature::reduceChunks(
    const std::function<void(std::size_t, Gradients&)>& fn) const {
    std::vector<Gradients> partial(m_caches.size());
    parallelChunks(m_caches.size(), 1, [&](std::size_t k, std::size_t, std::size_t) {
        partial[k] = zeroGradients(m_model);
        fn(k, partial[k]);
    });
    Gradients total = zeroGradients(m_model);
    for (const Gradients& p : partial) // chunk order: identical for any thread count
        for (std::size_t t = 0; t < total.size(); ++t)
            if (total[t].size()) total[t] += p[t];
    return total;
}

// One chunk of H·v: forward R-pass (ra[l] = R{input of layer l}, ra[0] = R{X} = 0), then the
// backward pass and its R-pass together, carrying (d, R{d}) from the loss head down to layer 0.
// The range penalty's slope at apply_alpha is κ = reg/(N·C) per entry (a mean over N·C).
void SurrogateCurvature::chunkHessianVector(std::size_t k, const Gradients& v,
                                            Gradients& hv) const {
    const ForwardCache& c = m_caches[k];
    const std::size_t layers = m_model.layers.size();
    std::vector<MatrixRM> ra(layers + 1);
    for (std::size_t l = 0; l < layers; ++l)
        ra[l + 1] = rLayerForward(m_model, l, c, layerInput(k, l), ra[l], v);
    MatrixRM d, rd;
    lossHead(m_model, c.output(), ra[layers], Eigen::VectorXd(labels(k)), double(samples()), d,
             rd);
    for (std::size_t l = layers; l-- > 0;) {
        const Layer& L = m_model.layers[l];
        const double kappa =
            L.kind == LayerKind::ApplyAlpha ? penaltyKappa(m_model, L, 1.0 / double(samples())) : 0.0;
        const MatrixRM sig = paramSignal(m_model, l, c, d, kappa);
        const MatrixRM rsig = paramSignal(m_model, l, c, rd, 0.0); // κ·σ is constant a.e.
        addParamCurvature(m_model, l, c, layerInput(k, l), ra[l], sig, rsig, hv);
        if (l == 0) break;
        MatrixRM rdIn = inputSignal(m_model, l, c, rsig);
        addCrossTerm(m_model, l, c, ra[l + 1], v, sig, rdIn);
        d = inputSignal(m_model, l, c, sig);
        rd = std::move(rdIn);
    }
}

Gradients SurrogateCurvature::hessianVector(const Gradients& v) const {
    return reduceChunks([&](std::size_t k, Gradients& hv) { chunkHessianVector(k, v, hv); });
}

Eigen::VectorXd SurrogateCurvature::hessianVector(const BitPopulation& pop,
                                                  const Eigen::VectorXd& v) const {
    return gatherPopulation(pop, hessianVector(scatterPopulation(m_model, pop, v)));
}

Gradients scatterPopulation(const Model& model, const BitPopulation& pop,
                            const Eigen::VectorXd& v) {
    Gradients g = zeroGradients(model);
    for (std::size_t p = 0; p < pop.params.size(); ++p)
        g[pop.params[p].tensor][Eigen::Index(pop.params[p].index)] = v[Eigen::Index(p)];
    return g;
}

namespace {

// Key of the power iteration's start vectors (distinct from the other ranking draws).
constexpr std::uint64_t kStartVectorPurpose = std::uint64_t(RngPurpose::Ranking) + 2000;

// v ← (I − Σ_j v_j v_jᵀ) v: deflation by projection onto the complement of the pairs found.
void deflate(const EigenPairs& found, Eigen::VectorXd& v) {
    for (const Eigen::VectorXd& u : found.vectors) v -= u.dot(v) * u;
}

// Power iteration for pair i on the deflated operator: v ← Hv/‖Hv‖, λ = vᵀHv (‖v‖ = 1),
// converged when |λ_k − λ_{k−1}| ≤ tol·|λ_k|. Appends the pair to `found`.
Status powerIterate(const SurrogateCurvature& sc, const BitPopulation& pop,
                    const PowerIterationOptions& o, int i, EigenPairs& found, ProgressSink& sink,
                    std::stop_token stop) {
    Eigen::VectorXd v(Eigen::Index(pop.params.size()));
    for (Eigen::Index p = 0; p < v.size(); ++p)
        v[p] = toUnit(hashKey(o.seed, kStartVectorPurpose, std::uint64_t(i), std::uint64_t(p))) - 0.5;
    deflate(found, v);
    v.normalize();
    double lambda = 0, previous = 0;
    int it = 0;
    bool converged = false;
    while (!converged && it < o.maxIterations) {
        if (stop.stop_requested()) return Error::cancelled("ranking cancelled");
        ++it;
        Eigen::VectorXd w = sc.hessianVector(pop, v);
        deflate(found, w);
        lambda = v.dot(w);
        const double norm = w.norm();
        converged = norm == 0 ||
                    (it > 1 && std::abs(lambda - previous) <= o.relTolerance * std::abs(lambda));
        if (norm > 0) v = w / norm;
        previous = lambda;
        sink.progress({"hessian", std::int64_t(i) * o.maxIterations + it,
                       std::int64_t(o.pairs) * o.maxIterations,
                       "eigenpair " + std::to_string(i + 1) + " iteration " + std::to_string(it) +
                           " lambda " + std::to_string(lambda)});
    }
    found.values.push_back(lambda);
    found.vectors.push_back(std::move(v));
    found.iterations.push_back(it);
    found.converged.push_back(converged);
    return {};
}

} // namespace

Result<EigenPairs> topEigenpairs(const SurrogateCurvature& curvature, const BitPopulation& pop,
                                 const PowerIterationOptions& options, ProgressSink& sink,
                                 std::stop_token stop) {
    EigenPairs found;
    const int pairs = int(std::min<std::size_t>(std::size_t(std::max(options.pairs, 0)),
                                                pop.params.size()));
    for (int i = 0; i < pairs; ++i) {
        const Status s = powerIterate(curvature, pop, options, i, found, sink, stop);
        if (!s) return s.error();
    }
    // Largest |λ| first (power iteration finds them in that order unless a pair stalled).
    std::vector<std::size_t> order(found.values.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::abs(found.values[a]) > std::abs(found.values[b]);
    });
    EigenPairs sorted;
    for (std::size_t i : order) {
        sorted.values.push_back(found.values[i]);
        sorted.vectors.push_back(std::move(found.vectors[i]));
        sorted.iterations.push_back(found.iterations[i]);
        sorted.converged.push_back(found.converged[i]);
    }
    return sorted;
}

} // namespace netsurf
