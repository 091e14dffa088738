#pragma once
// Evaluation of a model with a set of bit flips applied (SPEC §4), in double precision on the
// Exact (hardware-faithful) network:
//   DenseFaultyEvaluator  the reference: copies the flipped tensors, applies the flips, one full
//                         forward pass (one Eigen matrix product per dense layer);
//   FastFaultyEvaluator   caches the clean activations of the evaluation split once and applies a
//                         flip set as sparse corrections: column patches of the affected
//                         pre-activations, then recomputes only downstream of the first changed
//                         layer and only the changed rows/columns; it switches to a dense
//                         recomputation by a fixed rule on the flip count (never by timing).
// Both give identical predictions and losses within 1e-9 absolute + 1e-6 relative.
//
// Semantics shared by both (and by the clean outcome), the Exact forward() of network.h written
// with explicit roundings (faulty_eval_kernels.h; the tests check it against forward()):
//   dense        Z = X·W + b                      (X: N×in, W: in×out row-major, b: 1×out)
//   apply_alpha  y = clip(fma(α_c, x, β_c), Qmin, Qmax)
//   batchnorm    y = fma((x − μ_c)·s_c, γ_c, β_c),  s_c = 1/sqrt(σ²_c + ε)  (moving statistics)
//   qrelu        y = QuantScheme::qrelu(x)
//   softmax      p_k = exp(z_k − max z) / Σ_k exp(z_k − max z)   (Eigen's packet exp)
//   per-sample loss ℓ_s as perSampleLoss() (packet log); loss = (Σ_s ℓ_s in row order) / N,
//   no range penalty; accuracy and mismatch from the argmax (first index on ties).
// Scratch: each thread keeps one reusable scratch per evaluator kind (a few N×width buffers),
// fully rewritten by every call.
// Inputs: evaluationInputs(model, rawX) (input_grid.h: normalized, rounded to a fine dyadic
// grid), so every first-layer pre-activation is an exact double and the sparse path's Z + δ·x
// equals the dense product bit for bit; later dense layers read quantized-ReLU outputs and are
// exact anyway. So for the benchmark architectures the two evaluators agree bit for bit.
// Flips: a flipped value is QuantScheme::flip(stored value, mask). Flip sets are canonicalized
// (sorted by parameter, duplicate entries merged by XOR of their masks, mask bits ≥ m dropped),
// so results do not depend on the order of the list. The evaluators do not consult pruning
// masks: callers never request a pruned entry (it is not in the bit population); if they do,
// the stored 0 is flipped like any other value (both evaluators agree). Flips of non-trainable
// tensors (batchnorm moving statistics) are applied the same way.
#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/model/loss.h"
#include "engine/model/model.h"

namespace netsurf {

// One faulty parameter: every bit set in `mask` is flipped (mask bit k ↔ bit index m−1−k, as in
// QuantScheme::flip). A flip set lists each (tensor, index) at most once.
struct ParamFlip {
    std::uint32_t tensor = 0;
    std::uint32_t index = 0;
    std::uint32_t mask = 0;
};

struct FaultyOutcome {
    double loss = 0;         // mean data loss over the split
    Metrics metrics;         // computeMetrics of the faulty outputs
    double mismatchRate = 0; // classification: fraction of samples whose argmax differs from the
                             // clean model's; regression: whose output moved by more than 1 % of
                             // the split's target range (max y − min y)
};

// The clean state both evaluators share: normalized inputs, labels, clean outputs/predictions.
class FaultyEvalBase {
public:
    // rawX: N×inputs (not normalized); y: N labels / targets. The model must outlive the
    // evaluator. Runs the clean pass on the calling thread.
    FaultyEvalBase(const Model& model, const MatrixRM& rawX, const Eigen::VectorXd& y);
    virtual ~FaultyEvalBase();
    FaultyEvalBase(const FaultyEvalBase&) = delete;
    FaultyEvalBase& operator=(const FaultyEvalBase&) = delete;

    const Model& model() const { return m_model; }
    std::size_t samples() const { return std::size_t(m_X.rows()); }
    const FaultyOutcome& clean() const { return m_clean; }
    const MatrixRM& cleanOutputs() const { return m_cleanOut; } // N×outputs
    const MatrixRM& inputs() const { return m_X; } // N×inputs, normalized, on the input grid
    // Thread-safe (const, per-call scratch held per thread): called concurrently by the sweep.
    // Single-threaded inside; the result never depends on the calling thread.
    virtual FaultyOutcome evaluate(const std::vector<ParamFlip>& flips) const = 0;
    // Multiply-adds ×2 of one dense evaluation (for GFLOP/s reports).
    double denseFlops() const;
    // e of the input grid 2^−e (0: inputs left as normalized, for very wide schemes where the
    // exact grid would be coarser than 2^−30 of the input range).
    int inputGridExponent() const { return m_inputGrid; }

protected:
    // Outcome of a faulty pass whose outputs differ from the clean ones at most in `rows`
    // (ascending); out: |rows|×outputs, row p holding the faulty output of sample rows[p].
    // Unlisted rows keep their clean per-sample loss / prediction / output; losses are summed
    // in row order.
    FaultyOutcome finishRows(const std::vector<int>& rows, const double* out) const;
    // Canonical form of a flip set (see the file comment), sorted by (layer, tensor, index);
    // flips of tensors no layer uses are dropped.
    void canonicalize(const std::vector<ParamFlip>& in, std::vector<ParamFlip>& out) const;
    // Layer using tensor t (−1 if none).
    int layerOfTensor(std::uint32_t t) const { return m_tensorLayer[t]; }

    const Model& m_model;
    MatrixRM m_X; // normalized inputs, N×inputs
    Eigen::VectorXd m_y;
    MatrixRM m_cleanOut; // clean outputs, N×outputs

private:
    void setCleanState();

    int m_inputGrid = 0;
    std::vector<int> m_tensorLayer;
    std::vector<std::uint32_t> m_tensorRank; // position of a tensor in (layer, tensor) order
    Eigen::VectorXd m_cleanLoss;             // ℓ_s of the clean model
    Eigen::VectorXi m_cleanPred;             // classification: clean argmax
    double m_moveThreshold = 0;              // regression: 1 % of (max y − min y)
    FaultyOutcome m_clean;
};

class DenseFaultyEvaluator final : public FaultyEvalBase {
public:
    using FaultyEvalBase::FaultyEvalBase;
    FaultyOutcome evaluate(const std::vector<ParamFlip>& flips) const override;
};

class FastFaultyEvaluator final : public FaultyEvalBase {
public:
    FastFaultyEvaluator(const Model& model, const MatrixRM& rawX, const Eigen::VectorXd& y);
    ~FastFaultyEvaluator() override;
    FaultyOutcome evaluate(const std::vector<ParamFlip>& flips) const override;

    // Switching rule of a flipped dense layer whose input is still clean (normally the first
    // layer), A = 1·cᵀ + S (c: each input column's most frequent value, S sparse): the cheapest
    // of three by a fixed cost model on counts only (flips, S's non-zeros, shapes):
    //   patches        Σ_flips min(kScatter·nnz(S[:,i]), kStream·N) + kStream·N per patched column
    //   sparse product Z' = 1·(cᵀW' + b') + S·W'          kRowAxpy·(nnz(S) + N)·out
    //   dense product  Z' = A·W' + b' (Eigen GEMM)        kGemm·N·in·out
    // (relative cost of one multiply-add scattered into a column, streamed from a column,
    // inside a row update, inside a GEMM; measured ratios, fixed here).
    static constexpr double kScatter = 2.0, kStream = 0.8, kRowAxpy = 0.5, kGemm = 0.125;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace netsurf
