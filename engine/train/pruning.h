#pragma once
// Magnitude pruning with the polynomial-free linear schedule of SPEC §2.
#include <Eigen/Core>
#include <vector>

#include "engine/model/benchmarks.h"

namespace netsurf {

// Sparsity to apply at the start of epoch e (1-based) of E, or a negative value when the
// schedule does not update the mask at that epoch. With end' = min(end, E), updates happen at
// e = begin, begin + step, … ≤ end' and at e = end', with
//   s_e = target · min(1, (e − begin)/(end' − begin))   (target when end' ≤ begin).
double scheduledSparsity(const PruningSchedule& schedule, double target, int epoch, int epochs);

// Masks the round(s·size) smallest-magnitude entries of every prunable tensor (ties broken by
// index), using the float shadow weights; masked shadow weights are set to 0.
void applyMagnitudePruning(Model& model, std::vector<Eigen::VectorXd>& shadow, double sparsity);

} // namespace netsurf
