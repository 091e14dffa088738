#pragma once
// Diagonal curvature of the surrogate objective J (hvp.h) from per-sample backward passes:
// the empirical Fisher diagonal (SPEC §3 `fisher`) and the Hessian diagonal used by `taylor`.
#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <stop_token>

#include "engine/rank/hvp.h"

namespace netsurf {

// Empirical Fisher diagonal per tensor: F_w = (1/N) Σ_s (∂ℓ̃_s/∂w)², with per-sample
// gradients of ℓ̃_s = ℓ_s + Σ_{apply_alpha} reg · mean_c φ(pre_sc) — the range penalty split
// per sample (its row's mean), so that (1/N) Σ_s ℓ̃_s = J and mean_s ∇ℓ̃_s = ∇J exactly.
// Per-sample gradients are products f_s·g_s of a forward quantity and a backward signal, so
// Σ_s (f_s g_s)² needs no per-sample storage: e.g. dense kernel ((X∘X)ᵀ·(dZ∘dZ))[i,j].
Gradients empiricalFisherDiagonal(const SurrogateCurvature& curvature);

// Trace of the empirical Fisher over the bit population `all` (every kept trainable entry):
// Σ_p F_p summed in population order — the `fisher` ranking's fisher_trace and the robustness
// profile's. X: N×inputs, normalized; runs in the caller's task arena.
double empiricalFisherTrace(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y);

// Exact diagonal of ∇²J per tensor, when the network is a piecewise-linear body (dense,
// apply_alpha, batchnorm on moving statistics, clipped ReLU) under a head of softmax +
// cross-entropy (softmax last) or MSE (no softmax). Each parameter enters the body affinely and
// the body is piecewise linear in its input, so the body output z_s is piecewise linear in any
// single parameter w (∂²z/∂w² = 0 a.e.; the range penalty likewise) and
//   H_ww = (1/N) Σ_s J_sᵀ H_s J_s,   J_s = ∂z_s/∂w,  H_s = Hessian of ℓ_s w.r.t. z_s.
// With H_s = Σ_c l_c l_cᵀ (softmax + CE: diag(p) − ppᵀ, l_c = √p_c (e_c − p); MSE: l = √2 e_0)
// this is Σ_c of squared per-sample backward passes of the signals l_c. nullopt otherwise.
std::optional<Gradients> exactHessianDiagonal(const SurrogateCurvature& curvature);

struct HutchinsonOptions {
    int maxProbes = 200;
    int minProbes = 10;          // before the stopping rule is consulted
    double relStdError = 0.01;   // stop when mean_p SE_p ≤ relStdError · mean_p |D_p|
    std::uint64_t seed = 0;      // Rademacher probes keyed by (seed, probe, entry)
};

struct HutchinsonResult {
    Eigen::VectorXd diagonal; // over population entries
    int probes = 0;
    double relStdError = 0;   // mean_p SE_p / mean_p |D_p| at the end
};

// Hutchinson estimate D = mean_k z_k ⊙ (H z_k) of the diagonal of P·H·Pᵀ, z_k Rademacher over
// the population entries; SE_p = std_k(z_k ⊙ H z_k)_p / √k.
Result<HutchinsonResult> hutchinsonDiagonal(const SurrogateCurvature& curvature,
                                            const BitPopulation& pop,
                                            const HutchinsonOptions& options, ProgressSink& sink,
                                            std::stop_token stop);

} // namespace netsurf
