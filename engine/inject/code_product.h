#pragma once
// Exact integer product for the fast evaluator's ΔA·W (faulty_eval_fast_layers.cpp): ΔA on the
// quantized-ReLU grid is d·step with small integers d, W on the weight grid is w·2^−f with
// integers w, so ΔA·W = (Σ_k d_k·w_k)·step·2^−f where the integer sum is exact in 32 bits.
// With AVX2: 16-bit codes by vpmaddwd (two products per 32-bit lane), 8-bit codes by vpmaddubsw
// (four products per lane, the codes offset by 128 to be unsigned and the offset's sum
// subtracted again); no packing.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace netsurf::faulty {

// Z'[r,o] = clean[r·out + o] + scale·Σ_k d[k·n + r]·w[k·out + o] + shift[o] for rows r < n and
// outputs o < out, written row-major into z (n×out); changed[r] (n bytes, overwritten) = whether
// row r of Z' differs from the clean row. d: K columns of n values, column-major; w: K×out,
// row-major. The caller guarantees |Σ_k d·w| < 2^31 (see codeProductFits) and that every value
// is exact in double; the result then does not depend on the code path (AVX2 or portable).
// pairs: scratch.
void codeProductRows(const std::int16_t* d, Eigen::Index n, int K, const std::int16_t* w, int out,
                     double scale, const double* shift, const double* clean, double* z,
                     std::uint8_t* changed, std::vector<std::int32_t>& pairs);

// The same with 8-bit codes (see codeProduct8Fits).
void codeProductRows(const std::int8_t* d, Eigen::Index n, int K, const std::int8_t* w, int out,
                     double scale, const double* shift, const double* clean, double* z,
                     std::uint8_t* changed, std::vector<std::int32_t>& quads);

// d[r] = k'(v[r]) − c[r] for r < n, with k'(v) = min(kmax, max(0, rint(clip(fma(a, v, b), lo, hi)·
// scale))) the code of the quantized ReLU after apply_alpha (the values of
// faulty::applyAlphaQrelu / step) and c the clean codes; kmax ≤ 127. Returns whether some
// d[r] ≠ 0. AVX2: 16 rows per step, the codes packed to bytes.
bool qreluCodeDelta(const double* v, const std::uint8_t* c, std::int8_t* d, Eigen::Index n,
                    double a, double b, double lo, double hi, double scale, double kmax);
// The same with 16-bit codes (kmax ≤ 32767), for the wider schemes.
bool qreluCodeDelta(const double* v, const std::uint8_t* c, std::int16_t* d, Eigen::Index n,
                    double a, double b, double lo, double hi, double scale, double kmax);

// Whether K terms of |d| ≤ dmax and |w| ≤ wmax always sum below 2^31.
inline bool codeProductFits(int K, double dmax, double wmax) {
    return double(K) * dmax * wmax < 2147483648.0 && dmax <= 32767 && wmax <= 32767;
}

// Whether the 8-bit product is exact for K terms of |d| ≤ dmax and |w| ≤ wmax: both fit in a
// signed byte, and the 16-bit sums of two products of the offset codes (d + 128)·w never
// saturate.
inline bool codeProduct8Fits(int K, double dmax, double wmax) {
    return dmax <= 127 && wmax <= 127 && 2 * (128 + dmax) * wmax <= 32767 &&
           codeProductFits(K, 128 + dmax, wmax);
}

} // namespace netsurf::faulty
