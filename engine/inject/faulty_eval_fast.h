#pragma once
// Internals of FastFaultyEvaluator (the algorithm is described in faulty_eval_fast.cpp); not a
// public API.
#include <span>

#include "engine/inject/faulty_eval.h"
#include "engine/inject/faulty_eval_kernels.h"

namespace netsurf::faulty {

// A clean activation A (N×in) split as A = 1·cᵀ + S: c_i the most frequent value of column i
// (e.g. the background pixel, or 0 after a quantized ReLU), S the sparse rest, stored by column
// (CSC, for patches) and by row (CSR, for the sparse product).
struct SparseInput {
    std::vector<double> mode;          // c (in)
    std::vector<int> colStart, colRow; // CSC: column i holds entries [colStart[i], colStart[i+1])
    std::vector<double> colVal;
    std::vector<int> rowStart, rowCol; // CSR: row r holds entries [rowStart[r], rowStart[r+1])
    std::vector<double> rowVal;
    Eigen::Index rows = 0;             // N

    static SparseInput build(const Eigen::MatrixXd& A); // A: column-major N×in
    std::size_t nnz() const { return colVal.size(); }
    std::size_t nnz(int col) const {
        return std::size_t(colStart[std::size_t(col) + 1] - colStart[std::size_t(col)]);
    }
};

// The faulty activation A'_l relative to the clean A_l:
//   Clean  A'_l = A_l
//   Cols   A'_l = A_l except the columns chan[k] (all N rows stored, column-major)
//   Rows   A'_l = A_l except the rows rows[p]    (all columns stored, row-major)
struct State {
    enum class Kind { Clean, Cols, Rows };
    Kind kind = Kind::Clean;
    int width = 0;
    std::vector<int> chan, slot;    // Cols: channel of slot k; slot of channel c (−1: none)
    std::vector<double> col;        // Cols: slot k = N values at col[k·N]
    std::vector<int> rows, rows2;   // Rows: rows, ascending (rows2: scratch)
    std::vector<double> row, spare; // Rows: row p = width values at row[p·width]; spare: scratch
    std::vector<std::uint8_t> mark; // per sample
    std::vector<double> delta, wsub, dz; // scratch of the delta product (double / float)
    std::vector<float> deltaF, wsubF, dzF;
    Eigen::ArrayXd expBuf;          // softmax scratch
    std::vector<ElementOp> ops;     // element-wise chain
    std::vector<std::size_t> start; // Cols: first chain layer of slot k
};

// Per-thread scratch, reused between calls and fully rewritten before it is read, so a result
// never depends on the thread or on earlier calls.
struct Scratch {
    std::vector<ParamFlip> flips;
    std::vector<std::size_t> layerBegin; // flips of layer l: [layerBegin[l], layerBegin[l+1])
    FaultyTensors tensors;
    State st;
};

} // namespace netsurf::faulty

namespace netsurf {

struct FastFaultyEvaluator::Impl {
    using Flips = std::span<const ParamFlip>;
    using State = faulty::State;
    using Scratch = faulty::Scratch;

    const Model& model;
    const MatrixRM& X;
    Eigen::Index n;
    std::vector<MatrixRM> acts;          // acts[l] = clean output of layer l (= A_{l+1})
    std::vector<Eigen::MatrixXd> colAct; // colAct[l] = A_l column-major, l = 0..L
    std::vector<faulty::SparseInput> sparse; // per dense layer l: its input A_l split (else empty)
    // Per dense layer l fed by a quantized ReLU: ΔA·W is exact in single precision (ΔA on the
    // qrelu grid, |ΔA·2^(m−n)| < 2^m; W on the scheme's grid, |W·2^f| ≤ 2^m; in terms:
    // 2m + ⌈log2(in + 1)⌉ ≤ 24 mantissa bits).
    std::vector<char> exactFloat;

    Impl(const Model& m, const MatrixRM& x);
    const double* rowAct(std::size_t l) const { return l == 0 ? X.data() : acts[l - 1].data(); }
    const double* colOf(std::size_t l, int c) const { return colAct[l].data() + c * n; }

    // Processes layer l (and, for a run of element-wise layers on columns, the whole run);
    // returns the next layer to process.
    std::size_t step(std::size_t l, Scratch& s) const;
    void elementRows(std::size_t l, Flips own, Scratch& s) const;
    std::size_t elementChain(std::size_t l, Scratch& s) const;
    void softmaxStep(std::size_t l, State& st) const;
    // Dense layers (faulty_eval_dense.cpp).
    static Flips flipsOf(const Scratch& s, std::size_t l) {
        return Flips(s.flips.data() + s.layerBegin[l], s.layerBegin[l + 1] - s.layerBegin[l]);
    }
    void denseFromClean(std::size_t l, Flips own, Scratch& s) const;
    void patchColumns(std::size_t l, Flips own, State& st) const;
    void sparseProduct(std::size_t l, const double* W, const double* b, double* Z) const;
    void denseFromCols(std::size_t l, Flips own, Scratch& s) const;
    void denseFromRows(std::size_t l, Flips own, Scratch& s) const;
    void addOwnRows(std::size_t l, Flips own, State& st) const;
    // State bookkeeping (faulty_eval_state.cpp).
    void beginCols(State& st, int width) const;
    double* slotFor(State& st, std::size_t l, int c) const;
    void toRows(std::size_t l, State& st) const;
    void colsToRows(std::size_t l, State& st) const;
    void compactRows(std::size_t l, State& st) const;
    void expandRows(std::size_t l, State& st) const;
};

} // namespace netsurf
