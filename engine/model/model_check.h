#pragma once
// Invariants of a model as a whole, checked when a model file is read so that no later stage
// (ranking, injection, the oracle's incremental kernels) can be fed an inconsistent model:
//   - every tensor is used by exactly one layer role, exists once, with the role's shape
//     (kernel [in, out], vectors [1, channels]) and flags (trainable/prunable);
//   - task, loss and output layer agree: classification ⇔ cross-entropy on a softmax with ≥ 2
//     outputs; regression ⇔ MSE on one raw output;
//   - values are finite; trainable values lie on the scheme's grid; pruned entries are 0; masks
//     hold 0/1 and only prunable tensors have one; moving variances are ≥ 0;
//   - the normalizer has one finite min ≤ max per input and maps onto [Qmin, Qmax];
//   - for a registered benchmark (benchmarkSpec), the architecture is exactly the benchmark's:
//     the same layers, widths, input shape and tensors in the same order (modelSkeleton).
// The message names the first violation (without the file name, which the caller adds).
#include "engine/model/model.h"

namespace netsurf {

Status checkModelInvariants(const Model& model, double pruning);

} // namespace netsurf
