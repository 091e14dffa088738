#pragma once
// A fully connected quantized model (SPEC §2): layers, their parameter tensors (the stored,
// quantized values) and the input normalizer.
#include <Eigen/Core>
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/quant/quant_scheme.h"

namespace netsurf {

enum class LayerKind { Dense, ApplyAlpha, BatchNorm, QRelu, Softmax };
const char* toString(LayerKind kind);
Result<LayerKind> layerKindFromString(std::string_view s);

enum class LossKind { CrossEntropy, MeanSquaredError };
const char* toString(LossKind kind);

// One parameter tensor, stored flat in row-major order.
struct Tensor {
    std::string name;  // "<layer>/<role>", e.g. "dense_0/kernel"
    std::string role;  // kernel, bias, alpha, beta, gamma, moving_mean, moving_variance
    int rows = 1;      // kernel: in; vectors: 1
    int cols = 0;      // kernel: out; vectors: channels
    Eigen::VectorXd values;         // quantized (stored) values for trainable tensors
    std::vector<std::uint8_t> mask; // pruning mask (1 kept, 0 pruned); empty = all kept
    bool trainable = true;          // trainable tensors are quantized and form the bit population
    bool prunable = false;          // dense kernels and BN γ

    Eigen::Index size() const { return values.size(); }
    bool kept(Eigen::Index i) const { return mask.empty() || mask[std::size_t(i)] != 0; }
};

struct Layer {
    LayerKind kind = LayerKind::Dense;
    std::string name; // dense_0, alpha_0, bn_0, qrelu_0, softmax_0
    int in = 0;
    int out = 0;
    double reg = 0;          // apply_alpha range penalty weight
    double epsilon = 1e-3;   // batchnorm
    double momentum = 0.99;  // batchnorm moving statistics
    // Indices into Model::tensors (−1 when the layer has no such tensor).
    int kernel = -1, bias = -1, alpha = -1, beta = -1, gamma = -1, movingMean = -1,
        movingVariance = -1;
};

// Maps raw inputs to the scheme's range: x' = outMin + (x − min)·(outMax − outMin)/(max − min)
// per feature (min, max from the training inputs; images use one global min/max, stored
// replicated per feature). A constant feature maps to outMin.
struct Normalizer {
    Eigen::RowVectorXd min, max;
    double outMin = 0, outMax = 1;

    static Normalizer fit(const MatrixRM& trainX, double outMin, double outMax, bool global);
    MatrixRM apply(const Eigen::Ref<const MatrixRM>& x) const;
};

struct Model {
    std::string benchmark;
    QuantScheme scheme;
    TaskKind task = TaskKind::Classification;
    LossKind loss = LossKind::CrossEntropy;
    std::vector<int> inputShape;
    int inputs = 0;
    int outputs = 0;
    std::vector<Layer> layers;
    std::vector<Tensor> tensors;
    Normalizer normalizer;

    int tensorIndex(std::string_view name) const; // −1 if absent
    std::size_t trainableParameterCount() const;
    std::size_t keptParameterCount() const;       // trainable, not pruned
    double kernelSparsity() const;                // fraction of dense-kernel weights masked
    // Re-quantizes every trainable tensor onto the scheme's grid and zeroes pruned entries.
    void quantizeInPlace();
};

} // namespace netsurf
