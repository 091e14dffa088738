#pragma once
// Internal building blocks shared by DenseFaultyEvaluator and FastFaultyEvaluator (not a public
// API). Both evaluators compute every element-wise value, every softmax row and every per-sample
// result with these same functions, so a value recomputed by the sparse path equals the dense
// path's value bit for bit whenever its inputs do.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/inject/faulty_eval.h"
#include "engine/model/layer_math.h"

namespace netsurf::faulty {

using ConstMapRM = Eigen::Map<const MatrixRM>;
using MapRM = Eigen::Map<MatrixRM>;

// Per-channel parameters of one element-wise layer (pointers into model or faulty tensors):
//   apply_alpha  y = clip(fma(α_c, x, β_c), lo, hi)              a = α, b = β
//   batchnorm    y = fma((x − μ_c)·s_c, γ_c, β_c)   a = μ, s = 1/sqrt(σ²+ε), g = γ, b = β
//   qrelu        y = min(kmax, max(0, rint(x·scale)))·step       (= QuantScheme::qrelu)
// The values are those of layer_math.h (explicit fused multiply-adds, so that a value never
// depends on how the compiler contracts a loop); softmax is layer_math's softmaxRows.
struct ElementOp {
    LayerKind kind = LayerKind::QRelu;
    const double* a = nullptr;
    const double* b = nullptr;
    const double* g = nullptr;
    std::vector<double> s; // batchnorm scale 1/sqrt(σ² + ε)
    double lo = 0, hi = 0; // apply_alpha saturation range
    double scale = 1, kmax = 0, step = 1;
};

// Quantized ReLU, vectorizable; equals QuantScheme::qrelu bit for bit (NaN → 0, never −0):
// rint rounds half to even in the default rounding mode.
inline double qreluValue(const ElementOp& op, double x) {
    const double k = std::nearbyint(x * op.scale);
    return std::min(op.kmax, std::max(0.0, k)) * op.step;
}

// y[r] = qrelu(clip(fma(α_c, x[r], β_c), lo, hi)): an apply_alpha op followed by a qrelu op in
// one pass (the same values as applying them in turn).
void applyAlphaQrelu(const ElementOp& alpha, const ElementOp& q, int c, const double* x, double* y,
                     Eigen::Index n);
// y[r] = op(x[r], channel c) for r < n (x may equal y).
void applyColumn(const ElementOp& op, int c, const double* x, double* y, Eigen::Index n);
// Row-major rows×width block: y[r, c] = op(x[r, c], c) (x may equal y).
void applyRows(const ElementOp& op, const double* x, double* y, Eigen::Index rows, int width);

// QuantScheme::flip for values on the scheme's grid without re-quantizing (exact integer code
// arithmetic): code = w·2^f mod 2^m, code ^= mask, value = code·2^−f (two's complement when
// signed). Values off the grid fall back to QuantScheme::flip.
class Flipper {
public:
    explicit Flipper(const QuantScheme& q);
    double flip(double w, std::uint32_t mask) const;
    double delta(double w, std::uint32_t mask) const { return flip(w, mask) - w; }

private:
    QuantScheme m_q;
    double m_scale, m_inv;
    long long m_mod, m_half; // 2^m; 2^(m−1) when signed (else 2^m)
};

// Faulty copies of the flipped tensors (per-call scratch, reused between calls); tensors without
// flips read the model directly.
class FaultyTensors {
public:
    // flips: canonical, grouped by tensor.
    void reset(const Model& model, std::span<const ParamFlip> flips);
    const double* values(std::uint32_t tensor); // copies and flips the tensor on first use
    std::span<const ParamFlip> flipsOf(std::uint32_t tensor) const;

private:
    const Model* m_model = nullptr;
    std::span<const ParamFlip> m_flips;
    std::vector<std::size_t> m_begin, m_end;
    std::vector<std::vector<double>> m_copy;
    std::vector<char> m_ready;
};

// The element-wise op of layer l with parameters from `src` (faulty or clean values).
ElementOp makeElementOp(const Model& model, const Layer& l, FaultyTensors& src);

// Z = X·W + b on all rows of X (rows×in → rows×out), one Eigen product.
void denseLayer(const double* X, Eigen::Index rows, const Layer& l, const double* W,
                const double* b, double* Z);

// Dense forward pass of all N rows of X (N×inputs, normalized) with parameters from `src`: one
// Eigen product per dense layer, the element-wise kernels above, softmaxRows; single-threaded.
// Returns the output (N×outputs, row-major, inside bufA or bufB; expBuf: softmax scratch); `acts`,
// when given, receives the output of every layer (acts[l] = output of layer l).
const double* forwardAll(const Model& model, const MatrixRM& X, FaultyTensors& src,
                         std::vector<double>& bufA, std::vector<double>& bufB,
                         Eigen::ArrayXd& expBuf, std::vector<MatrixRM>* acts = nullptr);

// Row-major buffer that only grows (no reallocation between calls of similar size).
inline double* grow(std::vector<double>& v, std::size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
}

} // namespace netsurf::faulty
