#pragma once
// Exact integer product for the fast evaluator's ΔA·W (faulty_eval_fast_layers.cpp): ΔA on the
// quantized-ReLU grid is d·step with small integers d, W on the weight grid is w·2^−f with
// integers w, so ΔA·W = (Σ_k d_k·w_k)·step·2^−f where the integer sum is exact in 32 bits.
// Half the work of a single-precision product (16-bit multiply-adds, AVX2) and no packing.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace netsurf::faulty {

// Z[:,o] += scale · Σ_k d[k·n + r] · w[k·out + o] for rows r < n and outputs o < out.
// d: K columns of n values, column-major; w: K×out, row-major; Z: n×out, column-major.
// The caller guarantees |Σ_k d·w| < 2^31 (see codeProductFits); the result is then the exact
// integer times `scale`, whichever code path (AVX2 or portable) runs. pairs: scratch.
void addCodeProduct(const std::int16_t* d, Eigen::Index n, int K, const std::int16_t* w, int out,
                    double scale, double* Z, std::vector<std::int32_t>& pairs);

// Whether K terms of |d| ≤ dmax and |w| ≤ wmax always sum below 2^31.
inline bool codeProductFits(int K, double dmax, double wmax) {
    return double(K) * dmax * wmax < 2147483648.0 && dmax <= 32767 && wmax <= 32767;
}

} // namespace netsurf::faulty
