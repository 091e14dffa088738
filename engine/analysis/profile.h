#pragma once
// The robustness profile of a model (SPEC §6): distributions of bit- and parameter-level
// quantities with their statistics (profile_stats.h). Computed on the training split of the
// model before training (its initial weights) and after; the report and the GUI compare the two.
//
// Distributions (population: every stored parameter, SPEC §3 "all"):
//   fisher            per parameter, mean over samples of the squared per-sample gradient
//                     (the `fisher` ranking's scores; their sum is the Fisher trace)
//   aleatoric         per sample, ‖∂ℓ_s/∂x_s‖₂: the gradient of the sample's loss (no range
//                     penalty) with respect to its normalized input, on the surrogate network
//   msb_impact_ratio  per parameter, |I_MSB| / (Σ_b |I_b| + 1e-8), I the qpolar impacts at clean
//                     activations
//   delta             every flip delta δ_{p,b}
//   qpolar, qpolargrad, weight_abs_value   the scores of those ranking methods
#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/analysis/profile_stats.h"
#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/model/model.h"

namespace netsurf {

struct ProfileDistribution {
    std::string name;
    std::vector<double> values;
    DistributionStats stats;
};

struct RobustnessProfile {
    std::vector<ProfileDistribution> distributions; // in the order listed above
    double fisherTrace = 0;
    std::size_t samples = 0; // rows the gradients were computed on
    const ProfileDistribution* find(const std::string& name) const;
};

const std::vector<std::string>& profileDistributionNames();

// X: the samples, normalized as the model sees them; y: their labels or targets. Runs in the
// caller's task arena; deterministic for any thread count; honours `stop`.
Result<RobustnessProfile> computeProfile(const Model& model, const MatrixRM& X,
                                         const Eigen::VectorXd& y, std::uint64_t seed,
                                         ProgressSink& sink, std::stop_token stop = {});

// {"samples", "fisher_trace", "distributions": {name: {"n", statistics…, "lorenz": [[x, y]…]}}}
// (values themselves are not stored: they are recomputed from the model when needed).
nlohmann::json profileJson(const RobustnessProfile& profile);
// Per distribution present in both: {"difference": {statistic: post − pre}, "cosine",
// "gini_shift", "symmetric_kl"}.
nlohmann::json profileDivergenceJson(const RobustnessProfile& pre, const RobustnessProfile& post);

} // namespace netsurf
