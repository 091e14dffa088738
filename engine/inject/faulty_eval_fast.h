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
    // The CSC entries compacted when S has at most 256 distinct values and N ≤ 65 536 (e.g. the
    // 255 pixel levels of MNIST): colVal[e] = level[colCode[e]], colRow[e] = colRow16[e]. Three
    // bytes per entry instead of twelve for the patches (else all empty).
    std::vector<double> level;
    std::vector<std::uint8_t> colCode;
    std::vector<std::uint16_t> colRow16;
    Eigen::Index rows = 0; // N

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
    // Cols
    std::vector<int> chan, slot;    // channel of slot k; slot of channel c (−1: none)
    std::vector<double> col;        // slot k = N values at col[k·N]
    std::vector<std::size_t> start; // element-wise chain: first layer slot k still goes through
    std::vector<ElementOp> ops;     // element-wise chain: op of layer chainBegin + t
    std::size_t chainBegin = 0;
    std::vector<int> order, bucket; // patches: flips grouped by slot
    std::vector<double> shift;      // patches: constant part per output column
    // Rows
    std::vector<int> rows, rows2;   // rows, ascending (rows2: scratch)
    std::vector<double> row, spare; // row p = width values at row[p·width]; spare: scratch
    bool compact = false;           // rows already restricted to the changed ones
    // scratch
    std::vector<std::uint8_t> mark;     // per sample
    std::size_t deltaFor = 0;           // dense layer whose ΔA columns are prepared (else none)
    bool deltaAny = false;              // some ΔA entry is non-zero
    std::vector<double> dA, wc, dZ;     // delta product, double
    std::vector<double> zcol;           // delta product: Z' column-major
    std::vector<float> dAf, wcf, dZf;   // delta product, float
    std::vector<std::int16_t> dAi, wci; // delta product, integer codes (Impl::codes)
    std::vector<std::int8_t> dA8, wc8;  // the same in 8 bits (Impl::narrow)
    template <class T> std::vector<T>& codeColumns() {
        if constexpr (sizeof(T) == 1)
            return dA8;
        else
            return dAi;
    }
    template <class T> std::vector<T>& codeWeights() {
        if constexpr (sizeof(T) == 1)
            return wc8;
        else
            return wci;
    }
    std::vector<std::int32_t> pairs; // delta product, integer codes: scratch
    // Fused alpha → qrelu → ΔA (Impl::fusedAlphaQreluDelta): the column is computed in `work`
    // (one L1-sized buffer reused by every column) and only its ΔA is kept; stale[k] marks slot k
    // whose A' column is then A[:,chan[k]] + ΔA[:,k] rather than col (Impl::faultyColumn).
    std::vector<double> work;
    std::vector<char> stale;
    Eigen::ArrayXd expBuf; // softmax
};

// Per-thread scratch, reused between calls and fully rewritten before it is read, so a result
// never depends on the thread or on earlier calls.
struct Scratch {
    std::vector<ParamFlip> flips; // canonical
    std::vector<double> deltas;   // δ = flip(w, mask) − w of flips[k] (Impl::computeDeltas)
    std::vector<std::size_t> layerBegin; // flips of layer l: [layerBegin[l], layerBegin[l+1])
    std::vector<int> input, output; // of flips[k]: kernel W[i,j] → (i, j); else (−1, index)
    FaultyTensors tensors;
    State st;
    double delta(const ParamFlip& f) const { return deltas[std::size_t(&f - flips.data())]; }
    int inputOf(const ParamFlip& f) const { return input[std::size_t(&f - flips.data())]; }
    int outputOf(const ParamFlip& f) const { return output[std::size_t(&f - flips.data())]; }
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
    std::vector<MatrixRM> acts;              // acts[l] = clean output of layer l (= A_{l+1})
    std::vector<Eigen::MatrixXd> colAct;     // colAct[l] = A_l column-major, l = 0..L
    std::vector<faulty::SparseInput> sparse; // per dense layer l: its input A_l split (else empty)
    // Per dense layer l fed by a quantized ReLU with its kernel on the scheme's grid: ΔA·W is
    // exact in single precision (ΔA on the qrelu grid, |ΔA·2^(m−n)| < 2^m; |W·2^f| ≤ 2^m; `in`
    // terms: 2m + ⌈log2(in + 1)⌉ ≤ 24 mantissa bits).
    std::vector<char> exactFloat;
    // Per dense layer l with exactFloat[l] whose input is a qrelu output with at most 256 levels
    // and whose integer product fits (codeProductFits): the clean A_l as qrelu codes A_l / step
    // (column-major, one byte each; ΔA then reads 1 byte per value instead of 8), the kernel as
    // codes W·2^f (row-major) and ΔA·W = (Σ Δcode·wcode)·codeScale[l], an exact integer product
    // (code_product.h); ΔA is then kept as 16-bit codes (State::dAi), or as 8-bit codes
    // (State::dA8) when narrow[l] (codeProduct8Fits). Else all empty.
    std::vector<std::vector<std::uint8_t>> codes;
    std::vector<std::vector<std::int16_t>> wcodes;
    std::vector<double> codeScale, codeStep;
    std::vector<char> narrow;
    bool intDelta(std::size_t l) const { return !codes[l].empty(); }

    Impl(const Model& m, const MatrixRM& x);
    const double* rowAct(std::size_t l) const { return l == 0 ? X.data() : acts[l - 1].data(); }
    const double* colOf(std::size_t l, int c) const { return colAct[l].data() + c * n; }
    static bool elementwise(LayerKind k) {
        return k == LayerKind::ApplyAlpha || k == LayerKind::BatchNorm || k == LayerKind::QRelu;
    }
    static Flips flipsOf(const Scratch& s, std::size_t l) {
        return Flips(s.flips.data() + s.layerBegin[l], s.layerBegin[l + 1] - s.layerBegin[l]);
    }

    // Processes layer l (a run of element-wise layers on columns at once); returns the next
    // layer to process (faulty_eval_fast.cpp).
    std::size_t step(std::size_t l, Scratch& s) const;
    void softmaxStep(std::size_t l, State& st) const;
    void elementRows(std::size_t l, Scratch& s) const;
    std::size_t prepareChain(std::size_t l, Scratch& s) const;
    // v: column k's values (its slot in st.col, or st.work).
    void runChain(State& st, std::size_t k, std::size_t end, bool delta, double* v) const;
    void fusedAlphaQreluDelta(State& st, std::size_t k, const faulty::ElementOp& alpha,
                              const faulty::ElementOp& q, const double* v) const;
    const double* faultyColumn(State& st, std::size_t l, int k, std::vector<double>& tmp) const;
    // Dense layers (faulty_eval_fast_layers.cpp).
    void computeDeltas(std::size_t l, Scratch& s) const;
    std::size_t denseFromClean(std::size_t l, Scratch& s) const;
    std::size_t patchColumns(std::size_t l, Scratch& s) const;
    void groupBySlot(std::size_t l, Scratch& s) const;
    void fillPatched(std::size_t l, std::size_t k, Scratch& s, double* z) const;
    void sparseProduct(std::size_t l, const double* W, const double* b, double* Z) const;
    void denseFromCols(std::size_t l, Scratch& s) const;
    template <class T> void denseFromColsCodes(std::size_t l, Scratch& s) const;
    void beginDelta(State& st, std::size_t l) const;
    void deltaColumn(State& st, std::size_t k) const;
    std::size_t denseFromRows(std::size_t l, Scratch& s) const;
    void addOwnRows(std::size_t l, Scratch& s) const;
    // State bookkeeping (faulty_eval_fast_state.cpp).
    void beginCols(State& st, int width) const;
    double* slotFor(State& st, std::size_t l, int c) const;
    int newSlot(State& st, int c) const;
    void toRows(std::size_t l, State& st) const;
    void colsToRows(std::size_t l, State& st) const;
    void compactRows(std::size_t l, State& st) const;
    void expandRows(std::size_t l, State& st) const;
    void allRows(State& st, int width) const;
};

} // namespace netsurf
