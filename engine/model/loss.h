#pragma once
// Losses and metrics (SPEC §2).
#include <Eigen/Core>
#include <string>
#include <utility>
#include <vector>

#include "engine/model/model.h"

namespace netsurf {

// Sum in row order of the per-sample losses; when dOut is non-null it receives ∂(sum)/∂output.
//   cross-entropy on probabilities P (N×C), labels y: −Σ log max(P[i, y_i], 1e-15)
//   MSE on outputs O (N×1), targets y:               Σ (O_i − y_i)²
double lossSum(LossKind kind, const MatrixRM& out, const Eigen::VectorXd& y,
               MatrixRM* dOut = nullptr);

// Per-sample loss ℓ_i (no reduction), with layer_math's logarithm (the same doubles as the
// faulty evaluators' and the oracle's).
Eigen::VectorXd perSampleLoss(LossKind kind, const MatrixRM& out, const Eigen::VectorXd& y);

// lossSum / N: the mean loss every clean evaluation reports (NaN for N = 0).
double meanLoss(LossKind kind, const MatrixRM& out, const Eigen::VectorXd& y);

// Named metrics in display order: classification {accuracy}; regression {mae, r2, pearson}.
using Metrics = std::vector<std::pair<std::string, double>>;
Metrics computeMetrics(TaskKind task, const MatrixRM& out, const Eigen::VectorXd& y);
double metricValue(const Metrics& metrics, const std::string& name); // NaN if absent

// Predicted class of each row (argmax, first index on ties).
Eigen::VectorXi argmaxRows(const MatrixRM& out);

} // namespace netsurf
