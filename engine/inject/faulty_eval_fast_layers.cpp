// FastFaultyEvaluator: the dense layers (Z = A·W + b, A: N×in, W: in×out row-major) for each
// kind of faulty input (see the transitions in faulty_eval_fast.cpp).
#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "engine/inject/faulty_eval_fast.h"

namespace netsurf {

namespace {

using faulty::ConstMapRM;
using faulty::MapRM;
using ColMajorMap = Eigen::Map<Eigen::MatrixXd>;
using ConstMapVec = Eigen::Map<const Eigen::VectorXd>;
using MapVec = Eigen::Map<Eigen::VectorXd>;

bool isKernel(const Layer& l, const ParamFlip& f) { return int(f.tensor) == l.kernel; }
int inputOf(const Layer& l, const ParamFlip& f) { return int(f.index / std::uint32_t(l.out)); }
int outputOf(const Layer& l, const ParamFlip& f) {
    return isKernel(l, f) ? int(f.index % std::uint32_t(l.out)) : int(f.index);
}
// δ = flip(w, mask) − w (exact: both values lie on the scheme's grid).
double deltaOf(const Model& m, const ParamFlip& f) {
    const double w = m.tensors[f.tensor].values[Eigen::Index(f.index)];
    return m.scheme.flip(w, f.mask) - w;
}
// A patch of input column i streams the whole column when scattering its non-zeros would cost
// more (the cost model of FastFaultyEvaluator).
bool streamed(const faulty::SparseInput& sp, int i) {
    return FastFaultyEvaluator::kScatter * double(sp.nnz(i)) >
           FastFaultyEvaluator::kStream * double(sp.rows);
}

} // namespace

// Clean input A_l: the cheapest of patches / sparse product / dense product by the fixed cost
// model documented with FastFaultyEvaluator::kScatter (counts and shapes only).
void FastFaultyEvaluator::Impl::denseFromClean(std::size_t l, Flips own, Scratch& s) const {
    const Layer& ly = model.layers[l];
    const faulty::SparseInput& sp = sparse[l];
    const double rows = double(n), outs = double(ly.out);
    std::vector<int>& seen = s.st.rows2; // patched output columns
    seen.assign(std::size_t(ly.out), 0);
    double patch = 0;
    for (const ParamFlip& f : own) {
        if (isKernel(ly, f))
            patch += std::min(kScatter * double(sp.nnz(inputOf(ly, f))), kStream * rows);
        int& j = seen[std::size_t(outputOf(ly, f))];
        if (!j) patch += kStream * rows;
        j = 1;
    }
    const double sparseProd = kStream * (double(sp.nnz()) + rows) * outs;
    double gemm = kGemm * rows * double(ly.in) * outs;
    static const char* force = std::getenv("FE_FORCE"); // TEMP calibration
    if (force) { patch = force[0] == 'p' ? 0 : 1e300; if (force[0] == 's') gemm = 1e301; if (force[0] == 'g') gemm = 0; }
    if (patch <= std::min(sparseProd, gemm)) {
        patchColumns(l, own, s.st);
        return;
    }
    State& st = s.st;
    st.rows.resize(std::size_t(n));
    std::iota(st.rows.begin(), st.rows.end(), 0);
    double* z = faulty::grow(st.row, std::size_t(n) * std::size_t(ly.out));
    const double* W = s.tensors.values(std::uint32_t(ly.kernel));
    const double* b = s.tensors.values(std::uint32_t(ly.bias));
    if (sparseProd < gemm)
        sparseProduct(l, W, b, z);
    else
        faulty::denseLayer(rowAct(l), n, ly, W, b, z);
    st.kind = State::Kind::Rows;
    st.width = ly.out;
}

// Column patches of Z = A_{l+1}: for W[i,j] += δ, Z'[:,j] += δ·c_i + δ·S[:,i] (S[:,i] scattered
// when sparse enough, else the whole column δ·A_l[:,i] streamed); for b[j] += δ, Z'[:,j] += δ.
// The constant parts are summed per column first (shift_j) and added while the column is set up.
void FastFaultyEvaluator::Impl::patchColumns(std::size_t l, Flips own, State& st) const {
    const Layer& ly = model.layers[l];
    const faulty::SparseInput& sp = sparse[l];
    beginCols(st, ly.out);
    std::vector<double>& shift = st.wsub;
    shift.assign(std::size_t(ly.out), 0.0);
    for (const ParamFlip& f : own) {
        const std::size_t j = std::size_t(outputOf(ly, f));
        if (st.slot[j] < 0) {
            st.slot[j] = int(st.chan.size());
            st.chan.push_back(int(j));
        }
        if (!isKernel(ly, f))
            shift[j] += deltaOf(model, f);
        else if (const int i = inputOf(ly, f); !streamed(sp, i))
            shift[j] += deltaOf(model, f) * sp.mode[std::size_t(i)];
    }
    for (std::size_t k = 0; k < st.chan.size(); ++k) // Z'[:,j] = Z[:,j] + shift_j
        MapVec(st.col.data() + Eigen::Index(k) * n, n) =
            ConstMapVec(colOf(l + 1, st.chan[k]), n).array() + shift[std::size_t(st.chan[k])];
    for (const ParamFlip& f : own) {
        if (!isKernel(ly, f)) continue;
        const int i = inputOf(ly, f);
        double* z = st.col.data() + Eigen::Index(st.slot[std::size_t(outputOf(ly, f))]) * n;
        const double d = deltaOf(model, f);
        if (streamed(sp, i)) {
            MapVec(z, n) += d * ConstMapVec(colOf(l, i), n);
            continue;
        }
        for (int t = sp.colStart[std::size_t(i)]; t < sp.colStart[std::size_t(i) + 1]; ++t)
            z[sp.colRow[std::size_t(t)]] += d * sp.colVal[std::size_t(t)];
    }
}

// Z = 1·u + S·W with u = cᵀ·W + b (A = 1·cᵀ + S): per row, one row of W per non-zero of S.
void FastFaultyEvaluator::Impl::sparseProduct(std::size_t l, const double* W, const double* b,
                                              double* Z) const {
    const Layer& ly = model.layers[l];
    const faulty::SparseInput& sp = sparse[l];
    const int out = ly.out;
    Eigen::RowVectorXd u = Eigen::Map<const Eigen::RowVectorXd>(b, out);
    for (int i = 0; i < ly.in; ++i)
        if (const double c = sp.mode[std::size_t(i)]; c != 0.0)
            u += c * Eigen::Map<const Eigen::RowVectorXd>(W + std::ptrdiff_t(i) * out, out);
    for (Eigen::Index r = 0; r < n; ++r) {
        double* z = Z + r * out;
        std::copy_n(u.data(), out, z);
        for (int t = sp.rowStart[std::size_t(r)]; t < sp.rowStart[std::size_t(r) + 1]; ++t) {
            const double v = sp.rowVal[std::size_t(t)];
            const double* w = W + std::ptrdiff_t(sp.rowCol[std::size_t(t)]) * out;
            for (int c = 0; c < out; ++c) z[c] += v * w[c];
        }
    }
}

// Z += ΔA·W[C,:] with ΔA = A'_l − A_l (N×|C|, column-major) on the stored columns whose
// difference is not all zero; false when there is none. T = float when layer l's product is
// exact in single precision (Impl::exactFloat), which halves the work; the sum is then the
// same exact value as in double.
template <class T>
bool addDeltaProduct(const faulty::State& st, const double* clean, Eigen::Index n,
                     const double* W, Eigen::Index out, std::vector<T>& dA, std::vector<T>& wc,
                     std::vector<T>& dZ, MapRM Z) {
    using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
    using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    using MatRM = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const std::size_t cols = st.chan.size();
    if (dA.size() < std::size_t(n) * cols) dA.resize(std::size_t(n) * cols);
    if (wc.size() < cols * std::size_t(out)) wc.resize(cols * std::size_t(out));
    Eigen::Index kept = 0;
    for (std::size_t k = 0; k < cols; ++k) {
        const double* v = st.col.data() + Eigen::Index(k) * n;
        Eigen::Map<Vec> d(dA.data() + kept * n, n);
        d = (ConstMapVec(v, n) - ConstMapVec(clean + st.chan[k] * n, n)).template cast<T>();
        if (d.cwiseAbs().maxCoeff() == T(0)) continue;
        const double* w = W + std::ptrdiff_t(st.chan[k]) * out;
        std::transform(w, w + out, wc.data() + kept++ * out, [](double x) { return T(x); });
    }
    if (kept == 0) return false;
    if (dZ.size() < std::size_t(n * out)) dZ.resize(std::size_t(n * out));
    Eigen::Map<Mat> dz(dZ.data(), n, out); // column-major: the cheaper shape for Eigen
    dz.noalias() = Eigen::Map<const Mat>(dA.data(), n, kept) *
                   Eigen::Map<const MatRM>(wc.data(), kept, out);
    Z += dz.template cast<double>();
    return true;
}

// Cols input: Z' = Z + ΔA·W[C,:], then the layer's own flips on the faulty input; → Rows
// restricted to the rows where Z' ≠ Z.
void FastFaultyEvaluator::Impl::denseFromCols(std::size_t l, Flips own, Scratch& s) const {
    const Layer& ly = model.layers[l];
    State& st = s.st;
    const auto out = Eigen::Index(ly.out);
    const double* W = model.tensors[std::size_t(ly.kernel)].values.data();
    MapRM Z(faulty::grow(st.spare, std::size_t(n * out)), n, out);
    Z = ConstMapRM(rowAct(l + 1), n, out);
    const bool changed =
        exactFloat[l]
            ? addDeltaProduct<float>(st, colAct[l].data(), n, W, out, st.deltaF, st.wsubF,
                                     st.dzF, Z)
            : addDeltaProduct<double>(st, colAct[l].data(), n, W, out, st.delta, st.wsub,
                                      st.dz, Z);
    if (!changed && own.empty()) {
        st.kind = State::Kind::Clean;
        return;
    }
    for (const ParamFlip& f : own) { // W[i,j] += δ: Z'[:,j] += δ·A'_l[:,i]; b[j] += δ
        const double d = deltaOf(model, f);
        const int j = outputOf(ly, f);
        if (!isKernel(ly, f)) {
            Z.col(j).array() += d;
            continue;
        }
        const int i = inputOf(ly, f), k = st.slot[std::size_t(i)];
        const double* x = k >= 0 ? st.col.data() + Eigen::Index(k) * n : colOf(l, i);
        Z.col(j) += d * ConstMapVec(x, n);
    }
    st.row.swap(st.spare);
    st.rows.resize(std::size_t(n));
    std::iota(st.rows.begin(), st.rows.end(), 0);
    st.kind = State::Kind::Rows;
    st.width = ly.out;
    compactRows(l + 1, st);
}

// Rows input: R grows by the rows this layer's own flips reach, Z'[R,:] = A'_l[R,:]·W' + b'.
void FastFaultyEvaluator::Impl::denseFromRows(std::size_t l, Flips own, Scratch& s) const {
    State& st = s.st;
    compactRows(l, st);
    if (st.kind == State::Kind::Clean) {
        if (!own.empty()) denseFromClean(l, own, s);
        return;
    }
    const Layer& ly = model.layers[l];
    if (!own.empty()) addOwnRows(l, own, st);
    const auto rows = Eigen::Index(st.rows.size());
    double* z = faulty::grow(st.spare, std::size_t(rows) * std::size_t(ly.out));
    faulty::denseLayer(st.row.data(), rows, ly, s.tensors.values(std::uint32_t(ly.kernel)),
                       s.tensors.values(std::uint32_t(ly.bias)), z);
    st.row.swap(st.spare);
    st.width = ly.out;
}

// Adds to Rows(R) of A'_l the rows this layer's own flips reach: rows s ∉ R with A_l[s,i] ≠ 0
// for a kernel flip W[i,·]; every row for a bias flip. Their input rows are clean.
void FastFaultyEvaluator::Impl::addOwnRows(std::size_t l, Flips own, State& st) const {
    const Layer& ly = model.layers[l];
    const std::size_t before = st.rows.size(), w = std::size_t(ly.in);
    st.mark.assign(std::size_t(n), 0);
    for (int r : st.rows) st.mark[std::size_t(r)] = 1;
    for (const ParamFlip& f : own) {
        if (!isKernel(ly, f)) {
            std::fill(st.mark.begin(), st.mark.end(), std::uint8_t(1));
            break;
        }
        const double* x = colOf(l, inputOf(ly, f));
        for (Eigen::Index r = 0; r < n; ++r) st.mark[std::size_t(r)] |= x[r] != 0.0;
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
