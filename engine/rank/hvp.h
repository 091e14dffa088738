#pragma once
// Exact curvature of the differentiable surrogate (SPEC §2) on a fixed batch X (N×inputs):
//   J(w) = (1/N) Σ_s ℓ_s(w) + Σ_{apply_alpha} reg · mean_{s,c} φ(pre_sc),
//   φ(t) = relu(t − Qmax) + relu(Qmin − t),
// evaluated on the Surrogate network (stored values, clipped ReLU, batchnorm on the moving
// statistics) — exactly the objective meanGradient() in rank_context.cpp differentiates.
//
// Hessian-vector products H·v = R_v{∇J} use Pearlmutter's R-operator: a forward R-pass
// (R{a_l} = directional derivative of every activation along v) and a backward R-pass of the
// ordinary backward pass. Every layer is piecewise linear in its input (masks of the clipped
// ReLU and of the apply_alpha saturation are fixed a.e.) and affine in each parameter, so the
// only second-order terms are the parameter·activation products (dense x·W, α·x, γ·x̂) and the
// loss head (softmax + cross-entropy, MSE); the range penalty is piecewise linear (zero second
// derivative a.e.) but its gradient κ·σ(pre) enters the α·x cross terms.
//
// Batch work runs in fixed row chunks (their size depends only on N) in parallel; per-chunk
// results are reduced in chunk order, so every result is identical for any thread count.
#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <vector>

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/model/network.h"
#include "engine/rank/bit_population.h"
#include "engine/rank/rank_context.h"

namespace netsurf {

class SurrogateCurvature {
public:
    // Runs the Surrogate forward pass once per row chunk and keeps the caches (without the
    // input copy). `model`, `X` and `y` must outlive the object.
    SurrogateCurvature(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y);

    const Model& model() const { return m_model; }
    Eigen::Index samples() const { return m_X.rows(); }
    std::size_t chunkCount() const { return m_caches.size(); }
    Eigen::Index chunkBegin(std::size_t k) const { return Eigen::Index(k * m_chunk); }
    Eigen::Index chunkRows(std::size_t k) const { return m_caches[k].output().rows(); }
    const ForwardCache& cache(std::size_t k) const { return m_caches[k]; }
    // Input of layer l for chunk k (rows of X for l = 0, else the cached activation).
    Eigen::Map<const MatrixRM> layerInput(std::size_t k, std::size_t l) const;
    Eigen::Map<const Eigen::VectorXd> labels(std::size_t k) const;

    // Runs fn(k, acc) for every chunk in parallel (acc = zeroGradients(model), one per chunk)
    // and returns Σ_k acc_k summed in chunk order.
    Gradients reduceChunks(const std::function<void(std::size_t, Gradients&)>& fn) const;

    // H·v. v per tensor, aligned with Model::tensors (zeroGradients layout: every trainable
    // tensor sized, non-trainable ones empty).
    Gradients hessianVector(const Gradients& v) const;
    // Hessian restricted to the population: P·H·Pᵀ·v, v over population entries.
    Eigen::VectorXd hessianVector(const BitPopulation& pop, const Eigen::VectorXd& v) const;

private:
    void chunkHessianVector(std::size_t k, const Gradients& v, Gradients& hv) const;

    const Model& m_model;
    const MatrixRM& m_X;
    const Eigen::VectorXd& m_y;
    std::size_t m_chunk = 0;
    std::vector<ForwardCache> m_caches;
};

// Scatters a vector over population entries into the per-tensor layout (0 elsewhere).
Gradients scatterPopulation(const Model& model, const BitPopulation& pop, const Eigen::VectorXd& v);

struct PowerIterationOptions {
    int pairs = 3;              // eigenpairs wanted (largest |λ| first)
    double relTolerance = 1e-4; // |λ_k − λ_{k−1}| ≤ tol·|λ_k|
    int maxIterations = 100;    // per pair
    std::uint64_t seed = 0;     // start vectors: keyed uniform draws of (seed, pair, entry)
};

// Top eigenpairs of P·H·Pᵀ by power iteration with deflation (Hotelling deflation plus
// re-orthogonalization against the pairs already found); λ = Rayleigh quotient vᵀHv.
Result<EigenPairs> topEigenpairs(const SurrogateCurvature& curvature, const BitPopulation& pop,
                                 const PowerIterationOptions& options, ProgressSink& sink,
                                 std::stop_token stop);

// Per-layer pieces of the backward pass shared by the HVP and the per-sample passes (fisher.h).
namespace curvature_detail {

// Signal at the parameters of layer l from dY = ∂/∂(layer output), N_c×out:
//   dense, batchnorm: dY;  apply_alpha: dPre = m ⊙ dY + κ·σ(pre), m = 1[Qmin ≤ pre ≤ Qmax],
//   σ = 1[pre > Qmax] − 1[pre < Qmin]. Other layers: dY.
MatrixRM paramSignal(const Model& model, std::size_t l, const ForwardCache& cache,
                     const MatrixRM& dY, double kappa);
// ∂/∂(layer input) from the parameter signal (or dY for qrelu / softmax):
//   dense: sig·Wᵀ; apply_alpha: sig ⊙ α; batchnorm: sig ⊙ γ ⊙ invStd;
//   qrelu: 1[0 < x < max] ⊙ dY; softmax: P ⊙ (dY − rowsum(dY ⊙ P)).
MatrixRM inputSignal(const Model& model, std::size_t l, const ForwardCache& cache,
                     const MatrixRM& sig);
// Per-sample range-penalty slope of apply_alpha layer l when the penalty is split as
// reg · mean_c φ(pre_sc) per sample (multiplied by `scale`): κ = scale · reg / channels.
double penaltyKappa(const Model& model, const Layer& layer, double scale);

} // namespace curvature_detail

} // namespace netsurf
