#pragma once
// Forward and backward passes of a Model on a batch (all in double precision).
//
// Modes (SPEC §2):
//   Exact      hardware-faithful inference: stored weights, quantized ReLU, apply_alpha saturates
//              to [Qmin, Qmax], batchnorm uses the moving statistics.
//   Surrogate  the straight-through surrogate at the stored weights: the quantized ReLU becomes
//              the ReLU clipped to the activation range [0, 2^n − 2^(n−m)]; batchnorm uses the
//              moving statistics. Gradients / curvature are taken here.
//   Training   the surrogate with batchnorm on batch statistics (and moving-statistics update).
// In Surrogate and Training modes the apply_alpha range penalty
//   reg · mean(relu(y − Qmax) + relu(Qmin − y))   (y = α·x + β before saturation)
// is part of the objective.
#include <Eigen/Core>
#include <vector>

#include "engine/model/model.h"

namespace netsurf {

enum class ForwardMode { Exact, Surrogate, Training };

// How the dense products run:
//   Parallel   row chunks of fixed size (independent of the thread count) in parallel, partial
//              dW products reduced in chunk order — the engine's path;
//   Reference  whole-batch Eigen products on the calling thread (the plain single-threaded
//              implementation of the same math; baseline of `bench train` and a second
//              implementation for the tests).
enum class Execution { Parallel, Reference };

struct LayerCache {
    MatrixRM pre;                 // apply_alpha: α·x + β before saturation
    MatrixRM xhat;                // batchnorm: standardized input
    Eigen::RowVectorXd invStd;    // batchnorm: 1 / sqrt(var + ε)
    Eigen::RowVectorXd batchMean; // batchnorm (Training): batch statistics
    Eigen::RowVectorXd batchVar;
};

struct ForwardCache {
    ForwardMode mode = ForwardMode::Exact;
    Execution execution = Execution::Parallel; // set by forward(), used by backward()
    std::vector<MatrixRM> acts;     // acts[0] = input (normalized), acts[l+1] = output of layer l
    std::vector<LayerCache> layers; // per layer
    double penalty = 0;             // apply_alpha range penalty (Surrogate/Training)

    const MatrixRM& output() const { return acts.back(); }
};

// Per-tensor gradients, aligned with Model::tensors (empty vectors for non-trainable tensors).
using Gradients = std::vector<Eigen::VectorXd>;
Gradients zeroGradients(const Model& model);

// X: N×inputs (already normalized). Fills cache.acts / cache.layers. Row chunks of the dense
// products run in parallel with thread-count-independent chunking.
void forward(const Model& model, const MatrixRM& X, ForwardMode mode, ForwardCache& cache,
             Execution execution = Execution::Parallel);

// dOut: ∂objective/∂output (N×outputs) already scaled (e.g. by 1/N for a mean loss).
// `penaltyScale` multiplies the range-penalty gradient (normally 1). Adds parameter gradients
// into `grads`; writes ∂objective/∂X into dX when it is non-null.
void backward(const Model& model, const ForwardCache& cache, const MatrixRM& dOut,
              double penaltyScale, Gradients& grads, MatrixRM* dX = nullptr);

// Updates the batchnorm moving statistics from a Training-mode cache (Keras semantics:
// moving = momentum·moving + (1 − momentum)·batch).
void updateMovingStatistics(Model& model, const ForwardCache& cache);

} // namespace netsurf
