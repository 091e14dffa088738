#include "engine/inject/code_product.h"

#include <algorithm>
#include <utility>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace netsurf::faulty {

namespace {

// Portable path for rows [r0, n): the same integer sums.
void addRowsScalar(const std::int16_t* d, Eigen::Index n, Eigen::Index r0, int K,
                   const std::int16_t* w, int out, double scale, double* Z) {
    for (int o = 0; o < out; ++o)
        for (Eigen::Index r = r0; r < n; ++r) {
            std::int32_t acc = 0;
            for (int k = 0; k < K; ++k)
                acc += std::int32_t(d[k * n + r]) * std::int32_t(w[k * out + o]);
            Z[o * n + r] += double(acc) * scale;
        }
}

#if defined(__AVX2__)
// Outputs [o0, o0 + G) for rows in blocks of 8: each pair of columns (k, k+1) is interleaved to
// 8 rows × 2 values and multiplied with the broadcast pair (w[k,o], w[k+1,o]) by one vpmaddwd
// per output (8 exact 32-bit sums of two products), accumulated in G registers.
template <int G>
void addBlock(const std::int16_t* d, Eigen::Index n, int K, const std::int32_t* pairs, int out,
              int o0, double scale, double* Z) {
    const int kp = (K + 1) / 2;
    const __m256d s = _mm256_set1_pd(scale);
    for (Eigen::Index r = 0; r + 8 <= n; r += 8) {
        __m256i acc[G];
        for (int g = 0; g < G; ++g)
            acc[g] = _mm256_setzero_si256();
        for (int p = 0; p < kp; ++p) {
            const int k0 = 2 * p, k1 = std::min(2 * p + 1, K - 1); // odd K: weight 0 in the pair
            const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + k0 * n + r));
            const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + k1 * n + r));
            const __m256i a =
                _mm256_set_m128i(_mm_unpackhi_epi16(lo, hi), _mm_unpacklo_epi16(lo, hi));
            const std::int32_t* wp = pairs + std::ptrdiff_t(p) * out + o0;
            for (int g = 0; g < G; ++g)
                acc[g] = _mm256_add_epi32(acc[g], _mm256_madd_epi16(a, _mm256_set1_epi32(wp[g])));
        }
        for (int g = 0; g < G; ++g) {
            double* z = Z + std::ptrdiff_t(o0 + g) * n + r;
            const __m256d lo = _mm256_cvtepi32_pd(_mm256_castsi256_si128(acc[g]));
            const __m256d hi = _mm256_cvtepi32_pd(_mm256_extracti128_si256(acc[g], 1));
            _mm256_storeu_pd(z, _mm256_add_pd(_mm256_loadu_pd(z), _mm256_mul_pd(lo, s)));
            _mm256_storeu_pd(z + 4, _mm256_add_pd(_mm256_loadu_pd(z + 4), _mm256_mul_pd(hi, s)));
        }
    }
}

template <int... G>
void dispatchBlock(int g, std::integer_sequence<int, G...>, const std::int16_t* d, Eigen::Index n,
                   int K, const std::int32_t* pairs, int out, int o0, double scale, double* Z) {
    ((g == G + 1 ? addBlock<G + 1>(d, n, K, pairs, out, o0, scale, Z) : void()), ...);
}
#endif

} // namespace

void addCodeProduct(const std::int16_t* d, Eigen::Index n, int K, const std::int16_t* w, int out,
                    double scale, double* Z, std::vector<std::int32_t>& pairs) {
    if (K <= 0 || n <= 0 || out <= 0) return;
#if defined(__AVX2__)
    constexpr int kGroup = 12; // accumulators held in registers (16 ymm in all)
    const int kp = (K + 1) / 2;
    pairs.resize(std::size_t(kp) * std::size_t(out));
    for (int p = 0; p < kp; ++p)
        for (int o = 0; o < out; ++o) {
            const std::uint16_t w0 = std::uint16_t(w[2 * p * out + o]);
            const std::uint16_t w1 = 2 * p + 1 < K ? std::uint16_t(w[(2 * p + 1) * out + o]) : 0;
            pairs[std::size_t(p) * std::size_t(out) + std::size_t(o)] =
                std::int32_t(std::uint32_t(w0) | (std::uint32_t(w1) << 16));
        }
    for (int o0 = 0; o0 < out; o0 += kGroup)
        dispatchBlock(std::min(kGroup, out - o0), std::make_integer_sequence<int, kGroup>{}, d, n,
                      K, pairs.data(), out, o0, scale, Z);
    addRowsScalar(d, n, n / 8 * 8, K, w, out, scale, Z);
#else
    (void)pairs;
    addRowsScalar(d, n, 0, K, w, out, scale, Z);
#endif
}

} // namespace netsurf::faulty
