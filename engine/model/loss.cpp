#include "engine/model/loss.h"

#include <cmath>
#include <limits>

namespace netsurf {

namespace {
constexpr double kMinProb = 1e-15;
}

double lossSum(LossKind kind, const MatrixRM& out, const Eigen::VectorXd& y, MatrixRM* dOut) {
    const Eigen::Index n = out.rows();
    if (dOut) dOut->setZero(out.rows(), out.cols());
    double sum = 0;
    if (kind == LossKind::CrossEntropy) {
        for (Eigen::Index i = 0; i < n; ++i) {
            const auto c = Eigen::Index(y[i]);
            const double p = std::max(out(i, c), kMinProb);
            sum -= std::log(p);
            if (dOut) (*dOut)(i, c) = -1.0 / p;
        }
    } else {
        for (Eigen::Index i = 0; i < n; ++i) {
            const double d = out(i, 0) - y[i];
            sum += d * d;
            if (dOut) (*dOut)(i, 0) = 2.0 * d;
        }
    }
    return sum;
}

Eigen::VectorXd perSampleLoss(LossKind kind, const MatrixRM& out, const Eigen::VectorXd& y) {
    Eigen::VectorXd l(out.rows());
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
        if (kind == LossKind::CrossEntropy) {
            l[i] = -std::log(std::max(out(i, Eigen::Index(y[i])), kMinProb));
        } else {
            const double d = out(i, 0) - y[i];
            l[i] = d * d;
        }
    }
    return l;
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
        for (Eigen::Index i = 0; i < y.size(); ++i) correct += p[i] == int(y[i]) ? 1 : 0;
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
