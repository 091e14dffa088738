// FastFaultyEvaluator: a flip set as sparse corrections of the cached clean activations.
//
// Clean pass once: A_0 = X (N×in), A_{l+1} = layer_l(A_l), kept row-major and column-major; the
// input A_l of every dense layer is also split as A_l = 1·cᵀ + S (SparseInput).
// The flips are walked layer by layer from the first flipped layer, the faulty activation A'_l
// being described relative to A_l by a State (Clean / Cols / Rows, see faulty_eval_fast.h).
// Transitions (δ = flip(w, mask) − w, exact on the grid):
//   dense, input Clean   kernel flip W[i,j] += δ:  Z'[:,j] = Z[:,j] + δ·c_i + δ·S[:,i]
//                        bias flip   b[j]   += δ:  Z'[:,j] = Z[:,j] + δ               → Cols
//                        or, by the fixed cost rule of FastFaultyEvaluator (kScatter, …), the
//                        whole layer: Z' = 1·(cᵀW' + b') + S·W'  or  Z' = A_l·W' + b' → Rows(all)
//   dense, input Cols    ΔA = A'_l − A_l on the stored columns C (all-zero ones dropped);
//                        Z' = Z + ΔA·W[C,:], then this layer's own flips:
//                        W[i,j] += δ: Z'[:,j] += δ·A'_l[:,i] (the faulty input); b[j] += δ:
//                        Z'[:,j] += δ                     → Rows(rows where Z' ≠ Z)
//   dense, input Rows    R = rows where A'_l ≠ A_l (exact compare)
//                          ∪ rows s with A_l[s,i] ≠ 0 for a kernel flip W[i,·] of this layer
//                          ∪ all rows if a bias of this layer flips;
//                        Z'[R,:] = A'_l[R,:]·W' + b' (one product)               → Rows(R)
//   element-wise         Clean/Cols: the layer's op (faulty α, β, γ, …) on the stored columns
//                        plus a new column, from A_l, per flipped channel          → Cols
//                        Rows: the op on the stored rows; if a channel of this layer flips,
//                        every row changes                                         → Rows(all)
//   softmax              Rows(R) restricted to the rows that changed, softmax of those rows.
// The quantized ReLU absorbs most small changes; comparing new and clean values exactly keeps
// R small. At the end only the rows whose output differs are re-scored; the others keep their
// clean per-sample loss and prediction, and the loss is summed in row order (finishRows).
// With the inputs on their exact grid (FaultyEvalBase) every dense-layer value is an exact
// double in both paths, the element-wise and softmax kernels are shared with the dense
// evaluator, so both evaluators produce the same bits for the benchmark architectures.
#include <cmath>
#include <numeric>

#include "engine/inject/faulty_eval_fast.h"

namespace netsurf {

namespace {

bool isElementwise(LayerKind k) {
    return k == LayerKind::ApplyAlpha || k == LayerKind::BatchNorm || k == LayerKind::QRelu;
}

faulty::Scratch& scratch() {
    thread_local faulty::Scratch s;
    return s;
}

} // namespace

FastFaultyEvaluator::Impl::Impl(const Model& m, const MatrixRM& x) : model(m), X(x), n(x.rows()) {
    faulty::FaultyTensors clean;
    clean.reset(m, {});
    std::vector<double> a, b;
    Eigen::ArrayXd e;
    faulty::forwardAll(m, x, clean, a, b, e, &acts);
    colAct.reserve(acts.size() + 1);
    colAct.emplace_back(x);
    for (const MatrixRM& A : acts) colAct.emplace_back(A);
    sparse.resize(m.layers.size());
    exactFloat.assign(m.layers.size(), 0);
    const int bits = m.scheme.m();
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const Layer& ly = m.layers[l];
        if (ly.kind != LayerKind::Dense) continue;
        sparse[l] = faulty::SparseInput::build(colAct[l]);
        const bool afterQrelu = l > 0 && m.layers[l - 1].kind == LayerKind::QRelu;
        const int sumBits = int(std::ceil(std::log2(double(ly.in) + 1.0)));
        exactFloat[l] = afterQrelu && 2 * bits + sumBits <= 24 && m.scheme.f() + bits < 100;
    }
}

std::size_t FastFaultyEvaluator::Impl::step(std::size_t l, Scratch& s) const {
    const Flips own = flipsOf(s, l);
    switch (model.layers[l].kind) {
    case LayerKind::Dense:
        switch (s.st.kind) {
        case State::Kind::Clean: denseFromClean(l, own, s); break;
        case State::Kind::Cols: denseFromCols(l, own, s); break;
        case State::Kind::Rows: denseFromRows(l, own, s); break;
        }
        return l + 1;
    case LayerKind::Softmax: softmaxStep(l, s.st); return l + 1;
    default:
        if (s.st.kind == State::Kind::Rows) {
            elementRows(l, own, s);
            return l + 1;
        }
        return elementChain(l, s);
    }
}

void FastFaultyEvaluator::Impl::softmaxStep(std::size_t l, State& st) const {
    toRows(l, st);
    if (st.kind == State::Kind::Rows)
        faulty::softmaxRows(st.row.data(), Eigen::Index(st.rows.size()), st.width, st.expBuf);
}

void FastFaultyEvaluator::Impl::elementRows(std::size_t l, Flips own, Scratch& s) const {
    State& st = s.st;
    if (!own.empty()) expandRows(l, st); // a flipped channel changes every row
    double* v = st.row.data();
    faulty::applyRows(faulty::makeElementOp(model, model.layers[l], s.tensors), v, v,
                      Eigen::Index(st.rows.size()), st.width);
}

// The run [l, e) of element-wise layers on a Clean/Cols state, one column at a time (each column
// stays in cache through the run): a stored column goes through every op of the run, a column
// first changed by a flip at layer t starts from the clean A_t.
std::size_t FastFaultyEvaluator::Impl::elementChain(std::size_t l, Scratch& s) const {
    State& st = s.st;
    std::size_t e = l;
    while (e < model.layers.size() && isElementwise(model.layers[e].kind)) ++e;
    if (st.kind == State::Kind::Clean) beginCols(st, model.layers[l].out);
    st.start.assign(st.chan.size(), l);
    st.ops.resize(e - l);
    for (std::size_t t = l; t < e; ++t) {
        st.ops[t - l] = faulty::makeElementOp(model, model.layers[t], s.tensors);
        for (const ParamFlip& f : flipsOf(s, t)) {
            if (st.slot[f.index] >= 0) continue;
            slotFor(st, t, int(f.index));
            st.start.push_back(t);
        }
    }
    for (std::size_t k = 0; k < st.chan.size(); ++k) {
        double* v = st.col.data() + Eigen::Index(k) * n;
        for (std::size_t t = st.start[k]; t < e; ++t)
            faulty::applyColumn(st.ops[t - l], st.chan[k], v, v, n);
    }
    return e;
}

FastFaultyEvaluator::FastFaultyEvaluator(const Model& model, const MatrixRM& rawX,
                                         const Eigen::VectorXd& y)
    : FaultyEvalBase(model, rawX, y), m_impl(std::make_unique<Impl>(model, m_X)) {}

FastFaultyEvaluator::~FastFaultyEvaluator() = default;

FaultyOutcome FastFaultyEvaluator::evaluate(const std::vector<ParamFlip>& flips) const {
    faulty::Scratch& s = scratch();
    canonicalize(flips, s.flips);
    if (s.flips.empty()) return clean();
    s.tensors.reset(m_model, s.flips);
    faulty::State& st = s.st;
    st.kind = faulty::State::Kind::Clean;
    const std::size_t layers = m_model.layers.size();
    s.layerBegin.assign(layers + 1, 0); // canonical order groups the flips by layer
    for (const ParamFlip& f : s.flips) ++s.layerBegin[std::size_t(layerOfTensor(f.tensor)) + 1];
    std::partial_sum(s.layerBegin.begin(), s.layerBegin.end(), s.layerBegin.begin());
    for (std::size_t l = 0; l < layers;) {
        if (st.kind == faulty::State::Kind::Clean) {
            if (s.layerBegin[l] == s.flips.size()) return clean(); // nothing changes any more
            if (s.layerBegin[l + 1] == s.layerBegin[l]) {
                ++l;
                continue;
            }
        }
        l = m_impl->step(l, s);
    }
    m_impl->toRows(layers, st);
    if (st.kind == faulty::State::Kind::Clean) return clean();
    return finishRows(st.rows, st.row.data());
}

} // namespace netsurf
