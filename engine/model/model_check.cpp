#include "engine/model/model_check.h"

#include <cmath>
#include <functional>
#include <map>
#include <numeric>

#include "engine/core/number_format.h"
#include "engine/model/benchmarks.h"

namespace netsurf {

namespace {

// Thrown inside this file only; converted to a data Error at the boundary.
struct Violation {
    std::string what;
};

void require(bool cond, const std::string& what) {
    if (!cond) throw Violation{what};
}

std::string shapeText(int rows, int cols) {
    return "[" + std::to_string(rows) + ", " + std::to_string(cols) + "]";
}

struct RoleRule {
    const char* role;
    bool trainable, prunable;
};

// (role, tensor index) pairs of a layer, with the flags each role must have.
std::vector<std::pair<RoleRule, int>> roles(const Layer& l) {
    switch (l.kind) {
    case LayerKind::Dense:
        return {{{"kernel", true, true}, l.kernel}, {{"bias", true, false}, l.bias}};
    case LayerKind::ApplyAlpha:
        return {{{"alpha", true, false}, l.alpha}, {{"beta", true, false}, l.beta}};
    case LayerKind::BatchNorm:
        return {{{"gamma", true, true}, l.gamma},
                {{"beta", true, false}, l.beta},
                {{"moving_mean", false, false}, l.movingMean},
                {{"moving_variance", false, false}, l.movingVariance}};
    case LayerKind::QRelu:
    case LayerKind::Softmax:
        return {};
    }
    return {};
}

// Every tensor used by exactly one layer role, with that role's name, shape and flags.
void checkTensorUse(const Model& m) {
    std::map<std::string, int> names;
    for (std::size_t i = 0; i < m.tensors.size(); ++i)
        require(names.emplace(m.tensors[i].name, int(i)).second,
                "tensor " + m.tensors[i].name + " is listed more than once");
    std::vector<int> uses(m.tensors.size(), 0);
    for (const Layer& l : m.layers)
        for (const auto& [rule, idx] : roles(l)) {
            require(idx >= 0 && std::size_t(idx) < m.tensors.size(),
                    "layer " + l.name + " lacks its " + rule.role + " tensor");
            const Tensor& t = m.tensors[std::size_t(idx)];
            ++uses[std::size_t(idx)];
            const int rows = rule.role == std::string("kernel") ? l.in : 1;
            require(t.rows == rows && t.cols == l.out,
                    "tensor " + t.name + " has shape " + shapeText(t.rows, t.cols) + ", expected " +
                        shapeText(rows, l.out) + " for layer " + l.name);
            const std::string use = "tensor " + t.name + " is used as the " + rule.role +
                                    " of layer " + l.name;
            require(t.role == rule.role, use + " but has role " + t.role);
            require(t.trainable == rule.trainable && t.prunable == rule.prunable,
                    use + ", which is stored with trainable " + (rule.trainable ? "true" : "false") +
                        " and prunable " + (rule.prunable ? "true" : "false"));
        }
    for (std::size_t i = 0; i < m.tensors.size(); ++i)
        require(uses[i] == 1,
                "tensor " + m.tensors[i].name +
                    (uses[i] ? " is used by more than one layer" : " is not used by any layer"));
}

// classification ⇔ cross-entropy on softmax probabilities (≥ 2 classes); regression ⇔ MSE on
// one raw output.
void checkTask(const Model& m) {
    const bool softmaxLast = !m.layers.empty() && m.layers.back().kind == LayerKind::Softmax;
    if (m.task == TaskKind::Classification)
        require(m.loss == LossKind::CrossEntropy && softmaxLast && m.outputs >= 2,
                "a classification model needs loss cross_entropy and a softmax output layer "
                "with at least 2 outputs, found loss " +
                    std::string(toString(m.loss)) + " and " + std::to_string(m.outputs) +
                    " outputs from a " + toString(m.layers.back().kind) + " layer");
    else
        require(m.loss == LossKind::MeanSquaredError && !softmaxLast && m.outputs == 1,
                "a regression model needs loss mse and one output without softmax, found loss " +
                    std::string(toString(m.loss)) + " and " + std::to_string(m.outputs) +
                    " outputs from a " + toString(m.layers.back().kind) + " layer");
}

void checkValues(const Model& m) {
    const QuantScheme& q = m.scheme;
    for (const Tensor& t : m.tensors) {
        require(t.mask.empty() || t.prunable,
                "tensor " + t.name + " has a pruning mask but is not prunable");
        for (std::uint8_t b : t.mask)
            require(b <= 1, "the mask of tensor " + t.name + " holds a value other than 0 and 1");
        for (Eigen::Index i = 0; i < t.size(); ++i) {
            const double v = t.values[i];
            const std::string at = " at index " + std::to_string(i);
            require(std::isfinite(v), "tensor " + t.name + " has a non-finite value" + at);
            if (t.role == "moving_variance")
                require(v >= 0, "tensor " + t.name + " has a negative variance" + at);
            if (!t.trainable) continue;
            require(q.isRepresentable(v), "tensor " + t.name + " value " + shortestDouble(v) + at +
                                              " is not a stored value of " + q.str());
            require(t.kept(i) || v == 0.0, "tensor " + t.name + " value " + shortestDouble(v) + at +
                                               " is pruned (mask 0) but not 0");
        }
    }
}

void checkNormalizerAndLayers(const Model& m, double pruning) {
    require(std::isfinite(pruning) && pruning >= 0 && pruning < 1,
            "pruning " + shortestDouble(pruning) + " is not a fraction in [0, 1)");
    require(m.inputs > 0 && std::accumulate(m.inputShape.begin(), m.inputShape.end(), 1,
                                            std::multiplies<>()) == m.inputs,
            "the input shape does not have " + std::to_string(m.inputs) + " inputs");
    const Normalizer& nz = m.normalizer;
    require(nz.min.size() == m.inputs && nz.max.size() == m.inputs,
            "the normalizer does not have one min/max per input");
    for (Eigen::Index j = 0; j < m.inputs; ++j)
        require(std::isfinite(nz.min[j]) && std::isfinite(nz.max[j]) && nz.min[j] <= nz.max[j],
                "the normalizer's min/max of input " + std::to_string(j) +
                    " are not finite with min <= max");
    require(nz.outMin == m.scheme.minValue() && nz.outMax == m.scheme.maxValue(),
            "the normalizer maps onto [" + shortestDouble(nz.outMin) + ", " +
                shortestDouble(nz.outMax) + "], expected the range of " + m.scheme.str());
    for (const Layer& l : m.layers)
        require(std::isfinite(l.reg) && l.reg >= 0 && std::isfinite(l.epsilon) && l.epsilon > 0 &&
                    std::isfinite(l.momentum),
                "layer " + l.name + " has an invalid reg, epsilon or momentum");
}

std::string layerText(const Layer& l) {
    return l.name + " (" + toString(l.kind) + " " + std::to_string(l.in) + " -> " +
           std::to_string(l.out) + ")";
}

// A registered benchmark's model is exactly its architecture.
void checkBenchmark(const Model& m, const BenchmarkSpec& spec) {
    const std::string b = "benchmark " + spec.name;
    require(m.task == spec.task,
            b + " is a " + toString(spec.task) + " task, the file says " + toString(m.task));
    require(m.loss == spec.loss, b + " is trained with loss " + toString(spec.loss) +
                                     ", the file says " + toString(m.loss));
    const int inputs =
        std::accumulate(spec.inputShape.begin(), spec.inputShape.end(), 1, std::multiplies<>());
    const Model want = modelSkeleton(spec, m.scheme, spec.task, spec.inputShape, inputs);
    const auto shape = [](const std::vector<int>& v) {
        std::string t;
        for (int d : v) t += (t.empty() ? "" : ", ") + std::to_string(d);
        return "[" + t + "]";
    };
    require(m.inputShape == want.inputShape && m.inputs == want.inputs,
            b + " takes inputs of shape " + shape(want.inputShape) + ", the file declares " +
                shape(m.inputShape) + " (" + std::to_string(m.inputs) + " inputs)");
    require(m.layers.size() == want.layers.size(),
            b + " has " + std::to_string(want.layers.size()) + " layers, the file " +
                std::to_string(m.layers.size()));
    for (std::size_t i = 0; i < want.layers.size(); ++i) {
        const Layer &a = m.layers[i], &e = want.layers[i];
        require(a.kind == e.kind && a.name == e.name && a.in == e.in && a.out == e.out,
                "layer " + std::to_string(i) + " is " + layerText(a) + ", " + b + " has " +
                    layerText(e));
    }
    require(m.tensors.size() == want.tensors.size(),
            b + " has " + std::to_string(want.tensors.size()) + " tensors, the file " +
                std::to_string(m.tensors.size()));
    for (std::size_t i = 0; i < want.tensors.size(); ++i)
        require(m.tensors[i].name == want.tensors[i].name,
                "tensor " + std::to_string(i) + " is " + m.tensors[i].name + ", " + b +
                    " expects " + want.tensors[i].name + " there");
}

} // namespace

Status checkModelInvariants(const Model& model, double pruning) {
    try {
        require(!model.layers.empty(), "the model has no layers");
        checkTensorUse(model);
        checkTask(model);
        checkValues(model);
        checkNormalizerAndLayers(model, pruning);
        if (auto spec = benchmarkSpec(model.benchmark); spec.ok()) checkBenchmark(model, *spec);
    } catch (const Violation& v) {
        return Error::data(v.what);
    }
    return {};
}

} // namespace netsurf
