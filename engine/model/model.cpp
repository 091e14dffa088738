#include "engine/model/model.h"
#include "engine/core/message_text.h"

namespace netsurf {

const char* toString(LayerKind kind) {
    switch (kind) {
    case LayerKind::Dense: return "dense";
    case LayerKind::ApplyAlpha: return "apply_alpha";
    case LayerKind::BatchNorm: return "batchnorm";
    case LayerKind::QRelu: return "qrelu";
    case LayerKind::Softmax: return "softmax";
    }
    return "?";
}

Result<LayerKind> layerKindFromString(std::string_view s) {
    for (auto k : {LayerKind::Dense, LayerKind::ApplyAlpha, LayerKind::BatchNorm,
                   LayerKind::QRelu, LayerKind::Softmax})
        if (s == toString(k)) return k;
    return Error::data("unknown layer kind " + quoteValue(s) +
                       " (expected dense, apply_alpha, batchnorm, qrelu or softmax)");
}

const char* toString(LossKind kind) {
    return kind == LossKind::CrossEntropy ? "cross_entropy" : "mse";
}

Normalizer Normalizer::fit(const MatrixRM& trainX, double outMin, double outMax, bool global) {
    Normalizer n;
    n.outMin = outMin;
    n.outMax = outMax;
    if (global) {
        n.min = Eigen::RowVectorXd::Constant(trainX.cols(), trainX.minCoeff());
        n.max = Eigen::RowVectorXd::Constant(trainX.cols(), trainX.maxCoeff());
    } else {
        n.min = trainX.colwise().minCoeff();
        n.max = trainX.colwise().maxCoeff();
    }
    return n;
}

MatrixRM Normalizer::apply(const Eigen::Ref<const MatrixRM>& x) const {
    // scale_j = (outMax − outMin)/(max_j − min_j), 0 for a constant feature.
    const Eigen::RowVectorXd span = max - min;
    Eigen::RowVectorXd scale(span.size());
    for (Eigen::Index j = 0; j < span.size(); ++j)
        scale[j] = span[j] > 0 ? (outMax - outMin) / span[j] : 0.0;
    MatrixRM y = (x.rowwise() - min).array().rowwise() * scale.array();
    y.array() += outMin;
    return y;
}

int Model::tensorIndex(std::string_view name) const {
    for (std::size_t i = 0; i < tensors.size(); ++i)
        if (tensors[i].name == name) return int(i);
    return -1;
}

std::size_t Model::trainableParameterCount() const {
    std::size_t n = 0;
    for (const auto& t : tensors)
        if (t.trainable) n += std::size_t(t.size());
    return n;
}

std::size_t Model::keptParameterCount() const {
    std::size_t n = 0;
    for (const auto& t : tensors)
        if (t.trainable)
            for (Eigen::Index i = 0; i < t.size(); ++i) n += t.kept(i) ? 1 : 0;
    return n;
}

double Model::kernelSparsity() const {
    std::size_t total = 0, masked = 0;
    for (const auto& t : tensors) {
        if (t.role != "kernel") continue;
        total += std::size_t(t.size());
        for (Eigen::Index i = 0; i < t.size(); ++i) masked += t.kept(i) ? 0 : 1;
    }
    return total ? double(masked) / double(total) : 0.0;
}

void Model::quantizeInPlace() {
    for (auto& t : tensors) {
        if (!t.trainable) continue;
        scheme.quantizeArray(t.values.data(), std::size_t(t.size()));
        if (!t.mask.empty())
            for (Eigen::Index i = 0; i < t.size(); ++i)
                if (!t.mask[std::size_t(i)]) t.values[i] = 0.0;
    }
}

} // namespace netsurf
