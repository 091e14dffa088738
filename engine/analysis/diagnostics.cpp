// Model diagnostics (diagnostics.h): ROC/AUC, confusion matrix, regression pairs, activation
// histograms, sparsity and tensor statistics. The JSON form is in diagnostics_json.cpp.
#include "engine/analysis/diagnostics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/model/evaluate.h"
#include "engine/model/input_grid.h"
#include "engine/model/loss.h"
#include "engine/model/network.h"

namespace netsurf {

namespace {

constexpr std::size_t kMaxGridBins = 256;
constexpr std::size_t kEqualBins = 64;

// Fraction of `values` equal to `limit`.
double fractionAt(const std::vector<double>& values, double limit) {
    if (values.empty()) return NAN;
    const auto n = std::count(values.begin(), values.end(), limit);
    return double(n) / double(values.size());
}

// One bin per code of the scheme over its whole range: edges Qmin − LSB/2, …, Qmax + LSB/2.
// Values are on the grid, so bin = (v − Qmin)/LSB exactly.
Histogram gridHistogram(const std::vector<double>& values, const QuantScheme& q) {
    const std::size_t codes = std::size_t(1) << q.m();
    Histogram h;
    const double lsb = q.lsb(), lo = q.minValue();
    for (std::size_t i = 0; i <= codes; ++i)
        h.edges.push_back(lo + (double(i) - 0.5) * lsb);
    h.counts.assign(codes, 0);
    for (double v : values) {
        const double k = std::round((v - lo) / lsb);
        ++h.counts[std::size_t(std::clamp(k, 0.0, double(codes - 1)))];
    }
    return h;
}

TensorDiagnostics tensorStats(const Tensor& t, const QuantScheme& q) {
    TensorDiagnostics d;
    d.tensor = t.name;
    d.role = t.role;
    d.qmin = q.minValue();
    d.qmax = q.maxValue();
    std::vector<double> v;
    for (Eigen::Index i = 0; i < t.size(); ++i)
        if (t.kept(i)) v.push_back(t.values[i]);
    d.kept = v.size();
    d.gridAligned = (std::size_t(1) << q.m()) <= kMaxGridBins;
    d.histogram = d.gridAligned ? gridHistogram(v, q) : histogramOf(v, kEqualBins);
    if (v.empty()) return d;
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    d.min = *lo;
    d.max = *hi;
    d.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    double ss = 0;
    for (double x : v)
        ss += (x - d.mean) * (x - d.mean);
    d.std = std::sqrt(ss / double(v.size()));
    d.atQmin = fractionAt(v, d.qmin);
    d.atQmax = fractionAt(v, d.qmax);
    return d;
}

} // namespace

RocCurve rocCurve(const Eigen::VectorXd& scores, const std::vector<bool>& positive,
                  int positiveClass) {
    RocCurve c;
    c.positiveClass = positiveClass;
    const auto n = std::size_t(scores.size());
    for (std::size_t i = 0; i < n; ++i)
        (positive[i] ? c.positives : c.negatives) += 1;
    if (c.positives == 0 || c.negatives == 0) return c;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return scores[Eigen::Index(a)] > scores[Eigen::Index(b)];
    });
    c.points.push_back({INFINITY, 0.0, 0.0});
    std::size_t tp = 0, fp = 0;
    double auc = 0;
    for (std::size_t i = 0; i < n;) {
        const double t = scores[Eigen::Index(order[i])];
        for (; i < n && scores[Eigen::Index(order[i])] == t; ++i) // ties: one step
            (positive[order[i]] ? tp : fp) += 1;
        const RocPoint& prev = c.points.back();
        RocPoint p{t, double(fp) / double(c.negatives), double(tp) / double(c.positives)};
        auc += (p.fpr - prev.fpr) * (p.tpr + prev.tpr) / 2; // trapezoid
        c.points.push_back(p);
    }
    c.auc = auc;
    return c;
}

ClassificationDiagnostics classificationDiagnostics(const MatrixRM& probabilities,
                                                    const Eigen::VectorXd& labels) {
    ClassificationDiagnostics d;
    const auto classes = std::size_t(probabilities.cols());
    d.samples = std::size_t(labels.size());
    d.confusion.assign(classes, std::vector<std::uint64_t>(classes, 0));
    const Eigen::VectorXi predicted = argmaxRows(probabilities);
    std::size_t correct = 0;
    for (Eigen::Index i = 0; i < labels.size(); ++i) {
        const auto truth = std::size_t(labels[i]), p = std::size_t(predicted[i]);
        if (truth < classes) ++d.confusion[truth][p];
        correct += truth == p ? 1 : 0;
    }
    if (d.samples > 0) d.accuracy = double(correct) / double(d.samples);
    double aucSum = 0;
    int aucCount = 0;
    for (std::size_t c = 0; c < classes; ++c) {
        std::vector<bool> positive(d.samples);
        for (std::size_t i = 0; i < d.samples; ++i)
            positive[i] = labels[Eigen::Index(i)] == double(c);
        d.roc.push_back(rocCurve(probabilities.col(Eigen::Index(c)), positive, int(c)));
        if (!std::isnan(d.roc.back().auc)) {
            aucSum += d.roc.back().auc;
            ++aucCount;
        }
    }
    if (aucCount > 0) d.macroAuc = aucSum / aucCount;
    return d;
}

RegressionDiagnostics regressionDiagnostics(const MatrixRM& outputs,
                                            const Eigen::VectorXd& targets) {
    RegressionDiagnostics d;
    d.truth.assign(targets.data(), targets.data() + targets.size());
    d.predicted.resize(std::size_t(outputs.rows()));
    for (Eigen::Index i = 0; i < outputs.rows(); ++i)
        d.predicted[std::size_t(i)] = outputs(i, 0);
    const Metrics m = computeMetrics(TaskKind::Regression, outputs, targets);
    d.mae = metricValue(m, "mae");
    d.r2 = metricValue(m, "r2");
    d.pearson = metricValue(m, "pearson");
    return d;
}

std::vector<ActivationDiagnostics> activationDiagnostics(const Model& model, const MatrixRM& X,
                                                         std::size_t bins) {
    ForwardCache cache;
    forward(model, X, ForwardMode::Exact, cache);
    std::vector<ActivationDiagnostics> out;
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& layer = model.layers[l];
        const MatrixRM& a = cache.acts[l + 1];
        ActivationDiagnostics d;
        d.layer = layer.name;
        d.kind = toString(layer.kind);
        const std::vector<double> v(a.data(), a.data() + a.size());
        d.values = v.size();
        d.histogram = histogramOf(v, bins);
        if (!v.empty()) {
            const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
            d.min = *lo;
            d.max = *hi;
        }
        d.quantized = layer.kind == LayerKind::ApplyAlpha || layer.kind == LayerKind::QRelu;
        if (d.quantized) {
            const bool alpha = layer.kind == LayerKind::ApplyAlpha;
            d.low = alpha ? model.scheme.minValue() : 0.0;
            d.high = alpha ? model.scheme.maxValue() : model.scheme.qreluMax();
            d.atLow = fractionAt(v, d.low);
            d.atHigh = fractionAt(v, d.high);
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<SparsityDiagnostics> sparsityDiagnostics(const Model& model) {
    std::vector<SparsityDiagnostics> out;
    for (const Tensor& t : model.tensors) {
        if (!t.trainable) continue;
        SparsityDiagnostics d;
        d.tensor = t.name;
        d.count = std::size_t(t.size());
        for (Eigen::Index i = 0; i < t.size(); ++i) {
            if (!t.kept(i))
                ++d.pruned;
            else if (t.values[i] == 0.0)
                ++d.zeroKept;
        }
        if (d.count > 0) {
            d.prunedFraction = double(d.pruned) / double(d.count);
            d.zeroKeptFraction = double(d.zeroKept) / double(d.count);
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<TensorDiagnostics> tensorDiagnostics(const Model& model) {
    std::vector<TensorDiagnostics> out;
    for (const Tensor& t : model.tensors)
        if (t.trainable) out.push_back(tensorStats(t, model.scheme));
    return out;
}

ModelDiagnostics computeDiagnostics(const Model& model, const Model& initial,
                                    const DiagnosticsInputs& in) {
    ModelDiagnostics d;
    d.task = model.task;
    const EvalResult test = evaluateModel(model, in.testX, in.testY);
    if (model.task == TaskKind::Classification)
        d.classification = classificationDiagnostics(test.outputs, in.testY);
    else
        d.regression = regressionDiagnostics(test.outputs, in.testY);
    const auto rows = Eigen::Index(std::min<std::size_t>(in.activationRows, in.valX.rows()));
    d.activationRows = std::size_t(rows);
    d.activations = activationDiagnostics(model, evaluationInputs(model, in.valX.topRows(rows)));
    d.sparsity = sparsityDiagnostics(model);
    d.tensors = tensorDiagnostics(model);
    d.initialTensors = tensorDiagnostics(initial);
    return d;
}

} // namespace netsurf
