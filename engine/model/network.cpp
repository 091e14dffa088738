#include "engine/model/network.h"

#include <cmath>

#include "engine/core/parallel.h"
#include "engine/model/layer_math.h"

namespace netsurf {

namespace {

using ConstMapRM = Eigen::Map<const MatrixRM>;
using MapRM = Eigen::Map<MatrixRM>;
using ConstMapRow = Eigen::Map<const Eigen::RowVectorXd>;

// Row-chunk size: depends only on the row count, never on the number of threads.
std::size_t rowChunk(Eigen::Index n) {
    return n <= 128 ? 32 : 128;
}

ConstMapRow rowOf(const Model& m, int tensor) {
    const Tensor& t = m.tensors[std::size_t(tensor)];
    return ConstMapRow(t.values.data(), t.size());
}

// Z = X·W + b   (X: N×in, W: in×out, b: 1×out)
void denseForward(const Model& m, const Layer& l, const MatrixRM& X, Execution exec, MatrixRM& Z) {
    const Tensor& k = m.tensors[std::size_t(l.kernel)];
    const ConstMapRM W(k.values.data(), l.in, l.out);
    const auto b = rowOf(m, l.bias);
    Z.resize(X.rows(), l.out);
    if (exec == Execution::Reference) {
        Z.noalias() = X * W;
        Z.rowwise() += b;
        return;
    }
    parallelChunks(std::size_t(X.rows()), rowChunk(X.rows()),
                   [&](std::size_t, std::size_t r0, std::size_t r1) {
                       const auto n = Eigen::Index(r1 - r0);
                       Z.middleRows(Eigen::Index(r0), n).noalias() =
                           X.middleRows(Eigen::Index(r0), n) * W;
                       Z.middleRows(Eigen::Index(r0), n).rowwise() += b;
                   });
}

// dW = Xᵀ·dZ (partial products per row chunk, summed in chunk order), db = Σ_rows dZ,
// dX = dZ·Wᵀ.
void denseBackward(const Model& m, const Layer& l, const MatrixRM& X, const MatrixRM& dZ,
                   Execution exec, Gradients& g, MatrixRM* dX) {
    const Tensor& k = m.tensors[std::size_t(l.kernel)];
    const ConstMapRM W(k.values.data(), l.in, l.out);
    if (exec == Execution::Reference) {
        MapRM(g[std::size_t(l.kernel)].data(), l.in, l.out).noalias() += X.transpose() * dZ;
        g[std::size_t(l.bias)] += dZ.colwise().sum().transpose();
        if (dX) dX->noalias() = dZ * W.transpose();
        return;
    }
    const std::size_t n = std::size_t(X.rows()), chunk = rowChunk(X.rows());
    std::vector<MatrixRM> partial((n + chunk - 1) / chunk);
    if (dX) dX->resize(X.rows(), l.in);
    parallelChunks(n, chunk, [&](std::size_t c, std::size_t r0, std::size_t r1) {
        const auto rows = Eigen::Index(r1 - r0);
        partial[c].noalias() = X.middleRows(Eigen::Index(r0), rows).transpose() *
                               dZ.middleRows(Eigen::Index(r0), rows);
        if (dX)
            dX->middleRows(Eigen::Index(r0), rows).noalias() =
                dZ.middleRows(Eigen::Index(r0), rows) * W.transpose();
    });
    MapRM dW(g[std::size_t(l.kernel)].data(), l.in, l.out);
    for (const auto& p : partial)
        dW += p;
    g[std::size_t(l.bias)] += dZ.colwise().sum().transpose();
}

// pre = fma(α, x, β) per channel; y = clip(pre, Qmin, Qmax)   (layer_math.h)
double alphaForward(const Model& m, const Layer& l, const MatrixRM& X, LayerCache& lc, MatrixRM& Y,
                    bool withPenalty) {
    const double lo = m.scheme.minValue(), hi = m.scheme.maxValue();
    const auto alpha = rowOf(m, l.alpha), beta = rowOf(m, l.beta);
    lc.pre.resize(X.rows(), X.cols());
    for (Eigen::Index r = 0; r < X.rows(); ++r)
        for (Eigen::Index c = 0; c < X.cols(); ++c)
            lc.pre(r, c) = alphaPreActivation(X(r, c), alpha[c], beta[c]);
    Y = lc.pre.cwiseMax(lo).cwiseMin(hi);
    if (!withPenalty || l.reg == 0) return 0.0;
    // reg · mean(relu(pre − Qmax) + relu(Qmin − pre))
    const double over =
        ((lc.pre.array() - hi).cwiseMax(0.0) + (lo - lc.pre.array()).cwiseMax(0.0)).sum();
    return l.reg * over / double(lc.pre.size());
}

void alphaBackward(const Model& m, const Layer& l, const MatrixRM& X, const LayerCache& lc,
                   const MatrixRM& dY, bool withPenalty, double penaltyScale, Gradients& g,
                   MatrixRM* dX) {
    const double lo = m.scheme.minValue(), hi = m.scheme.maxValue();
    const auto& pre = lc.pre.array();
    MatrixRM dPre = (pre >= lo && pre <= hi).cast<double>() * dY.array();
    if (withPenalty && l.reg != 0) {
        const double s = penaltyScale * l.reg / double(lc.pre.size());
        dPre.array() += s * ((pre > hi).cast<double>() - (pre < lo).cast<double>());
    }
    g[std::size_t(l.alpha)] += (dPre.array() * X.array()).colwise().sum().transpose().matrix();
    g[std::size_t(l.beta)] += dPre.colwise().sum().transpose();
    if (dX) *dX = dPre.array().rowwise() * rowOf(m, l.alpha).array();
}

// y = fma(x̂, γ, β), x̂ = (x − μ)·s, s = 1/sqrt(σ² + ε)   (layer_math.h); μ, σ² from the batch
// (Training) or the moving statistics.
void batchnormForward(const Model& m, const Layer& l, const MatrixRM& X, bool training,
                      LayerCache& lc, MatrixRM& Y) {
    Eigen::RowVectorXd mean, var;
    if (training) {
        mean = X.colwise().mean();
        var = (X.rowwise() - mean).array().square().colwise().mean();
        lc.batchMean = mean;
        lc.batchVar = var;
    } else {
        mean = rowOf(m, l.movingMean);
        var = rowOf(m, l.movingVariance);
    }
    lc.invStd = var.unaryExpr([&l](double v) { return batchnormScale(v, l.epsilon); });
    lc.xhat = (X.rowwise() - mean).array().rowwise() * lc.invStd.array();
    const auto gamma = rowOf(m, l.gamma), beta = rowOf(m, l.beta);
    Y.resize(X.rows(), X.cols());
    for (Eigen::Index r = 0; r < X.rows(); ++r)
        for (Eigen::Index c = 0; c < X.cols(); ++c)
            Y(r, c) = std::fma(lc.xhat(r, c), gamma[c], beta[c]);
}

void batchnormBackward(const Model& m, const Layer& l, const LayerCache& lc, const MatrixRM& dY,
                       bool training, Gradients& g, MatrixRM* dX) {
    g[std::size_t(l.gamma)] += (dY.array() * lc.xhat.array()).colwise().sum().transpose().matrix();
    g[std::size_t(l.beta)] += dY.colwise().sum().transpose();
    if (!dX) return;
    const MatrixRM dxhat = dY.array().rowwise() * rowOf(m, l.gamma).array();
    if (!training) {
        *dX = dxhat.array().rowwise() * lc.invStd.array();
        return;
    }
    // dx = invStd/N · (N·dx̂ − Σ dx̂ − x̂ ⊙ Σ(dx̂ ⊙ x̂))
    const double n = double(dY.rows());
    const Eigen::RowVectorXd sum = dxhat.colwise().sum();
    const Eigen::RowVectorXd sumX = (dxhat.array() * lc.xhat.array()).colwise().sum();
    MatrixRM t = (n * dxhat).rowwise() - sum;
    t.array() -= lc.xhat.array().rowwise() * sumX.array();
    *dX = t.array().rowwise() * (lc.invStd.array() / n);
}

void qreluForward(const Model& m, const MatrixRM& X, bool exact, MatrixRM& Y) {
    if (exact) {
        const QuantScheme& q = m.scheme;
        Y = X.unaryExpr([&q](double v) { return q.qrelu(v); });
    } else {
        Y = X.cwiseMax(0.0).cwiseMin(m.scheme.qreluMax());
    }
}

void softmaxForward(const MatrixRM& X, MatrixRM& Y) {
    Y = X;
    Eigen::ArrayXd buf;
    softmaxRows(Y.data(), Y.rows(), int(Y.cols()), buf);
}

} // namespace

Gradients zeroGradients(const Model& model) {
    Gradients g(model.tensors.size());
    for (std::size_t i = 0; i < model.tensors.size(); ++i)
        if (model.tensors[i].trainable) g[i] = Eigen::VectorXd::Zero(model.tensors[i].size());
    return g;
}

void forward(const Model& model, const MatrixRM& X, ForwardMode mode, ForwardCache& cache,
             Execution execution) {
    const bool exact = mode == ForwardMode::Exact;
    const bool training = mode == ForwardMode::Training;
    cache.mode = mode;
    cache.execution = execution;
    cache.penalty = 0;
    cache.acts.resize(model.layers.size() + 1);
    cache.layers.resize(model.layers.size());
    cache.acts[0] = X;
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        const MatrixRM& in = cache.acts[i];
        MatrixRM& out = cache.acts[i + 1];
        switch (l.kind) {
        case LayerKind::Dense:
            denseForward(model, l, in, execution, out);
            break;
        case LayerKind::ApplyAlpha:
            cache.penalty += alphaForward(model, l, in, cache.layers[i], out, !exact);
            break;
        case LayerKind::BatchNorm:
            batchnormForward(model, l, in, training, cache.layers[i], out);
            break;
        case LayerKind::QRelu:
            qreluForward(model, in, exact, out);
            break;
        case LayerKind::Softmax:
            softmaxForward(in, out);
            break;
        }
    }
}

void backward(const Model& model, const ForwardCache& cache, const MatrixRM& dOut,
              double penaltyScale, Gradients& grads, MatrixRM* dX) {
    const bool exact = cache.mode == ForwardMode::Exact;
    const bool training = cache.mode == ForwardMode::Training;
    MatrixRM dY = dOut, dIn;
    for (std::size_t i = model.layers.size(); i-- > 0;) {
        const Layer& l = model.layers[i];
        const MatrixRM& in = cache.acts[i];
        const bool needDx = i > 0 || dX != nullptr;
        MatrixRM* dInPtr = needDx ? &dIn : nullptr;
        switch (l.kind) {
        case LayerKind::Dense:
            denseBackward(model, l, in, dY, cache.execution, grads, dInPtr);
            break;
        case LayerKind::ApplyAlpha:
            alphaBackward(model, l, in, cache.layers[i], dY, !exact, penaltyScale, grads, dInPtr);
            break;
        case LayerKind::BatchNorm:
            batchnormBackward(model, l, cache.layers[i], dY, training, grads, dInPtr);
            break;
        case LayerKind::QRelu: {
            // straight-through inside the activation range (0, 2^n − 2^(n−m))
            const double hi = model.scheme.qreluMax();
            if (needDx) dIn = (in.array() > 0.0 && in.array() < hi).cast<double>() * dY.array();
            break;
        }
        case LayerKind::Softmax: {
            // dX = P ⊙ (dY − rowsum(dY ⊙ P))
            const MatrixRM& P = cache.acts[i + 1];
            const Eigen::VectorXd s = (dY.array() * P.array()).rowwise().sum();
            if (needDx) dIn = P.array() * (dY.colwise() - s).array();
            break;
        }
        }
        if (!needDx) break;
        dY.swap(dIn);
    }
    if (dX) *dX = std::move(dY);
}

void updateMovingStatistics(Model& model, const ForwardCache& cache) {
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        if (l.kind != LayerKind::BatchNorm || cache.layers[i].batchMean.size() == 0) continue;
        auto& mm = model.tensors[std::size_t(l.movingMean)].values;
        auto& mv = model.tensors[std::size_t(l.movingVariance)].values;
        mm = l.momentum * mm + (1.0 - l.momentum) * cache.layers[i].batchMean.transpose();
        mv = l.momentum * mv + (1.0 - l.momentum) * cache.layers[i].batchVar.transpose();
    }
}

} // namespace netsurf
