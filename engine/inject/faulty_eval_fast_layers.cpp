// FastFaultyEvaluator: the dense layers (Z = A·W + b, A: N×in, W: in×out row-major) for each
// kind of faulty input (see the transitions in faulty_eval_fast.cpp).
#include <algorithm>
#include <bit>
#include <numeric>

#include "engine/inject/code_product.h"
#include "engine/inject/faulty_eval_fast.h"

namespace netsurf {

namespace {

using faulty::ConstMapRM;
using faulty::MapRM;
using ConstMapVec = Eigen::Map<const Eigen::VectorXd>;
using MapVec = Eigen::Map<Eigen::VectorXd>;
using ColMajorMap = Eigen::Map<Eigen::MatrixXd>;

bool isKernel(const Layer& l, const ParamFlip& f) {
    return int(f.tensor) == l.kernel;
}
// A patch of input column i streams the whole column when scattering its non-zeros would cost
// more (the cost model of FastFaultyEvaluator).
bool streamed(const faulty::SparseInput& sp, int i) {
    return FastFaultyEvaluator::kScatter * double(sp.nnz(i)) >
           FastFaultyEvaluator::kStream * double(sp.rows);
}

// z[row[e]] += d·val(e) for e < count (rows distinct), eight independent updates per step: the
// loads of the next entries do not wait for the stores of the previous ones.
template <class Row, class Value>
void scatterAxpy(double* z, const Row* row, std::size_t count, double d, Value val) {
    std::size_t e = 0;
    for (; e + 8 <= count; e += 8) {
        double v[8];
        for (int t = 0; t < 8; ++t)
            v[t] = d * val(e + t);
        double zz[8];
        for (int t = 0; t < 8; ++t)
            zz[t] = z[row[e + t]];
        for (int t = 0; t < 8; ++t)
            z[row[e + t]] = zz[t] + v[t];
    }
    for (; e < count; ++e)
        z[row[e]] += d * val(e);
}

// Z += ΔA·W[C,:] (Z: N×out column-major) with ΔA = A'_l − A_l (N×|C|, column-major, prepared by
// Impl::deltaColumn) on the stored columns C. T = float when layer l's product is exact in single
// precision (Impl::exactFloat), which halves the work; the sum is then the same exact value as in
// double.
template <class T>
void addDeltaProduct(const faulty::State& st, Eigen::Index n, const double* W, Eigen::Index out,
                     const std::vector<T>& dA, std::vector<T>& wc, std::vector<T>& dZ,
                     Eigen::Map<Eigen::MatrixXd> Z) {
    using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    using MatRM = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto cols = Eigen::Index(st.chan.size());
    if (wc.size() < std::size_t(cols * out)) wc.resize(std::size_t(cols * out));
    for (Eigen::Index k = 0; k < cols; ++k) { // W[C,:]
        const double* w = W + std::ptrdiff_t(st.chan[std::size_t(k)]) * out;
        std::transform(w, w + out, wc.data() + k * out, [](double x) { return T(x); });
    }
    if (dZ.size() < std::size_t(n * out)) dZ.resize(std::size_t(n * out));
    Eigen::Map<Mat> dz(dZ.data(), n, out);
    dz.noalias() =
        Eigen::Map<const Mat>(dA.data(), n, cols) * Eigen::Map<const MatRM>(wc.data(), cols, out);
    Z += dz.template cast<double>();
}

} // namespace

// δ = flip(w, mask) − w of the flips of layer l (exact on the grid).
void FastFaultyEvaluator::Impl::computeDeltas(std::size_t l, Scratch& s) const {
    const faulty::Flipper flipper(model.scheme);
    for (std::size_t k = s.layerBegin[l]; k < s.layerBegin[l + 1]; ++k) {
        const ParamFlip& f = s.flips[k];
        s.deltas[k] = flipper.delta(model.tensors[f.tensor].values[Eigen::Index(f.index)], f.mask);
    }
}

// Clean input A_l: the cheapest of patches / sparse product / dense product by the fixed cost
// model documented with FastFaultyEvaluator::kScatter (counts and shapes only).
std::size_t FastFaultyEvaluator::Impl::denseFromClean(std::size_t l, Scratch& s) const {
    const Layer& ly = model.layers[l];
    const faulty::SparseInput& sp = sparse[l];
    const double rows = double(n), outs = double(ly.out);
    std::vector<std::uint8_t>& seen = s.st.mark; // patched output columns
    seen.assign(std::size_t(ly.out), 0);
    double patch = 0;
    for (const ParamFlip& f : flipsOf(s, l)) {
        if (isKernel(ly, f))
            patch += std::min(kScatter * double(sp.nnz(s.inputOf(f))), kStream * rows);
        std::uint8_t& j = seen[std::size_t(s.outputOf(f))];
        if (!j) patch += kStream * rows;
        j = 1;
    }
    const double sparseProd = kRowAxpy * (double(sp.nnz()) + rows) * outs;
    const double gemm = kGemm * rows * double(ly.in) * outs;
    if (patch <= std::min(sparseProd, gemm)) return patchColumns(l, s);
    State& st = s.st;
    allRows(st, ly.out);
    const double* W = s.tensors.values(std::uint32_t(ly.kernel));
    const double* b = s.tensors.values(std::uint32_t(ly.bias));
    if (sparseProd < gemm)
        sparseProduct(l, W, b, st.row.data());
    else
        faulty::denseLayer(rowAct(l), n, ly, W, b, st.row.data());
    return l + 1;
}

// Column patches of Z = A_{l+1}: for W[i,j] += δ, Z'[:,j] += δ·c_i + δ·S[:,i]; for b[j] += δ,
// Z'[:,j] += δ. The constant parts are summed per output column first (shift_j), the flips are
// grouped by output column, and each column, once patched, goes at once through the run of
// element-wise layers that follows (while it is in cache). Returns the next layer.
std::size_t FastFaultyEvaluator::Impl::patchColumns(std::size_t l, Scratch& s) const {
    const Layer& ly = model.layers[l];
    const faulty::SparseInput& sp = sparse[l];
    State& st = s.st;
    computeDeltas(l, s);
    beginCols(st, ly.out);
    st.shift.assign(std::size_t(ly.out), 0.0);
    for (const ParamFlip& f : flipsOf(s, l)) {
        const auto j = std::size_t(s.outputOf(f));
        if (st.slot[j] < 0) newSlot(st, int(j));
        if (!isKernel(ly, f))
            st.shift[j] += s.delta(f);
        else if (const int i = s.inputOf(f); !streamed(sp, i))
            st.shift[j] += s.delta(f) * sp.mode[std::size_t(i)];
    }
    groupBySlot(l, s);
    const std::size_t patched = st.chan.size();
    const bool chain = l + 1 < model.layers.size() && elementwise(model.layers[l + 1].kind);
    const std::size_t end = chain ? prepareChain(l + 1, s) : l + 1;
    const bool delta =
        chain && end < model.layers.size() && model.layers[end].kind == LayerKind::Dense;
    if (delta) beginDelta(st, end);
    // When the run ends in a fused apply_alpha → qrelu → ΔA, a patched column is built in one
    // reused buffer and only its ΔA is stored.
    const std::size_t cb = st.chainBegin;
    const bool fused = delta && exactFloat[end] && end >= cb + 2 &&
                       st.ops[end - 2 - cb].kind == LayerKind::ApplyAlpha &&
                       st.ops[end - 1 - cb].kind == LayerKind::QRelu;
    for (std::size_t k = 0; k < st.chan.size(); ++k) { // each column start to end while cached
        double* z = fused && k < patched ? faulty::grow(st.work, std::size_t(n))
                                         : st.col.data() + Eigen::Index(k) * n;
        if (k < patched) fillPatched(l, k, s, z);
        if (chain) runChain(st, k, end, delta, z);
    }
    return end;
}

// The kernel flips of layer l by slot: s.flips[order[t]] for t in [bucket[k], bucket[k+1]).
void FastFaultyEvaluator::Impl::groupBySlot(std::size_t l, Scratch& s) const {
    const Layer& ly = model.layers[l];
    State& st = s.st;
    const auto slotOf = [&](const ParamFlip& f) {
        return std::size_t(st.slot[std::size_t(s.outputOf(f))]);
    };
    st.bucket.assign(st.chan.size() + 1, 0);
    for (const ParamFlip& f : flipsOf(s, l))
        if (isKernel(ly, f)) ++st.bucket[slotOf(f) + 1];
    std::partial_sum(st.bucket.begin(), st.bucket.end(), st.bucket.begin());
    st.order.resize(std::size_t(st.bucket.back()));
    st.rows2.assign(st.bucket.begin(), st.bucket.end() - 1); // fill cursors
    for (std::size_t t = s.layerBegin[l]; t < s.layerBegin[l + 1]; ++t)
        if (isKernel(ly, s.flips[t]))
            st.order[std::size_t(st.rows2[slotOf(s.flips[t])]++)] = int(t);
}

// Slot k of a patch: Z'[:,j] = Z[:,j] + shift_j, then δ·S[:,i] scattered (or δ·A_l[:,i]
// streamed) per kernel flip W[i,j].
void FastFaultyEvaluator::Impl::fillPatched(std::size_t l, std::size_t k, Scratch& s,
                                            double* z) const {
    const faulty::SparseInput& sp = sparse[l];
    State& st = s.st;
    const int j = st.chan[k];
    MapVec(z, n) = ConstMapVec(colOf(l + 1, j), n).array() + st.shift[std::size_t(j)];
    for (int t = st.bucket[k]; t < st.bucket[k + 1]; ++t) {
        const std::size_t idx = std::size_t(st.order[std::size_t(t)]);
        const int i = s.inputOf(s.flips[idx]);
        const double d = s.deltas[idx];
        if (streamed(sp, i)) {
            MapVec(z, n) += d * ConstMapVec(colOf(l, i), n);
            continue;
        }
        const auto e0 = std::size_t(sp.colStart[std::size_t(i)]);
        const std::size_t count = std::size_t(sp.colStart[std::size_t(i) + 1]) - e0;
        if (sp.level.empty()) {
            const double* val = sp.colVal.data() + e0;
            scatterAxpy(z, sp.colRow.data() + e0, count, d,
                        [val](std::size_t e) { return val[e]; });
        } else { // compacted entries: S = level[code]
            const std::uint8_t* code = sp.colCode.data() + e0;
            const double* level = sp.level.data();
            scatterAxpy(z, sp.colRow16.data() + e0, count, d,
                        [code, level](std::size_t e) { return level[code[e]]; });
        }
    }
}

// Z = 1·u + S·W with u = cᵀ·W + b (A = 1·cᵀ + S): per row, one row of W per non-zero of S,
// accumulated 32 outputs at a time (in registers).
void FastFaultyEvaluator::Impl::sparseProduct(std::size_t l, const double* W, const double* b,
                                              double* Z) const {
    constexpr int kBlock = 32;
    const Layer& ly = model.layers[l];
    const faulty::SparseInput& sp = sparse[l];
    const int out = ly.out;
    Eigen::RowVectorXd u = Eigen::Map<const Eigen::RowVectorXd>(b, out);
    for (int i = 0; i < ly.in; ++i)
        if (const double c = sp.mode[std::size_t(i)]; c != 0.0)
            u += c * Eigen::Map<const Eigen::RowVectorXd>(W + std::ptrdiff_t(i) * out, out);
    for (Eigen::Index r = 0; r < n; ++r) {
        const int t0 = sp.rowStart[std::size_t(r)], t1 = sp.rowStart[std::size_t(r) + 1];
        for (int c0 = 0; c0 < out; c0 += kBlock) {
            const int width = std::min(kBlock, out - c0);
            double acc[kBlock] = {};
            std::copy_n(u.data() + c0, width, acc);
            for (int t = t0; t < t1; ++t) {
                const double v = sp.rowVal[std::size_t(t)];
                const double* w = W + std::ptrdiff_t(sp.rowCol[std::size_t(t)]) * out + c0;
                if (width == kBlock)
                    for (int c = 0; c < kBlock; ++c)
                        acc[c] += v * w[c];
                else
                    for (int c = 0; c < width; ++c)
                        acc[c] += v * w[c];
            }
            std::copy_n(acc, width, Z + r * out + c0);
        }
    }
}

// ΔA for the dense layer l that reads the Cols state next: resets the flags, sizes the buffer.
void FastFaultyEvaluator::Impl::beginDelta(State& st, std::size_t l) const {
    st.deltaFor = l;
    st.deltaAny = false;
    const std::size_t size = std::size_t(n) * std::size_t(model.layers[l].in);
    if (intDelta(l) && narrow[l] && st.dA8.size() < size) st.dA8.resize(size);
    if (intDelta(l) && !narrow[l] && st.dAi.size() < size) st.dAi.resize(size);
    if (!intDelta(l) && exactFloat[l] && st.dAf.size() < size) st.dAf.resize(size);
    if (!exactFloat[l] && st.dA.size() < size) st.dA.resize(size);
}

// Column k of ΔA = A'_l − A_l (l = st.deltaFor), in the precision of layer l's delta product;
// one pass, the non-zero test an OR of the magnitude bits.
void FastFaultyEvaluator::Impl::deltaColumn(State& st, std::size_t k) const {
    const double* v = st.col.data() + Eigen::Index(k) * n;
    const double* c0 = colOf(st.deltaFor, st.chan[k]);
    st.stale[k] = 0;
    std::uint64_t any = 0;
    if (intDelta(st.deltaFor)) { // v and c0 on the qrelu grid: (v − c0)/step is an integer
        const double inv = 1.0 / codeStep[st.deltaFor]; // a power of two
        const auto run = [&]<class T>(T* d) {
            T bits = 0;
            for (Eigen::Index r = 0; r < n; ++r) {
                d[r] = T((v[r] - c0[r]) * inv);
                bits |= d[r];
            }
            any = bits != 0;
        };
        if (narrow[st.deltaFor])
            run(st.dA8.data() + Eigen::Index(k) * n);
        else
            run(st.dAi.data() + Eigen::Index(k) * n);
    } else if (exactFloat[st.deltaFor]) {
        float* d = st.dAf.data() + Eigen::Index(k) * n;
        for (Eigen::Index r = 0; r < n; ++r) {
            d[r] = float(v[r] - c0[r]);
            any |= std::bit_cast<std::uint32_t>(d[r]) & 0x7fffffffu;
        }
    } else {
        double* d = st.dA.data() + Eigen::Index(k) * n;
        for (Eigen::Index r = 0; r < n; ++r) {
            d[r] = v[r] - c0[r];
            any |= std::bit_cast<std::uint64_t>(d[r]) & 0x7fffffffffffffffULL;
        }
    }
    st.deltaAny = st.deltaAny || any != 0;
}

// Cols input of a layer with integer codes (intDelta(l)): Z' = A'·W' + b' = Z + ΔA·W[C,:] +
// A'[:,I]·ΔW[I,:] + Δb, with I the inputs of this layer's kernel flips and ΔW their deltas, as one
// exact integer product (codes of ΔA and A', codes of W and ΔW) written row-major; → Rows
// restricted to the rows where Z' ≠ Z.
template <class T>
void FastFaultyEvaluator::Impl::denseFromColsCodes(std::size_t l, Scratch& s) const {
    const Layer& ly = model.layers[l];
    State& st = s.st;
    const Flips own = flipsOf(s, l);
    const int out = ly.out, K = int(st.chan.size());
    const double toCode = std::ldexp(1.0, model.scheme.f()); // δ·2^f: an integer (grid)
    computeDeltas(l, s);
    int E = 0; // extra columns: one per flipped input row I (kernel flips are sorted by index)
    for (std::size_t t = 0; t < own.size(); ++t)
        E += isKernel(ly, own[t]) &&
             (t == 0 || !isKernel(ly, own[t - 1]) || s.inputOf(own[t]) != s.inputOf(own[t - 1]));
    const auto cols = std::size_t(K + E);
    std::vector<T>& dA = st.codeColumns<T>();
    std::vector<T>& wc = st.codeWeights<T>();
    if (dA.size() < cols * std::size_t(n)) dA.resize(cols * std::size_t(n));
    wc.assign(cols * std::size_t(out), 0);
    for (int k = 0; k < K; ++k) {
        const std::int16_t* w = wcodes[l].data() + std::ptrdiff_t(st.chan[std::size_t(k)]) * out;
        std::transform(w, w + out, wc.data() + std::ptrdiff_t(k) * out,
                       [](auto v) { return T(v); });
    }
    st.shift.assign(std::size_t(out), 0.0);
    int e = K - 1, last = -1;
    for (const ParamFlip& f : own) {
        const double d = s.delta(f);
        if (!isKernel(ly, f)) {
            st.shift[std::size_t(f.index)] += d;
            continue;
        }
        if (const int i = s.inputOf(f); i != last) { // column K + e: the codes of A'[:,i]
            last = i;
            T* a = dA.data() + std::ptrdiff_t(++e) * n;
            const std::uint8_t* c8 = codes[l].data() + std::ptrdiff_t(i) * n;
            const int k = st.slot[std::size_t(i)];
            const T* dk = k >= 0 ? dA.data() + std::ptrdiff_t(k) * n : nullptr;
            for (Eigen::Index r = 0; r < n; ++r)
                a[r] = T(c8[r] + (dk ? dk[r] : 0));
        }
        wc[std::size_t(e) * std::size_t(out) + std::size_t(s.outputOf(f))] = T(d * toCode);
    }
    double* z = faulty::grow(st.row, std::size_t(n) * std::size_t(out));
    st.mark.resize(std::size_t(n));
    faulty::codeProductRows(dA.data(), n, int(cols), wc.data(), out, codeScale[l], st.shift.data(),
                            rowAct(l + 1), z, st.mark.data(), st.pairs);
    // → Rows: the changed rows, moved up in place (nothing moves when every row changed).
    st.rows.clear();
    for (Eigen::Index r = 0; r < n; ++r) {
        if (!st.mark[std::size_t(r)]) continue;
        if (const auto q = Eigen::Index(st.rows.size()); q != r)
            std::copy_n(z + r * out, out, z + q * out);
        st.rows.push_back(int(r));
    }
    st.kind = st.rows.empty() ? State::Kind::Clean : State::Kind::Rows;
    st.width = out;
    st.compact = true;
}

// Cols input: Z' = Z + ΔA·W[C,:], then the layer's own flips on the faulty input; → Rows
// restricted to the rows where Z' ≠ Z.
void FastFaultyEvaluator::Impl::denseFromCols(std::size_t l, Scratch& s) const {
    const Layer& ly = model.layers[l];
    State& st = s.st;
    const Flips own = flipsOf(s, l);
    const auto out = Eigen::Index(ly.out);
    const double* W = model.tensors[std::size_t(ly.kernel)].values.data();
    if (st.deltaFor != l) { // ΔA not prepared while the columns were computed
        beginDelta(st, l);
        for (std::size_t k = 0; k < st.chan.size(); ++k)
            deltaColumn(st, k);
    }
    if (!st.deltaAny && own.empty()) {
        st.kind = State::Kind::Clean;
        return;
    }
    if (intDelta(l)) {
        if (narrow[l])
            denseFromColsCodes<std::int8_t>(l, s);
        else
            denseFromColsCodes<std::int16_t>(l, s);
        return;
    }
    computeDeltas(l, s);
    // Z' built column-major (contiguous column updates), then stored row-major once.
    ColMajorMap Z(faulty::grow(st.zcol, std::size_t(n * out)), n, out);
    Z = colAct[l + 1];
    if (st.deltaAny && exactFloat[l])
        addDeltaProduct<float>(st, n, W, out, st.dAf, st.wcf, st.dZf, Z);
    else if (st.deltaAny)
        addDeltaProduct<double>(st, n, W, out, st.dA, st.wc, st.dZ, Z);
    for (const ParamFlip& f : own) { // W[i,j] += δ: Z'[:,j] += δ·A'_l[:,i]; b[j] += δ
        const double d = s.delta(f);
        const int j = s.outputOf(f);
        if (!isKernel(ly, f)) {
            Z.col(j).array() += d;
            continue;
        }
        const int i = s.inputOf(f), k = st.slot[std::size_t(i)];
        const double* x = k >= 0 ? faultyColumn(st, l, k, st.work) : colOf(l, i);
        Z.col(j) += d * ConstMapVec(x, n);
    }
    // → Rows: the rows of Z' that differ from the clean Z, row-major, in one pass.
    double* rowsOut = faulty::grow(st.row, std::size_t(n * out));
    const double* clean = rowAct(l + 1);
    st.rows.clear();
    for (Eigen::Index r = 0; r < n; ++r) {
        double* dst = rowsOut + Eigen::Index(st.rows.size()) * out;
        bool same = true;
        for (Eigen::Index o = 0; o < out; ++o) {
            dst[o] = Z(r, o);
            same = same && dst[o] == clean[r * out + o];
        }
        if (!same) st.rows.push_back(int(r));
    }
    st.kind = st.rows.empty() ? State::Kind::Clean : State::Kind::Rows;
    st.width = ly.out;
    st.compact = true;
}

// Rows input: R grows by the rows this layer's own flips reach, Z'[R,:] = A'_l[R,:]·W' + b'.
std::size_t FastFaultyEvaluator::Impl::denseFromRows(std::size_t l, Scratch& s) const {
    State& st = s.st;
    toRows(l, st);
    if (st.kind == State::Kind::Clean) return flipsOf(s, l).empty() ? l + 1 : denseFromClean(l, s);
    const Layer& ly = model.layers[l];
    if (!flipsOf(s, l).empty()) addOwnRows(l, s);
    const auto rows = Eigen::Index(st.rows.size());
    double* z = faulty::grow(st.spare, std::size_t(rows) * std::size_t(ly.out));
    faulty::denseLayer(st.row.data(), rows, ly, s.tensors.values(std::uint32_t(ly.kernel)),
                       s.tensors.values(std::uint32_t(ly.bias)), z);
    st.row.swap(st.spare);
    st.width = ly.out;
    st.compact = false;
    return l + 1;
}

// Adds to Rows(R) of A'_l the rows this layer's own flips reach: rows s ∉ R with A_l[s,i] ≠ 0
// for a kernel flip W[i,·]; every row for a bias flip. Their input rows are clean.
void FastFaultyEvaluator::Impl::addOwnRows(std::size_t l, Scratch& s) const {
    State& st = s.st;
    const Flips own = flipsOf(s, l);
    const Layer& ly = model.layers[l];
    const std::size_t before = st.rows.size(), w = std::size_t(ly.in);
    if (before == std::size_t(n)) return; // every row is in R already
    st.mark.assign(std::size_t(n), 0);
    for (int r : st.rows)
        st.mark[std::size_t(r)] = 1;
    const faulty::SparseInput& sp = sparse[l];
    for (const ParamFlip& f : own) {
        if (!isKernel(ly, f)) {
            std::fill(st.mark.begin(), st.mark.end(), std::uint8_t(1));
            break;
        }
        const int i = s.inputOf(f);
        if (sp.mode[std::size_t(i)] == 0.0) { // the non-zeros of A_l[:,i] are S's entries
            for (int e = sp.colStart[std::size_t(i)]; e < sp.colStart[std::size_t(i) + 1]; ++e)
                st.mark[std::size_t(sp.colRow[std::size_t(e)])] = 1;
            continue;
        }
        const double* x = colOf(l, i);
        for (Eigen::Index r = 0; r < n; ++r)
            st.mark[std::size_t(r)] |= x[r] != 0.0;
    }
    const auto count = std::size_t(std::count(st.mark.begin(), st.mark.end(), std::uint8_t(1)));
    if (count == before) return;
    double* g = faulty::grow(st.spare, count * w);
    st.rows2.clear();
    std::size_t p = 0;
    for (Eigen::Index r = 0; r < n; ++r) {
        if (!st.mark[std::size_t(r)]) continue;
        const bool stored = p < before && st.rows[p] == r;
        const double* src = stored ? st.row.data() + (p++) * w : rowAct(l) + r * Eigen::Index(w);
        std::copy_n(src, w, g + st.rows2.size() * w);
        st.rows2.push_back(int(r));
    }
    st.rows.swap(st.rows2);
    st.row.swap(st.spare);
}

} // namespace netsurf
