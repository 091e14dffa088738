#pragma once
// The four benchmarks of SPEC §2: data, architecture and training hyper-parameters.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/model.h"

namespace netsurf {

struct LayerSpec {
    LayerKind kind;
    int units = 0;  // dense only
    double reg = 0; // apply_alpha only
};

struct PruningSchedule {
    int begin = 2; // first epoch at which the mask is updated
    int step = 2;  // epochs between mask updates
    int end = 10;  // the target sparsity is reached at min(end, epochs)
};

struct BenchmarkSpec {
    std::string name;
    std::string dataset; // name for loadDataset()
    std::vector<LayerSpec> layers;
    LossKind loss = LossKind::CrossEntropy;
    int batchSize = 64;
    int epochs = 10;
    double learningRate = 1e-3;
    PruningSchedule pruning;
    int earlyStopPatience = 0;     // 0 = no early stopping
    bool globalInputRange = false; // images: one min/max for all pixels
    TaskKind task = TaskKind::Classification;
    std::vector<int> inputShape; // of one raw input, e.g. {28, 28}; empty for ad-hoc specs
};

const std::vector<std::string>& benchmarkNames();
// Unknown name: usage error listing the valid names.
Result<BenchmarkSpec> benchmarkSpec(std::string_view name);

// The architecture of `spec` for `inputs` features: layers (names dense_0, alpha_0, bn_0, qrelu_0,
// softmax_0, numbered per kind) and every tensor in the engine's order with its role, shape and
// flags, values at their constant initial value (kernels 0, α = 1, β = 0, γ = 1, moving mean 0,
// variance 1). What a model file of that benchmark must contain, and the start of buildModel.
Model modelSkeleton(const BenchmarkSpec& spec, const QuantScheme& scheme, TaskKind task,
                    const std::vector<int>& inputShape, int inputs);

// Builds the model with Glorot-uniform kernels, zero biases, α = 1, β = 0, γ = 1, moving mean 0,
// variance 1; all draws keyed by (seed, tensor, element). Trainable values are the float initial
// weights clipped to [Qmin, Qmax] (the training shadow weights): call quantizeInPlace() for the
// stored model. The normalizer is left for the caller to fit.
Model buildModel(const BenchmarkSpec& spec, const QuantScheme& scheme, const Dataset& data,
                 std::uint64_t seed);

} // namespace netsurf
