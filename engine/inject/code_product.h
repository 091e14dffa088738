#pragma once
// Exact integer product for the fast evaluator's ΔA·W (faulty_eval_fast_layers.cpp): ΔA on the
// quantized-ReLU grid is d·step with small integers d, W on the weight grid is w·2^−f with
// integers w, so ΔA·W = (Σ_k d_k·w_k)·step·2^−f where the integer sum is exact in 32 bits.
// Half the work of a single-precision product (16-bit multiply-adds, AVX2) and no packing.
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

// Whether K terms of |d| ≤ dmax and |w| ≤ wmax always sum below 2^31.
inline bool codeProductFits(int K, double dmax, double wmax) {
    return double(K) * dmax * wmax < 2147483648.0 && dmax <= 32767 && wmax <= 32767;
}

} // namespace netsurf::faulty
