#pragma once
// Shared inputs and shared intermediate results of the ranking methods of one model: several
// methods ranked in one call reuse the mean gradient, the Hessian eigenpairs, …
#include <Eigen/Core>
#include <optional>
#include <stop_token>
#include <vector>

#include "engine/core/progress.h"
#include "engine/model/network.h"
#include "engine/rank/bit_population.h"
#include "engine/rank/rank_method.h"

namespace netsurf {

// Top eigenpairs of the surrogate Hessian restricted to the population's parameters.
struct EigenPairs {
    std::vector<double> values;               // λ_i, largest |λ| first
    std::vector<Eigen::VectorXd> vectors;     // v_i over population entries (unit norm)
    std::vector<int> iterations;              // power iterations used for pair i
    std::vector<bool> converged;              // relative tolerance reached
};

struct RankContext {
    const Model& model;
    const BitPopulation& population;
    const MatrixRM& X;        // ranking data, normalized (N×inputs)
    const Eigen::VectorXd& y; // labels / targets (N)
    std::uint64_t seed = 0;

    // Computed on first use by the methods that need them, then shared.
    std::optional<Eigen::VectorXd> meanGradient; // over population entries: ∂(mean loss + penalty)/∂w
    std::optional<EigenPairs> eigen;
};

// g over the population: ∂(mean loss + range penalty)/∂w on the Surrogate network over the
// ranking data (computed once, cached in ctx.meanGradient).
const Eigen::VectorXd& meanGradient(RankContext& ctx);

// Gathers a per-tensor quantity (aligned with Model::tensors) into population order.
Eigen::VectorXd gatherPopulation(const BitPopulation& pop, const Gradients& perTensor);

// Flip delta δ_{p,b} of every population bit (index p·m + b) at the stored values.
std::vector<double> populationDeltas(const Model& model, const BitPopulation& pop);

// Signed qpolar impacts I_{p,b} (index p·m + b) over the population, with every upstream
// weight fully flipped (`faultyUpstream`, the qpolar method) or at the clean activations (for
// the robustness profile's MSB impact ratio). Deterministic for any thread count; honours stop.
Result<std::vector<double>> qpolarImpacts(const RankContext& ctx, bool faultyUpstream,
                                          const char* stage, ProgressSink& sink,
                                          std::stop_token stop);

// The score function of each method. All run inside the caller's task arena, are deterministic
// for any thread count, report progress and honour `stop` (returning Error::cancelled).
using ScoreFunction = Result<MethodScores> (*)(RankContext&, ProgressSink&, std::stop_token);

Result<MethodScores> scoreRandom(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreBitwiseMsb(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreBitwiseLsb(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreWeightAbsValue(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreGrad(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreGradNorm(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreGradDelta(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreFisher(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreHessian(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreHessianDelta(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreQPolar(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreQPolarGrad(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreTaylor(RankContext&, ProgressSink&, std::stop_token);
Result<MethodScores> scoreOracle(RankContext&, ProgressSink&, std::stop_token);

ScoreFunction scoreFunction(RankMethod method);

} // namespace netsurf
