#pragma once
// Evaluation of a model with a set of bit flips applied (SPEC §4), in double precision on the
// Exact (hardware-faithful) network:
//   DenseFaultyEvaluator  the reference: copies the weights, applies the flips, one full forward
//                         pass (one Eigen matrix product per dense layer);
//   FastFaultyEvaluator   caches the clean activations of the evaluation split once and applies a
//                         flip set as sparse corrections: column patches of the affected
//                         pre-activations, then recomputes only downstream of the first changed
//                         layer and only the changed rows/columns; per layer it switches to a
//                         dense recomputation by a fixed rule on the flip count (never by timing).
// Both give identical predictions and losses within 1e-9 absolute + 1e-6 relative.
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
    double loss = 0;          // mean data loss over the split
    Metrics metrics;          // computeMetrics of the faulty outputs
    double mismatchRate = 0;  // classification: fraction of samples whose argmax differs from the
                              // clean model's; regression: whose output moved by more than 1 % of
                              // the split's target range (max y − min y)
};

// The clean state both evaluators share: normalized inputs, labels, clean outputs/predictions.
class FaultyEvalBase {
public:
    // rawX: N×inputs (not normalized); y: N labels / targets.
    FaultyEvalBase(const Model& model, const MatrixRM& rawX, const Eigen::VectorXd& y);
    virtual ~FaultyEvalBase();
    const Model& model() const { return m_model; }
    std::size_t samples() const { return std::size_t(m_X.rows()); }
    const FaultyOutcome& clean() const { return m_clean; }
    // Thread-safe (const, per-call scratch): called concurrently by the sweep.
    virtual FaultyOutcome evaluate(const std::vector<ParamFlip>& flips) const = 0;
    // Multiply-adds ×2 of one dense evaluation (for GFLOP/s reports).
    double denseFlops() const;

protected:
    FaultyOutcome finish(const MatrixRM& outputs, double lossSum) const;
    const Model& m_model;
    MatrixRM m_X;          // normalized inputs
    Eigen::VectorXd m_y;
    MatrixRM m_cleanOut;   // clean outputs
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

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace netsurf
