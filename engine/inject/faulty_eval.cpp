// Clean state shared by the faulty evaluators, the per-row finishing both use, and the dense
// reference evaluator (SPEC §4).
#include "engine/inject/faulty_eval.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <tuple>

#include "engine/inject/faulty_eval_kernels.h"

namespace netsurf {

namespace {

constexpr double kMinProb = 1e-15; // as in lossSum / perSampleLoss

// ℓ of one output row: cross-entropy −log max(p_y, 1e-15); MSE (o − y)².
double rowLoss(LossKind kind, const double* out, double y) {
    if (kind == LossKind::CrossEntropy) return -std::log(std::max(out[int(y)], kMinProb));
    const double d = out[0] - y;
    return d * d;
}

// argmax of one row, first index on ties (as argmaxRows).
int rowArgmax(const double* out, int width) {
    int best = 0;
    for (int j = 1; j < width; ++j)
        if (out[j] > out[best]) best = j;
    return best;
}

struct DenseScratch {
    std::vector<ParamFlip> flips;
    faulty::FaultyTensors tensors;
    std::vector<double> bufA, bufB;
    Eigen::ArrayXd expBuf;
    std::vector<int> rows;
};

DenseScratch& denseScratch() {
    thread_local DenseScratch s; // reused by the calls of one thread; fully rewritten per call
    return s;
}

} // namespace

FaultyEvalBase::FaultyEvalBase(const Model& model, const MatrixRM& rawX,
                               const Eigen::VectorXd& y)
    : m_model(model), m_X(model.normalizer.apply(rawX)), m_y(y) {
    m_inputGrid = faulty::snapInputs(m_X, model.scheme);
    if (m_y.size() != m_X.rows())
        throw std::invalid_argument("FaultyEvalBase: inputs and labels differ in row count");
    m_tensorLayer.assign(model.tensors.size(), -1);
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& ly = model.layers[l];
        for (int t : {ly.kernel, ly.bias, ly.alpha, ly.beta, ly.gamma, ly.movingMean,
                      ly.movingVariance})
            if (t >= 0) m_tensorLayer[std::size_t(t)] = int(l);
    }
    setCleanState();
}

FaultyEvalBase::~FaultyEvalBase() = default;

void FaultyEvalBase::setCleanState() {
    faulty::FaultyTensors clean;
    clean.reset(m_model, {});
    std::vector<double> a, b;
    Eigen::ArrayXd e;
    const double* out = faulty::forwardAll(m_model, m_X, clean, a, b, e);
    const Eigen::Index n = m_X.rows();
    const int c = m_model.outputs;
    m_cleanOut = faulty::ConstMapRM(out, n, c);
    m_cleanLoss.resize(n);
    m_cleanPred.setZero(n);
    for (Eigen::Index r = 0; r < n; ++r) {
        m_cleanLoss[r] = rowLoss(m_model.loss, out + r * c, m_y[r]);
        if (m_model.task == TaskKind::Classification) m_cleanPred[r] = rowArgmax(out + r * c, c);
    }
    if (n > 0) m_moveThreshold = 0.01 * (m_y.maxCoeff() - m_y.minCoeff());
    std::vector<int> all(static_cast<std::size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    m_clean = finishRows(all, out);
}

double FaultyEvalBase::denseFlops() const {
    double macs = 0;
    for (const Layer& l : m_model.layers)
        if (l.kind == LayerKind::Dense) macs += double(l.in) * double(l.out);
    return 2.0 * macs * double(m_X.rows());
}

void FaultyEvalBase::canonicalize(const std::vector<ParamFlip>& in,
                                  std::vector<ParamFlip>& out) const {
    const std::uint32_t bits = std::uint32_t((1ULL << m_model.scheme.m()) - 1);
    out.clear();
    for (ParamFlip f : in) {
        if (f.tensor >= m_model.tensors.size() ||
            Eigen::Index(f.index) >= m_model.tensors[f.tensor].size())
            throw std::out_of_range("ParamFlip outside the model's tensors");
        f.mask &= bits;
        if (f.mask != 0 && m_tensorLayer[f.tensor] >= 0) out.push_back(f);
    }
    const auto key = [this](const ParamFlip& f) {
        return std::tuple(m_tensorLayer[f.tensor], f.tensor, f.index);
    };
    std::sort(out.begin(), out.end(),
              [&](const ParamFlip& a, const ParamFlip& b) { return key(a) < key(b); });
    // Merge repeated entries (masks XOR) and drop those that cancel out.
    std::size_t w = 0;
    for (std::size_t k = 0; k < out.size(); ++k) {
        if (w > 0 && out[w - 1].tensor == out[k].tensor && out[w - 1].index == out[k].index)
            out[w - 1].mask ^= out[k].mask;
        else
            out[w++] = out[k];
        if (out[w - 1].mask == 0) --w;
    }
    out.resize(w);
}

FaultyOutcome FaultyEvalBase::finishRows(const std::vector<int>& rows, const double* out) const {
    const Eigen::Index n = m_X.rows();
    const int c = m_model.outputs;
    const bool classify = m_model.task == TaskKind::Classification;
    MatrixRM reg;
    if (!classify) reg = m_cleanOut.leftCols(1);
    double sum = 0;
    std::size_t correct = 0, moved = 0, p = 0;
    for (Eigen::Index r = 0; r < n; ++r) {
        const bool changed = p < rows.size() && rows[p] == r;
        const double* o = changed ? out + std::ptrdiff_t(p++) * c : nullptr;
        sum += o ? rowLoss(m_model.loss, o, m_y[r]) : m_cleanLoss[r];
        if (classify) {
            const int pred = o ? rowArgmax(o, c) : m_cleanPred[r];
            correct += pred == int(m_y[r]) ? 1 : 0;
            moved += pred != m_cleanPred[r] ? 1 : 0;
        } else if (o) {
            reg(r, 0) = o[0];
            moved += std::abs(o[0] - m_cleanOut(r, 0)) > m_moveThreshold ? 1 : 0;
        }
    }
    FaultyOutcome res;
    const double dn = double(n);
    res.loss = n ? sum / dn : 0.0;
    res.mismatchRate = n ? double(moved) / dn : 0.0;
    res.metrics = classify ? Metrics{{"accuracy", n ? double(correct) / dn : 0.0}}
                           : computeMetrics(m_model.task, reg, m_y);
    return res;
}

FaultyOutcome DenseFaultyEvaluator::evaluate(const std::vector<ParamFlip>& flips) const {
    DenseScratch& s = denseScratch();
    canonicalize(flips, s.flips);
    if (s.flips.empty()) return clean();
    s.tensors.reset(m_model, s.flips);
    const double* out = faulty::forwardAll(m_model, m_X, s.tensors, s.bufA, s.bufB, s.expBuf);
    s.rows.resize(std::size_t(m_X.rows()));
    std::iota(s.rows.begin(), s.rows.end(), 0);
    return finishRows(s.rows, out);
}

} // namespace netsurf
