#pragma once
// The arithmetic of the Exact network's non-linear parts, written once: forward() (network.cpp),
// the faulty evaluators (faulty_eval_kernels) and the oracle's per-row kernels all call these, so
// a value any of them computes from the same inputs is the same double — which is what makes
// `evaluate`, the oracle's clean loss and a sweep's clean values agree exactly.
//   apply_alpha  y = clip(fma(α, x, β), Qmin, Qmax)        (one rounding, not two)
//   batchnorm    y = fma((x − μ)·s, γ, β),  s = 1/sqrt(σ² + ε)
//   softmax      p_k = e_k / Σ_k e_k (Σ in column order), e_k = exp(z_k − max z)
//   loss         cross-entropy ℓ = −log max(p_y, 1e-15); MSE ℓ = (o − y)²
// The exponentials and logarithms run through Eigen's packet exp/log on aligned buffers padded
// to whole packets: every value takes the packet path and depends only on its own input, never
// on its position in a block (Eigen would otherwise finish a block's tail with the scalar
// std::exp/std::log, which can differ in the last bit).
#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace netsurf {

inline constexpr double kMinProbability = 1e-15; // cross-entropy clamp

inline double alphaPreActivation(double x, double alpha, double beta) {
    return std::fma(alpha, x, beta);
}
inline double applyAlphaValue(double x, double alpha, double beta, double lo, double hi) {
    return std::min(std::max(std::fma(alpha, x, beta), lo), hi);
}
inline double batchnormScale(double variance, double epsilon) {
    return 1.0 / std::sqrt(variance + epsilon);
}
inline double batchnormValue(double x, double mean, double scale, double gamma, double beta) {
    return std::fma((x - mean) * scale, gamma, beta);
}

// Entries a buffer of `count` values needs when padded to whole packets of this build.
inline Eigen::Index paddedCount(Eigen::Index count) {
    constexpr Eigen::Index packet = Eigen::internal::packet_traits<double>::size;
    return (count + packet - 1) / packet * packet;
}

// Row-wise softmax of a row-major rows×width block, in place. buf: scratch.
void softmaxRows(double* z, Eigen::Index rows, int width, Eigen::ArrayXd& buf);

// p_k of one row z (width values): the same double softmaxRows gives for column k.
double softmaxProbability(const double* z, int width, int k, Eigen::ArrayXd& buf);

// buf[0..count) holds probabilities p_y: replaces them by −log max(p_y, 1e-15). buf must have at
// least paddedCount(count) entries (the padding is overwritten).
void crossEntropyInPlace(Eigen::ArrayXd& buf, Eigen::Index count);

// −log max(p, 1e-15) of one probability, the same double crossEntropyInPlace gives.
double crossEntropyOf(double p);

} // namespace netsurf
