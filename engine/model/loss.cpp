#include "engine/model/loss.h"

#include <cmath>
#include <limits>

#include "engine/model/layer_math.h"

namespace netsurf {

double lossSum(LossKind kind, const MatrixRM& out, const Eigen::VectorXd& y, MatrixRM* dOut) {
    if (dOut) {
        dOut->setZero(out.rows(), out.cols());
        for (Eigen::Index i = 0; i < out.rows(); ++i) {
            if (kind == LossKind::CrossEntropy) {
                const auto c = Eigen::Index(y[i]);
                (*dOut)(i, c) = -1.0 / std::max(out(i, c), kMinProbability);
            } else {
                (*dOut)(i, 0) = 2.0 * (out(i, 0) - y[i]);
            }
        }
    }
    const Eigen::VectorXd l = perSampleLoss(kind, out, y);
    double sum = 0;
    for (Eigen::Index i = 0; i < l.size(); ++i)
        sum += l[i]; // row order
    return sum;
}

Eigen::VectorXd perSampleLoss(LossKind kind, const MatrixRM& out, const Eigen::VectorXd& y) {
    const Eigen::Index n = out.rows();
    Eigen::ArrayXd buf(paddedCount(n));
    for (Eigen::Index i = 0; i < n; ++i) {
        if (kind == LossKind::CrossEntropy) {
            buf[i] = out(i, Eigen::Index(y[i]));
        } else {
            const double d = out(i, 0) - y[i];
            buf[i] = d * d;
        }
    }
    if (kind == LossKind::CrossEntropy) crossEntropyInPlace(buf, n);
    return buf.head(n).matrix();
}

double meanLoss(LossKind kind, const MatrixRM& out, const Eigen::VectorXd& y) {
    return out.rows() ? lossSum(kind, out, y) / double(out.rows())
                      : std::numeric_limits<double>::quiet_NaN();
}

Eigen::VectorXi argmaxRows(const MatrixRM& out) {
    Eigen::VectorXi p(out.rows());
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
        Eigen::Index best = 0;
        for (Eigen::Index j = 1; j < out.cols(); ++j)
            if (out(i, j) > out(i, best)) best = j;
        p[i] = int(best);
    }
    return p;
}

Metrics computeMetrics(TaskKind task, const MatrixRM& out, const Eigen::VectorXd& y) {
    const double n = double(y.size());
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (y.size() == 0) // no samples: every metric is undefined
        return task == TaskKind::Classification
                   ? Metrics{{"accuracy", nan}}
                   : Metrics{{"mae", nan}, {"r2", nan}, {"pearson", nan}};
    if (task == TaskKind::Classification) {
        const Eigen::VectorXi p = argmaxRows(out);
        std::size_t correct = 0;
        for (Eigen::Index i = 0; i < y.size(); ++i)
            correct += p[i] == int(y[i]) ? 1 : 0;
        return {{"accuracy", double(correct) / n}};
    }
    const Eigen::VectorXd o = out.col(0);
    const double mae = (o - y).cwiseAbs().mean();
    const double ssRes = (o - y).squaredNorm();
    const double ssTot = (y.array() - y.mean()).square().sum();
    const double r2 = ssTot > 0 ? 1.0 - ssRes / ssTot : std::numeric_limits<double>::quiet_NaN();
    const Eigen::ArrayXd dy = y.array() - y.mean(), dout = o.array() - o.mean();
    const double denom = std::sqrt(dy.square().sum() * dout.square().sum());
    const double pearson =
        denom > 0 ? (dy * dout).sum() / denom : std::numeric_limits<double>::quiet_NaN();
    return {{"mae", mae}, {"r2", r2}, {"pearson", pearson}};
}

double metricValue(const Metrics& metrics, const std::string& name) {
    for (const auto& [k, v] : metrics)
        if (k == name) return v;
    return std::numeric_limits<double>::quiet_NaN();
}

} // namespace netsurf
