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
//   element-wise run     Clean/Cols: every op of a run of element-wise layers (faulty α, β, γ, …)
//                        on each stored column in turn, plus a new column, from the clean A_t,
//                        per channel flipped at layer t of the run               → Cols
//                        (right after column patches, each column goes through the run as soon
//                        as it is patched, while it is still in cache)
//                        Rows: the op on the stored rows; if a channel of this layer flips,
//                        every row changes                                         → Rows(all)
//   softmax              Rows(R) restricted to the rows that changed, softmax of those rows.
// The quantized ReLU absorbs most small changes; comparing new and clean values exactly keeps
// R small. At the end only the rows in R are re-scored; the others keep their clean per-sample
// loss and prediction, and the loss is summed in row order (finishRows).
// With the inputs on their exact grid (FaultyEvalBase) every dense-layer value is an exact
// double in both paths, the element-wise and softmax kernels are shared with the dense
// evaluator, so both evaluators produce the same bits for the benchmark architectures.
#include <bit>
#include <cmath>
#include <numeric>

#include "engine/inject/code_product.h"
#include "engine/inject/faulty_eval_fast.h"

namespace netsurf {

namespace {

faulty::Scratch& scratch() {
    thread_local faulty::Scratch s;
    return s;
}

// A (the output of the quantized ReLU op) as its codes A / step when every value is one of at
// most 256 levels (else empty).
std::vector<std::uint8_t> qreluCodes(const Eigen::MatrixXd& A, const faulty::ElementOp& op) {
    if (op.kmax > 255) return {};
    std::vector<std::uint8_t> out(std::size_t(A.size()));
    for (Eigen::Index t = 0; t < A.size(); ++t) {
        const double k = A.data()[t] / op.step; // exact: step is a power of two
        if (!(k >= 0 && k <= op.kmax && k == std::nearbyint(k))) return {};
        out[std::size_t(t)] = std::uint8_t(k);
    }
    return out;
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
    for (const MatrixRM& A : acts)
        colAct.emplace_back(A);
    sparse.resize(m.layers.size());
    exactFloat.assign(m.layers.size(), 0);
    codes.resize(m.layers.size());
    wcodes.resize(m.layers.size());
    codeScale.assign(m.layers.size(), 0.0);
    codeStep.assign(m.layers.size(), 0.0);
    narrow.assign(m.layers.size(), 0);
    faulty::FaultyTensors cleanOps;
    cleanOps.reset(m, {});
    const int bits = m.scheme.m();
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const Layer& ly = m.layers[l];
        if (ly.kind != LayerKind::Dense) continue;
        sparse[l] = faulty::SparseInput::build(colAct[l]);
        const bool afterQrelu = l > 0 && m.layers[l - 1].kind == LayerKind::QRelu;
        const int sumBits = int(std::ceil(std::log2(double(ly.in) + 1.0)));
        const Eigen::ArrayXd k = m.tensors[std::size_t(ly.kernel)].values.array() *
                                 std::ldexp(1.0, m.scheme.f()); // W·2^f: integers below 2^m?
        const bool onGrid = (k == k.round()).all() && (k.abs() <= std::ldexp(1.0, bits)).all();
        exactFloat[l] =
            afterQrelu && onGrid && 2 * bits + sumBits <= 24 && m.scheme.f() + bits < 100;
        if (!exactFloat[l]) continue;
        const faulty::ElementOp q = faulty::makeElementOp(m, m.layers[l - 1], cleanOps);
        // The product also takes up to `in` columns of A' codes with the flip deltas ΔW as
        // codes (|ΔW·2^f| < 2^m).
        const double wmax = std::max(k.abs().maxCoeff(), std::ldexp(1.0, bits) - 1);
        if (!faulty::codeProductFits(2 * ly.in, q.kmax, wmax)) continue;
        codes[l] = qreluCodes(colAct[l], q);
        if (codes[l].empty()) continue;
        wcodes[l].resize(std::size_t(k.size()));
        for (Eigen::Index t = 0; t < k.size(); ++t)
            wcodes[l][std::size_t(t)] = std::int16_t(k[t]);
        codeStep[l] = q.step;
        narrow[l] = faulty::codeProduct8Fits(2 * ly.in, q.kmax, wmax);
        codeScale[l] = q.step * std::ldexp(1.0, -m.scheme.f());
    }
}

std::size_t FastFaultyEvaluator::Impl::step(std::size_t l, Scratch& s) const {
    switch (model.layers[l].kind) {
    case LayerKind::Dense:
        switch (s.st.kind) {
        case State::Kind::Clean:
            return denseFromClean(l, s);
        case State::Kind::Cols:
            denseFromCols(l, s);
            break;
        case State::Kind::Rows:
            return denseFromRows(l, s);
        }
        return l + 1;
    case LayerKind::Softmax:
        softmaxStep(l, s.st);
        return l + 1;
    default:
        if (s.st.kind == State::Kind::Rows) {
            elementRows(l, s);
            return l + 1;
        }
        const std::size_t e = prepareChain(l, s);
        const bool delta = e < model.layers.size() && model.layers[e].kind == LayerKind::Dense;
        if (delta) beginDelta(s.st, e);
        for (std::size_t k = 0; k < s.st.chan.size(); ++k)
            runChain(s.st, k, e, delta, s.st.col.data() + Eigen::Index(k) * n);
        return e;
    }
}

void FastFaultyEvaluator::Impl::softmaxStep(std::size_t l, State& st) const {
    toRows(l, st);
    if (st.kind != State::Kind::Rows) return;
    softmaxRows(st.row.data(), Eigen::Index(st.rows.size()), st.width, st.expBuf);
    st.compact = false;
}

void FastFaultyEvaluator::Impl::elementRows(std::size_t l, Scratch& s) const {
    State& st = s.st;
    if (!flipsOf(s, l).empty()) expandRows(l, st); // a flipped channel changes every row
    double* v = st.row.data();
    faulty::applyRows(faulty::makeElementOp(model, model.layers[l], s.tensors), v, v,
                      Eigen::Index(st.rows.size()), st.width);
    st.compact = false;
}

// Sets up the run [l, e) of element-wise layers on a Clean/Cols state: the ops (faulty
// parameters) and a new column, copied from the clean A_t, for each channel first flipped at
// layer t of the run. Stored columns go through the whole run. Returns e.
std::size_t FastFaultyEvaluator::Impl::prepareChain(std::size_t l, Scratch& s) const {
    State& st = s.st;
    std::size_t e = l;
    while (e < model.layers.size() && elementwise(model.layers[e].kind))
        ++e;
    if (st.kind == State::Kind::Clean) beginCols(st, model.layers[l].out);
    st.start.assign(st.chan.size(), l);
    st.chainBegin = l;
    st.ops.resize(e - l);
    for (std::size_t t = l; t < e; ++t) {
        st.ops[t - l] = faulty::makeElementOp(model, model.layers[t], s.tensors);
        for (const ParamFlip& f : flipsOf(s, t)) {
            if (st.slot[f.index] >= 0) continue;
            slotFor(st, t, int(f.index));
            st.start.push_back(t);
        }
    }
    return e;
}

// Column k through the layers [start[k], end) of the prepared run, in place; with `delta`,
// also its ΔA column for the dense layer `end` (fused with a final apply_alpha → qrelu pair).
void FastFaultyEvaluator::Impl::runChain(State& st, std::size_t k, std::size_t end, bool delta,
                                         double* v) const {
    const int c = st.chan[k];
    for (std::size_t t = st.start[k]; t < end; ++t) {
        const faulty::ElementOp& op = st.ops[t - st.chainBegin];
        if (op.kind != LayerKind::ApplyAlpha || t + 1 >= end ||
            st.ops[t + 1 - st.chainBegin].kind != LayerKind::QRelu) {
            faulty::applyColumn(op, c, v, v, n);
            continue;
        }
        const faulty::ElementOp& q = st.ops[++t - st.chainBegin];
        if (delta && t + 1 == end && exactFloat[end]) {
            fusedAlphaQreluDelta(st, k, op, q, v);
            return;
        }
        faulty::applyAlphaQrelu(op, q, c, v, v, n);
    }
    if (delta) deltaColumn(st, k);
}

// ΔA[:,k] = qrelu(clip(fma(α_c, v, β_c))) − A[:,c] in one pass over the pre-activation column v:
// as the integer codes k' − k (A read as one-byte codes) when layer deltaFor has the integer
// product, else in float (exact either way). The faulty column itself is not stored: slot k is
// marked stale (see faultyColumn).
void FastFaultyEvaluator::Impl::fusedAlphaQreluDelta(State& st, std::size_t k,
                                                     const faulty::ElementOp& alpha,
                                                     const faulty::ElementOp& q,
                                                     const double* v) const {
    const int c = st.chan[k];
    const double a = alpha.a[c], b = alpha.b[c], lo = alpha.lo, hi = alpha.hi;
    const double scale = q.scale, kmax = q.kmax;
    if (intDelta(st.deltaFor)) { // ΔA as codes k' − k
        const std::uint8_t* c8 = codes[st.deltaFor].data() + Eigen::Index(c) * n;
        const bool any = narrow[st.deltaFor]
                             ? faulty::qreluCodeDelta(v, c8, st.dA8.data() + Eigen::Index(k) * n, n,
                                                      a, b, lo, hi, scale, kmax)
                             : faulty::qreluCodeDelta(v, c8, st.dAi.data() + Eigen::Index(k) * n, n,
                                                      a, b, lo, hi, scale, kmax);
        st.deltaAny = st.deltaAny || any;
    } else {
        const double* c0 = colOf(st.deltaFor, c);
        float* d = st.dAf.data() + Eigen::Index(k) * n;
        std::uint32_t any = 0;
        for (Eigen::Index r = 0; r < n; ++r) {
            const double y =
                faulty::qreluValue(q, std::min(std::max(std::fma(a, v[r], b), lo), hi));
            d[r] = float(y - c0[r]);
            any |= std::bit_cast<std::uint32_t>(d[r]) & 0x7fffffffu;
        }
        st.deltaAny = st.deltaAny || any != 0;
    }
    st.stale[k] = 1;
}

// The faulty column A'_l[:,chan[k]] of slot k: its stored values, or for a stale slot
// A_l[:,c] + ΔA[:,k] (exact: ΔA is the exact difference) written into tmp.
const double* FastFaultyEvaluator::Impl::faultyColumn(State& st, std::size_t l, int k,
                                                      std::vector<double>& tmp) const {
    if (!st.stale[std::size_t(k)]) return st.col.data() + Eigen::Index(k) * n;
    const double* c0 = colOf(l, st.chan[std::size_t(k)]);
    double* out = faulty::grow(tmp, std::size_t(n));
    const float* d = st.dAf.data() + Eigen::Index(k) * n; // layers with codes never read A'
    for (Eigen::Index r = 0; r < n; ++r)
        out[r] = c0[r] + double(d[r]);
    return out;
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
    s.deltas.resize(s.flips.size()); // filled per layer by the paths that use them
    const std::size_t layers = m_model.layers.size();
    s.layerBegin.assign(layers + 1, 0); // canonical order groups the flips by layer
    for (const ParamFlip& f : s.flips)
        ++s.layerBegin[std::size_t(layerOfTensor(f.tensor)) + 1];
    std::partial_sum(s.layerBegin.begin(), s.layerBegin.end(), s.layerBegin.begin());
    s.input.resize(s.flips.size());
    s.output.resize(s.flips.size());
    for (std::size_t l = 0; l < layers; ++l) { // one division per flip
        const Layer& ly = m_model.layers[l];
        const auto out = std::uint32_t(std::max(ly.out, 1));
        for (std::size_t k = s.layerBegin[l]; k < s.layerBegin[l + 1]; ++k) {
            const ParamFlip& f = s.flips[k];
            const bool kernel = int(f.tensor) == ly.kernel;
            s.input[k] = kernel ? int(f.index / out) : -1;
            s.output[k] = kernel ? int(f.index % out) : int(f.index);
        }
    }
    faulty::State& st = s.st;
    st.kind = faulty::State::Kind::Clean;
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
    if (st.kind == faulty::State::Kind::Cols) m_impl->colsToRows(layers, st);
    if (st.kind == faulty::State::Kind::Clean) return clean();
    // Rows whose output equals the clean one re-score to their clean values: no compaction.
    return finishRows(st.rows, st.row.data());
}

} // namespace netsurf
