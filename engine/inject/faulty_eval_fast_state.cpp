// FastFaultyEvaluator: the split A = 1·cᵀ + S of a clean activation, and the bookkeeping of the
// faulty-activation State (Clean / Cols / Rows, see faulty_eval_fast.h).
#include <algorithm>
#include <numeric>

#include "engine/inject/faulty_eval_fast.h"

namespace netsurf {

namespace faulty {

namespace {

// Most frequent value of a column (the smallest one on ties).
double modeOf(const double* x, Eigen::Index n, std::vector<double>& tmp) {
    tmp.assign(x, x + n);
    std::sort(tmp.begin(), tmp.end());
    double best = n ? tmp[0] : 0.0;
    std::size_t bestRun = 0;
    for (std::size_t a = 0; a < tmp.size();) {
        std::size_t b = a;
        while (b < tmp.size() && tmp[b] == tmp[a])
            ++b;
        if (b - a > bestRun) {
            bestRun = b - a;
            best = tmp[a];
        }
        a = b;
    }
    return best;
}

} // namespace

SparseInput SparseInput::build(const Eigen::MatrixXd& A) {
    SparseInput s;
    const Eigen::Index n = A.rows(), in = A.cols();
    s.rows = n;
    std::vector<double> tmp;
    s.mode.resize(std::size_t(in));
    s.colStart.assign(std::size_t(in) + 1, 0);
    std::vector<int> perRow(std::size_t(n) + 1, 0);
    for (Eigen::Index i = 0; i < in; ++i) {
        const double* x = A.data() + i * n;
        const double c = s.mode[std::size_t(i)] = modeOf(x, n, tmp);
        for (Eigen::Index r = 0; r < n; ++r) {
            if (x[r] == c) continue;
            s.colRow.push_back(int(r));
            s.colVal.push_back(x[r] - c);
            ++perRow[std::size_t(r) + 1];
        }
        s.colStart[std::size_t(i) + 1] = int(s.colVal.size());
    }
    s.level = s.colVal;
    std::sort(s.level.begin(), s.level.end());
    s.level.erase(std::unique(s.level.begin(), s.level.end()), s.level.end());
    if (s.level.size() <= 256 && n <= 65536) {
        s.colCode.resize(s.colVal.size());
        s.colRow16.resize(s.colVal.size());
        for (std::size_t e = 0; e < s.colVal.size(); ++e) {
            s.colCode[e] = std::uint8_t(
                std::lower_bound(s.level.begin(), s.level.end(), s.colVal[e]) - s.level.begin());
            s.colRow16[e] = std::uint16_t(s.colRow[e]);
        }
    } else {
        s.level.clear();
    }
    // CSR from CSC: rows filled in column order.
    std::partial_sum(perRow.begin(), perRow.end(), perRow.begin());
    s.rowStart = perRow;
    s.rowCol.resize(s.colVal.size());
    s.rowVal.resize(s.colVal.size());
    for (Eigen::Index i = 0; i < in; ++i)
        for (int t = s.colStart[std::size_t(i)]; t < s.colStart[std::size_t(i) + 1]; ++t) {
            const auto at = std::size_t(perRow[std::size_t(s.colRow[std::size_t(t)])]++);
            s.rowCol[at] = int(i);
            s.rowVal[at] = s.colVal[std::size_t(t)];
        }
    return s;
}

} // namespace faulty

void FastFaultyEvaluator::Impl::beginCols(State& st, int width) const {
    st.kind = State::Kind::Cols;
    st.width = width;
    st.deltaFor = model.layers.size(); // none prepared
    st.chan.clear();
    st.stale.clear();
    st.slot.assign(std::size_t(width), -1);
    faulty::grow(st.col, std::size_t(n) * std::size_t(width));
}

// A slot for channel c (not yet stored), its column left unset.
int FastFaultyEvaluator::Impl::newSlot(State& st, int c) const {
    const int k = st.slot[std::size_t(c)] = int(st.chan.size());
    st.chan.push_back(c);
    st.stale.push_back(0);
    return k;
}

// The stored column of channel c; created from the clean column c of A_l on first use.
double* FastFaultyEvaluator::Impl::slotFor(State& st, std::size_t l, int c) const {
    int k = st.slot[std::size_t(c)];
    if (k < 0) {
        k = newSlot(st, c);
        std::copy_n(colOf(l, c), n, st.col.data() + k * n);
    }
    return st.col.data() + k * n;
}

// Rows state over all N rows (values to be written by the caller).
void FastFaultyEvaluator::Impl::allRows(State& st, int width) const {
    st.kind = State::Kind::Rows;
    st.width = width;
    st.compact = false;
    st.rows.resize(std::size_t(n));
    std::iota(st.rows.begin(), st.rows.end(), 0);
    faulty::grow(st.row, std::size_t(n) * std::size_t(width));
}

// Rewrites the state of A'_l as Rows: Cols → the rows that differ from A_l (Clean if none);
// Rows over a subset → the rows of it that differ. Rows over all N rows (a dense recomputation)
// stay as they are: comparing would cost as much as the work it could save, and a row equal to
// the clean one recomputes to the clean values anyway.
void FastFaultyEvaluator::Impl::toRows(std::size_t l, State& st) const {
    if (st.kind == State::Kind::Cols)
        colsToRows(l, st);
    else if (st.kind == State::Kind::Rows && !st.compact && st.rows.size() < std::size_t(n))
        compactRows(l, st);
}

void FastFaultyEvaluator::Impl::colsToRows(std::size_t l, State& st) const {
    const auto w = Eigen::Index(st.width);
    st.mark.assign(std::size_t(n), 0);
    for (std::size_t k = 0; k < st.chan.size(); ++k) {
        const double* v = st.col.data() + Eigen::Index(k) * n;
        const double* c0 = colOf(l, st.chan[k]);
        for (Eigen::Index r = 0; r < n; ++r)
            st.mark[std::size_t(r)] |= v[r] != c0[r];
    }
    st.rows.clear();
    for (Eigen::Index r = 0; r < n; ++r)
        if (st.mark[std::size_t(r)]) st.rows.push_back(int(r));
    if (st.rows.empty()) {
        st.kind = State::Kind::Clean;
        return;
    }
    double* out = faulty::grow(st.row, st.rows.size() * std::size_t(w));
    for (std::size_t p = 0; p < st.rows.size(); ++p)
        std::copy_n(rowAct(l) + st.rows[p] * w, w, out + Eigen::Index(p) * w);
    for (std::size_t k = 0; k < st.chan.size(); ++k) {
        const double* v = st.col.data() + Eigen::Index(k) * n;
        for (std::size_t p = 0; p < st.rows.size(); ++p)
            out[Eigen::Index(p) * w + st.chan[k]] = v[st.rows[p]];
    }
    st.kind = State::Kind::Rows;
    st.compact = true;
}

void FastFaultyEvaluator::Impl::compactRows(std::size_t l, State& st) const {
    const auto w = Eigen::Index(st.width);
    std::size_t q = 0;
    for (std::size_t p = 0; p < st.rows.size(); ++p) {
        const double* v = st.row.data() + Eigen::Index(p) * w;
        const double* c0 = rowAct(l) + st.rows[p] * w;
        if (std::equal(v, v + w, c0)) continue;
        if (q != p) std::copy_n(v, w, st.row.data() + Eigen::Index(q) * w);
        st.rows[q++] = st.rows[p];
    }
    st.rows.resize(q);
    st.compact = true;
    if (q == 0) st.kind = State::Kind::Clean;
}

// Rows(R) of A'_l → Rows(all): clean rows with the stored ones written over them.
void FastFaultyEvaluator::Impl::expandRows(std::size_t l, State& st) const {
    if (st.rows.size() == std::size_t(n)) return;
    const auto w = Eigen::Index(st.width);
    double* full = faulty::grow(st.spare, std::size_t(n * w));
    std::copy_n(rowAct(l), n * w, full);
    for (std::size_t p = 0; p < st.rows.size(); ++p)
        std::copy_n(st.row.data() + Eigen::Index(p) * w, w, full + st.rows[p] * w);
    st.row.swap(st.spare);
    st.rows.resize(std::size_t(n));
    std::iota(st.rows.begin(), st.rows.end(), 0);
    st.compact = false;
}

} // namespace netsurf
