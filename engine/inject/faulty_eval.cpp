// Clean state shared by the faulty evaluators, the per-row finishing both use, and the dense
// reference evaluator (SPEC §4).
#include "engine/inject/faulty_eval.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "engine/inject/faulty_eval_kernels.h"
#include "engine/model/input_grid.h"

namespace netsurf {

namespace {

// argmax of one row, first index on ties (as argmaxRows).
int rowArgmax(const double* out, int width) {
    int best = 0;
    double top = out[0];
    for (int j = 1; j < width; ++j) {
        const bool above = out[j] > top;
        top = above ? out[j] : top;
        best = above ? j : best;
    }
    return best;
}

// Per-sample results of a block of output rows (rows[p] ↔ out row p), computed the same way for
// the clean pass and every faulty pass.
struct RowResults {
    Eigen::ArrayXd loss; // ℓ_p (padded for the packet log)
    std::vector<int> pred;
};

RowResults& rowScratch() {
    thread_local RowResults s; // reused by the calls of one thread; fully rewritten per call
    return s;
}

// ℓ_p: cross-entropy −log max(p_y, 1e-15) (the logs in one aligned packet pass padded to whole
// packets, so a value never depends on its position), MSE (o − y)²; pred_p = argmax.
void rowResults(const Model& m, const std::vector<int>& rows, const double* out,
                const Eigen::VectorXd& y, RowResults& res) {
    const int c = m.outputs;
    const auto count = Eigen::Index(rows.size()), padded = paddedCount(count);
    if (res.loss.size() < padded) res.loss.resize(padded);
    res.pred.resize(rows.size());
    const bool ce = m.loss == LossKind::CrossEntropy;
    for (Eigen::Index p = 0; p < count; ++p) {
        const double* o = out + p * c;
        const double t = y[rows[std::size_t(p)]];
        if (m.task == TaskKind::Classification) res.pred[std::size_t(p)] = rowArgmax(o, c);
        res.loss[p] = ce ? o[int(t)] : (o[0] - t) * (o[0] - t);
    }
    if (ce) crossEntropyInPlace(res.loss, count);
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

FaultyEvalBase::FaultyEvalBase(const Model& model, const MatrixRM& rawX, const Eigen::VectorXd& y)
    : m_model(model), m_y(y) {
    m_X = evaluationInputs(model, rawX, &m_inputGrid);
    if (m_y.size() != m_X.rows())
        throw std::invalid_argument("FaultyEvalBase: inputs and labels differ in row count");
    m_tensorLayer.assign(model.tensors.size(), -1);
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& ly = model.layers[l];
        for (int t :
             {ly.kernel, ly.bias, ly.alpha, ly.beta, ly.gamma, ly.movingMean, ly.movingVariance})
            if (t >= 0) m_tensorLayer[std::size_t(t)] = int(l);
    }
    std::vector<std::uint32_t> byLayer(model.tensors.size());
    std::iota(byLayer.begin(), byLayer.end(), 0u);
    std::stable_sort(byLayer.begin(), byLayer.end(), [this](std::uint32_t a, std::uint32_t b) {
        return m_tensorLayer[a] < m_tensorLayer[b];
    });
    m_tensorRank.resize(model.tensors.size());
    for (std::uint32_t r = 0; r < byLayer.size(); ++r)
        m_tensorRank[byLayer[r]] = r;
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
    std::vector<int> all(static_cast<std::size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    RowResults res;
    rowResults(m_model, all, out, m_y, res);
    m_cleanLoss = res.loss.head(n);
    m_cleanPred = Eigen::Map<const Eigen::VectorXi>(res.pred.data(), n);
    if (m_model.task != TaskKind::Classification) m_cleanPred.setZero(n);
    if (n > 0) m_moveThreshold = 0.01 * (m_y.maxCoeff() - m_y.minCoeff());
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
    // Sort by (layer, tensor, index) through one 64-bit key; sweeps pass sorted lists.
    const auto less = [this](const ParamFlip& a, const ParamFlip& b) {
        return ((std::uint64_t(m_tensorRank[a.tensor]) << 32) | a.index) <
               ((std::uint64_t(m_tensorRank[b.tensor]) << 32) | b.index);
    };
    if (!std::is_sorted(out.begin(), out.end(), less)) std::sort(out.begin(), out.end(), less);
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
    const bool classify = m_model.task == TaskKind::Classification;
    RowResults& res = rowScratch();
    rowResults(m_model, rows, out, m_y, res);
    MatrixRM reg;
    if (!classify) reg = m_cleanOut.leftCols(1);
    double sum = 0;
    std::size_t correct = 0, moved = 0, p = 0;
    for (Eigen::Index r = 0; r < n; ++r) { // in row order
        const bool changed = p < rows.size() && rows[p] == r;
        sum += changed ? res.loss[Eigen::Index(p)] : m_cleanLoss[r];
        if (classify) {
            const int pred = changed ? res.pred[p] : m_cleanPred[r];
            correct += pred == int(m_y[r]) ? 1 : 0;
            moved += pred != m_cleanPred[r] ? 1 : 0;
        } else if (changed) {
            reg(r, 0) = out[std::ptrdiff_t(p) * m_model.outputs];
            moved += std::abs(reg(r, 0) - m_cleanOut(r, 0)) > m_moveThreshold ? 1 : 0;
        }
        p += changed ? 1 : 0;
    }
    FaultyOutcome o;
    const double dn = double(n);
    o.loss = n ? sum / dn : 0.0;
    o.mismatchRate = n ? double(moved) / dn : 0.0;
    o.metrics = classify ? Metrics{{"accuracy", n ? double(correct) / dn : 0.0}}
                         : computeMetrics(m_model.task, reg, m_y);
    return o;
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
