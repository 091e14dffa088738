#pragma once
// The `oracle` ranking (SPEC §3): the exact signed loss change of every single-bit flip
//   ΔL_{p,b} = L(w with bit b of w_p flipped) − L(w),   L = (1/N) Σ_s ℓ_s
// on the Exact network (quantized ReLU, saturating apply_alpha, batchnorm on moving statistics)
// over the ranking data, computed by incremental propagation from the cached clean activations
// (OracleEvaluator), plus the full re-evaluation it is tested and benchmarked against.
#include <Eigen/Core>
#include <compare>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <vector>

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/rank/bit_population.h"

namespace netsurf {

// L(w) = lossSum / N of one full Exact forward pass over X (N×inputs, normalized); 0 if N = 0.
double exactMeanLoss(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y);

// Reference ΔL of one bit by full re-evaluation: copies the model, flips bit `bit` (0 = MSB) of
// p with QuantScheme::flip, runs the Exact forward pass on all rows and returns L' − cleanLoss
// (cleanLoss = exactMeanLoss of the unflipped model).
double fullReevaluationDeltaLoss(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y,
                                 ParamRef p, int bit, double cleanLoss);

// Where the column phase of a flip ends: column `column` of the output of layer `layer` (the
// last element-wise layer after the parameter's own layer). Every flip with the same target
// feeds the rest of the network through the same single column, so they share a memo.
struct OracleTarget {
    int layer = 0;
    int column = 0;
    auto operator<=>(const OracleTarget&) const = default;
};

// One single-bit flip prepared for the sweeps (OracleEvaluator::prepare).
struct OracleFlip {
    int layer = 0;    // layer owning the parameter
    int role = 0;     // which tensor of that layer (kernel, bias, α, β, γ)
    int row = 0;      // kernel: input row i of W[i, c]
    double qNew = 0;  // stored value after the flip (QuantScheme::flip)
    double delta = 0; // δ = qNew − q
};

struct OracleScores {
    std::vector<double> deltaLoss;     // ΔL_{p,b}, index p·m + b (b = 0 is the MSB)
    std::uint64_t changedSamples = 0;  // Σ over bits of the samples whose loss input changed
    std::uint64_t rowEvaluations = 0;  // downstream single-row evaluations actually computed
    double cleanLoss = 0;
    std::size_t samples = 0;
};

class OracleEvaluator {
public:
    // Runs the clean Exact forward pass over X (N×inputs, normalized) once (parallel inside the
    // caller's arena) and caches every layer's activations, also column-major for the sweeps.
    OracleEvaluator(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y);
    ~OracleEvaluator();
    OracleEvaluator(const OracleEvaluator&) = delete;
    OracleEvaluator& operator=(const OracleEvaluator&) = delete;

    std::size_t samples() const;
    double cleanLoss() const; // L(w)
    const Model& model() const;

    // Exact ΔL of flipping bit `bit` (0 = MSB) of p by incremental propagation over all rows,
    // without memo (the per-bit cost `bench rank` compares with a full re-evaluation).
    double deltaLoss(ParamRef p, int bit) const;

    // ΔL of every bit of `pop`: parameters grouped by target; per group, slices of ≈ 1 % of the
    // population run as fixed row blocks in parallel (each block owns its rows of the group's
    // memo), block sums reduced in block order — identical for any thread count. Progress
    // (stage "oracle", parameters done / total) at most every ~1 %; `stop` is checked per block.
    Result<OracleScores> scorePopulation(const BitPopulation& pop, ProgressSink& sink,
                                         std::stop_token stop) const;

    // Building blocks of scorePopulation.
    OracleTarget target(ParamRef p) const;
    OracleFlip prepare(ParamRef p, int bit) const;
    // Levels of the memo of `t`: 2^m when its column is a qrelu output that feeds further layers
    // (the column then takes ≤ 2^m values) and N·2^m is small enough; 0 = no memo.
    std::size_t memoLevels(OracleTarget t) const;
    // Rows per block of the parallel sweep (a function of N only, at most 256).
    std::size_t blockRows() const;
    // For each of `count` flips with target t, over rows s ∈ [r0, r1):
    //   sums[i] = Σ_s (ℓ'_s − ℓ_s),  changed[i] = rows whose target column value changed.
    // memo: null, or (r1 − r0) × memoLevels(t) doubles (row-major; NaN = not computed yet)
    // caching ℓ'_s − ℓ_s per (row, level); calls running concurrently need disjoint memos.
    void blockSums(OracleTarget t, const OracleFlip* flips, std::size_t count, Eigen::Index r0,
                   Eigen::Index r1, double* memo, double* sums, std::uint32_t* changed) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace netsurf
