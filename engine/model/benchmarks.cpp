#include "engine/model/benchmarks.h"
#include "engine/core/message_text.h"

#include <cmath>

#include "engine/core/rng.h"

namespace netsurf {

const std::vector<std::string>& benchmarkNames() {
    static const std::vector<std::string> names{"mnist_fnn", "fashion_mnist_fnn", "autompg",
                                                "smartpixel_small"};
    return names;
}

namespace {

BenchmarkSpec mnistLike(std::string name, std::string dataset, int pruneEnd, int epochs) {
    BenchmarkSpec s;
    s.name = std::move(name);
    s.dataset = std::move(dataset);
    // 784 → dense 64 → apply_alpha (reg 1) → qrelu → dense 10 → softmax
    s.layers = {{LayerKind::Dense, 64},
                {LayerKind::ApplyAlpha, 0, 1.0},
                {LayerKind::QRelu},
                {LayerKind::Dense, 10},
                {LayerKind::Softmax}};
    s.loss = LossKind::CrossEntropy;
    s.batchSize = 64;
    s.epochs = epochs;
    s.pruning = {2, 2, pruneEnd};
    s.globalInputRange = true;
    s.task = TaskKind::Classification;
    s.inputShape = {28, 28};
    return s;
}

} // namespace

Result<BenchmarkSpec> benchmarkSpec(std::string_view name) {
    if (name == "mnist_fnn") return mnistLike("mnist_fnn", "mnist", 120, 120);
    if (name == "fashion_mnist_fnn") return mnistLike("fashion_mnist_fnn", "fashion_mnist", 40, 40);
    if (name == "autompg") {
        BenchmarkSpec s;
        s.name = "autompg";
        s.dataset = "autompg";
        // 9 → 64 → α (reg 10) → qrelu → 64 → α (reg 10) → qrelu → 1
        s.layers = {{LayerKind::Dense, 64}, {LayerKind::ApplyAlpha, 0, 10.0}, {LayerKind::QRelu},
                    {LayerKind::Dense, 64}, {LayerKind::ApplyAlpha, 0, 10.0}, {LayerKind::QRelu},
                    {LayerKind::Dense, 1}};
        s.loss = LossKind::MeanSquaredError;
        s.batchSize = 32;
        s.epochs = 800;
        s.pruning = {2, 2, 10};
        s.task = TaskKind::Regression;
        s.inputShape = {9};
        return s;
    }
    if (name == "smartpixel_small") {
        BenchmarkSpec s;
        s.name = "smartpixel_small";
        s.dataset = "smartpixel";
        // 13 → dense 58 → α → batchnorm → qrelu → dense 3 → softmax
        s.layers = {{LayerKind::Dense, 58}, {LayerKind::ApplyAlpha, 0, 1.0}, {LayerKind::BatchNorm},
                    {LayerKind::QRelu},     {LayerKind::Dense, 3},           {LayerKind::Softmax}};
        s.loss = LossKind::CrossEntropy;
        s.batchSize = 1024;
        s.epochs = 150;
        s.pruning = {2, 2, 10};
        s.earlyStopPatience = 10;
        s.task = TaskKind::Classification;
        s.inputShape = {13};
        return s;
    }
    std::string valid;
    for (const auto& n : benchmarkNames())
        valid += (valid.empty() ? "" : ", ") + n;
    return Error::usage("unknown benchmark " + quoteValue(name) + " (expected one of " + valid +
                        ")");
}

namespace {

int addTensor(Model& m, const std::string& layer, const std::string& role, int rows, int cols,
              double init, bool trainable, bool prunable) {
    Tensor t;
    t.name = layer + "/" + role;
    t.role = role;
    t.rows = rows;
    t.cols = cols;
    t.values = Eigen::VectorXd::Constant(Eigen::Index(rows) * cols, init);
    t.trainable = trainable;
    t.prunable = prunable;
    m.tensors.push_back(std::move(t));
    return int(m.tensors.size()) - 1;
}

void glorotInit(Tensor& t, std::uint64_t seed, std::uint64_t tensorId) {
    // Glorot uniform: U(−l, l), l = sqrt(6 / (fan_in + fan_out)).
    const double limit = std::sqrt(6.0 / double(t.rows + t.cols));
    for (Eigen::Index i = 0; i < t.size(); ++i) {
        const double u =
            toUnit(hashKey(seed, std::uint64_t(RngPurpose::Init), tensorId, std::uint64_t(i)));
        t.values[i] = (2.0 * u - 1.0) * limit;
    }
}

} // namespace

Model modelSkeleton(const BenchmarkSpec& spec, const QuantScheme& scheme, TaskKind task,
                    const std::vector<int>& inputShape, int inputs) {
    Model m;
    m.benchmark = spec.name;
    m.scheme = scheme;
    m.task = task;
    m.loss = spec.loss;
    m.inputShape = inputShape;
    m.inputs = inputs;
    int width = m.inputs;
    int counts[5] = {0, 0, 0, 0, 0};
    for (const LayerSpec& ls : spec.layers) {
        Layer l;
        l.kind = ls.kind;
        const char* prefix[] = {"dense", "alpha", "bn", "qrelu", "softmax"};
        l.name = std::string(prefix[int(ls.kind)]) + "_" + std::to_string(counts[int(ls.kind)]++);
        l.in = width;
        l.out = ls.kind == LayerKind::Dense ? ls.units : width;
        l.reg = ls.reg;
        switch (ls.kind) {
        case LayerKind::Dense:
            l.kernel = addTensor(m, l.name, "kernel", l.in, l.out, 0.0, true, true);
            l.bias = addTensor(m, l.name, "bias", 1, l.out, 0.0, true, false);
            break;
        case LayerKind::ApplyAlpha:
            l.alpha = addTensor(m, l.name, "alpha", 1, l.out, 1.0, true, false);
            l.beta = addTensor(m, l.name, "beta", 1, l.out, 0.0, true, false);
            break;
        case LayerKind::BatchNorm:
            l.gamma = addTensor(m, l.name, "gamma", 1, l.out, 1.0, true, true);
            l.beta = addTensor(m, l.name, "beta", 1, l.out, 0.0, true, false);
            l.movingMean = addTensor(m, l.name, "moving_mean", 1, l.out, 0.0, false, false);
            l.movingVariance = addTensor(m, l.name, "moving_variance", 1, l.out, 1.0, false, false);
            break;
        case LayerKind::QRelu:
        case LayerKind::Softmax:
            break;
        }
        width = l.out;
        m.layers.push_back(std::move(l));
    }
    m.outputs = width;
    return m;
}

Model buildModel(const BenchmarkSpec& spec, const QuantScheme& scheme, const Dataset& data,
                 std::uint64_t seed) {
    Model m = modelSkeleton(spec, scheme, data.task, data.inputShape, int(data.trainX.cols()));
    for (const Layer& l : m.layers)
        if (l.kind == LayerKind::Dense)
            glorotInit(m.tensors[std::size_t(l.kernel)], seed, std::uint64_t(l.kernel));
    for (auto& t : m.tensors)
        if (t.trainable)
            t.values = t.values.cwiseMax(scheme.minValue()).cwiseMin(scheme.maxValue());
    return m;
}

} // namespace netsurf
