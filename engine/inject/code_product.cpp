#include "engine/inject/code_product.h"

#include <algorithm>
#include <cmath>
#include <utility>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace netsurf::faulty {

namespace {

// Portable path for rows [r0, n): the same integer sums.
template <class T>
void rowsScalar(const T* d, Eigen::Index n, Eigen::Index r0, int K, const T* w, int out,
                double scale, const double* shift, const double* clean, double* z,
                std::uint8_t* changed) {
    for (Eigen::Index r = r0; r < n; ++r) {
        bool diff = false;
        for (int o = 0; o < out; ++o) {
            std::int32_t acc = 0;
            for (int k = 0; k < K; ++k)
                acc += std::int32_t(d[k * n + r]) * std::int32_t(w[k * out + o]);
            const double c = clean[r * out + o];
            const double v = z[r * out + o] = c + std::fma(double(acc), scale, shift[o]);
            diff = diff || v != c;
        }
        changed[r] = diff;
    }
}

#if defined(__AVX2__)
// Rows r..r+3 of the outputs o0 + 4q .. o0 + 4q + 3 (v[t]: output o0 + 4q + t of those rows)
// as four row vectors.
inline void transpose4(const __m256d v[4], __m256d rows[4]) {
    const __m256d t0 = _mm256_unpacklo_pd(v[0], v[1]), t1 = _mm256_unpackhi_pd(v[0], v[1]);
    const __m256d t2 = _mm256_unpacklo_pd(v[2], v[3]), t3 = _mm256_unpackhi_pd(v[2], v[3]);
    rows[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    rows[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    rows[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    rows[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

// Rows r .. r+7 of Z' for the outputs [o0, o0 + G) from their integer sums acc[g]: scale·sum +
// shift transposed to rows (4×4 blocks) and added to the clean rows; changed[r + t] |= differs.
template <int G>
void finishRows(const __m256i (&acc)[G], Eigen::Index r, int out, int o0, double scale,
                const double* shift, const double* clean, double* z, std::uint8_t* changed) {
    constexpr int kQuads = G / 4;
    const __m256d s = _mm256_set1_pd(scale);
    // delta[g][h]: scale·sum + shift of output o0 + g, rows r + 4h .. r + 4h + 3 (exact).
    __m256d delta[G][2];
    for (int g = 0; g < G; ++g) {
        const __m256d sh = _mm256_set1_pd(shift[o0 + g]);
        delta[g][0] = _mm256_fmadd_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(acc[g])), s, sh);
        delta[g][1] =
            _mm256_fmadd_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(acc[g], 1)), s, sh);
    }
    int diff[8] = {};
    for (int h = 0; h < 2; ++h) {
        for (int q = 0; q < kQuads; ++q) {
            const __m256d v[4] = {delta[4 * q][h], delta[4 * q + 1][h], delta[4 * q + 2][h],
                                  delta[4 * q + 3][h]};
            __m256d rows[4];
            transpose4(v, rows);
            for (int t = 0; t < 4; ++t) {
                const std::ptrdiff_t at = (r + 4 * h + t) * out + o0 + 4 * q;
                const __m256d c = _mm256_loadu_pd(clean + at);
                const __m256d x = _mm256_add_pd(c, rows[t]);
                _mm256_storeu_pd(z + at, x);
                diff[4 * h + t] |= _mm256_movemask_pd(_mm256_cmp_pd(x, c, _CMP_NEQ_UQ));
            }
        }
        if constexpr (G % 4 != 0) {
            alignas(32) double tail[G % 4][4];
            for (int g = 4 * kQuads; g < G; ++g)
                _mm256_store_pd(tail[g - 4 * kQuads], delta[g][h]);
            for (int t = 0; t < 4; ++t)
                for (int g = 4 * kQuads; g < G; ++g) {
                    const std::ptrdiff_t at = (r + 4 * h + t) * out + o0 + g;
                    z[at] = clean[at] + tail[g - 4 * kQuads][t];
                    diff[4 * h + t] |= z[at] != clean[at];
                }
        }
    }
    for (int t = 0; t < 8; ++t)
        changed[r + t] |= diff[t] != 0;
}

// 16-bit codes, outputs [o0, o0 + G), rows in blocks of 8: each pair of columns (k, k+1) is
// interleaved to 8 rows × 2 values and multiplied with the broadcast pair (w[k,o], w[k+1,o]) by
// one vpmaddwd per output (8 exact 32-bit sums of two products), accumulated in G registers.
template <int G>
void rowsBlock(const std::int16_t* d, Eigen::Index n, int K, const std::int32_t* pairs, int out,
               int o0, double scale, const double* shift, const double* clean, double* z,
               std::uint8_t* changed) {
    const int kp = (K + 1) / 2;
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
        finishRows<G>(acc, r, out, o0, scale, shift, clean, z, changed);
    }
}

// 8-bit codes: each quad of columns k .. k+3 is interleaved to 8 rows × 4 bytes, offset to
// u = d + 128 (unsigned), multiplied with the broadcast quad of weights by vpmaddubsw (16-bit
// sums of two products, which codeProduct8Fits keeps from saturating) and widened by vpmaddwd;
// corr[o] = 128·Σ_k w[k,o] is subtracted at the end.
template <int G>
void rowsBlock(const std::int8_t* d, Eigen::Index n, int K, const std::int32_t* quads, int out,
               int o0, double scale, const double* shift, const double* clean, double* z,
               std::uint8_t* changed) {
    const int kq = (K + 3) / 4;
    const std::int32_t* corr = quads + std::ptrdiff_t(kq) * out;
    const __m256i offset = _mm256_set1_epi8(char(0x80)), ones = _mm256_set1_epi16(1);
    for (Eigen::Index r = 0; r + 8 <= n; r += 8) {
        __m256i acc[G];
        for (int g = 0; g < G; ++g)
            acc[g] = _mm256_setzero_si256();
        for (int p = 0; p < kq; ++p) {
            __m128i c[4]; // columns past K repeat the last one (their weights are 0)
            for (int t = 0; t < 4; ++t)
                c[t] = _mm_loadl_epi64(
                    reinterpret_cast<const __m128i*>(d + std::min(4 * p + t, K - 1) * n + r));
            const __m128i c01 = _mm_unpacklo_epi8(c[0], c[1]), c23 = _mm_unpacklo_epi8(c[2], c[3]);
            const __m256i a = _mm256_xor_si256(
                _mm256_set_m128i(_mm_unpackhi_epi16(c01, c23), _mm_unpacklo_epi16(c01, c23)),
                offset);
            const std::int32_t* wq = quads + std::ptrdiff_t(p) * out + o0;
            for (int g = 0; g < G; ++g)
                acc[g] = _mm256_add_epi32(
                    acc[g],
                    _mm256_madd_epi16(_mm256_maddubs_epi16(a, _mm256_set1_epi32(wq[g])), ones));
        }
        for (int g = 0; g < G; ++g)
            acc[g] = _mm256_sub_epi32(acc[g], _mm256_set1_epi32(corr[o0 + g]));
        finishRows<G>(acc, r, out, o0, scale, shift, clean, z, changed);
    }
}

template <class T, int... G>
void dispatchBlock(int g, std::integer_sequence<int, G...>, const T* d, Eigen::Index n, int K,
                   const std::int32_t* pairs, int out, int o0, double scale, const double* shift,
                   const double* clean, double* z, std::uint8_t* changed) {
    ((g == G + 1 ? rowsBlock<G + 1>(d, n, K, pairs, out, o0, scale, shift, clean, z, changed)
                 : void()),
     ...);
}

// The vector blocks of 8 rows (outputs in groups of up to 12 accumulators: 16 ymm registers in
// all), then the scalar tail rows. packed: the weights as rowsBlock<G> reads them.
template <class T>
void productRows(const T* d, Eigen::Index n, int K, const T* w, int out, double scale,
                 const double* shift, const double* clean, double* z, std::uint8_t* changed,
                 const std::int32_t* packed) {
    constexpr int kGroup = 12;
    const Eigen::Index vec = n / 8 * 8;
    std::fill(changed, changed + vec, std::uint8_t(0));
    for (int o0 = 0; o0 < out; o0 += kGroup)
        dispatchBlock(std::min(kGroup, out - o0), std::make_integer_sequence<int, kGroup>{}, d, n,
                      K, packed, out, o0, scale, shift, clean, z, changed);
    rowsScalar(d, n, vec, K, w, out, scale, shift, clean, z, changed);
}
#endif

} // namespace

void codeProductRows(const std::int16_t* d, Eigen::Index n, int K, const std::int16_t* w, int out,
                     double scale, const double* shift, const double* clean, double* z,
                     std::uint8_t* changed, std::vector<std::int32_t>& pairs) {
    if (n <= 0 || out <= 0) return;
#if defined(__AVX2__)
    const int kp = (K + 1) / 2; // (w[2p,o], w[2p+1,o]) as one 32-bit word
    pairs.resize(std::size_t(kp) * std::size_t(out));
    for (int p = 0; p < kp; ++p)
        for (int o = 0; o < out; ++o) {
            const std::uint16_t w0 = std::uint16_t(w[2 * p * out + o]);
            const std::uint16_t w1 = 2 * p + 1 < K ? std::uint16_t(w[(2 * p + 1) * out + o]) : 0;
            pairs[std::size_t(p) * std::size_t(out) + std::size_t(o)] =
                std::int32_t(std::uint32_t(w0) | (std::uint32_t(w1) << 16));
        }
    productRows(d, n, K, w, out, scale, shift, clean, z, changed, pairs.data());
#else
    (void)pairs;
    rowsScalar(d, n, 0, K, w, out, scale, shift, clean, z, changed);
#endif
}

void codeProductRows(const std::int8_t* d, Eigen::Index n, int K, const std::int8_t* w, int out,
                     double scale, const double* shift, const double* clean, double* z,
                     std::uint8_t* changed, std::vector<std::int32_t>& quads) {
    if (n <= 0 || out <= 0) return;
#if defined(__AVX2__)
    const int kq = (K + 3) / 4; // (w[4p,o], …, w[4p+3,o]) as one 32-bit word; then corr[o]
    quads.assign(std::size_t(kq + 1) * std::size_t(out), 0);
    std::int32_t* corr = quads.data() + std::ptrdiff_t(kq) * out;
    for (int k = 0; k < K; ++k)
        for (int o = 0; o < out; ++o) {
            const std::int8_t v = w[k * out + o];
            quads[std::size_t(k / 4) * std::size_t(out) + std::size_t(o)] |=
                std::int32_t(std::uint32_t(std::uint8_t(v)) << (8 * (k % 4)));
            corr[o] += 128 * std::int32_t(v);
        }
    productRows(d, n, K, w, out, scale, shift, clean, z, changed, quads.data());
#else
    (void)quads;
    rowsScalar(d, n, 0, K, w, out, scale, shift, clean, z, changed);
#endif
}

namespace {

// Rows [r0, n) of qreluCodeDelta, one at a time (vectorized by the compiler for 16 bits).
template <class T>
bool qreluCodeDeltaTail(const double* v, const std::uint8_t* c, T* d, Eigen::Index r0,
                        Eigen::Index n, double a, double b, double lo, double hi, double scale,
                        double kmax) {
    T bits = 0;
    for (Eigen::Index r = r0; r < n; ++r) {
        const double x = std::min(std::max(std::fma(a, v[r], b), lo), hi);
        const double k = std::min(kmax, std::max(0.0, std::nearbyint(x * scale)));
        d[r] = T(std::int32_t(k) - std::int32_t(c[r]));
        bits |= d[r];
    }
    return bits != 0;
}

} // namespace

bool qreluCodeDelta(const double* v, const std::uint8_t* c, std::int8_t* d, Eigen::Index n,
                    double a, double b, double lo, double hi, double scale, double kmax) {
    Eigen::Index r = 0;
    bool any = false;
#if defined(__AVX2__)
    const __m256d va = _mm256_set1_pd(a), vb = _mm256_set1_pd(b), vlo = _mm256_set1_pd(lo),
                  vhi = _mm256_set1_pd(hi), vs = _mm256_set1_pd(scale), vk = _mm256_set1_pd(kmax),
                  zero = _mm256_setzero_pd();
    __m128i bits = _mm_setzero_si128();
    for (; r + 16 <= n; r += 16) {
        __m128i k32[4];
        for (int t = 0; t < 4; ++t) {
            const __m256d x = _mm256_min_pd(
                _mm256_max_pd(_mm256_fmadd_pd(va, _mm256_loadu_pd(v + r + 4 * t), vb), vlo), vhi);
            const __m256d k = _mm256_round_pd(_mm256_mul_pd(x, vs),
                                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            k32[t] = _mm256_cvttpd_epi32(_mm256_min_pd(_mm256_max_pd(k, zero), vk));
        }
        const __m128i k8 =
            _mm_packus_epi16(_mm_packs_epi32(k32[0], k32[1]), _mm_packs_epi32(k32[2], k32[3]));
        const __m128i delta =
            _mm_sub_epi8(k8, _mm_loadu_si128(reinterpret_cast<const __m128i*>(c + r)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + r), delta);
        bits = _mm_or_si128(bits, delta);
    }
    any = !_mm_testz_si128(bits, bits);
#endif
    return qreluCodeDeltaTail(v, c, d, r, n, a, b, lo, hi, scale, kmax) || any;
}

bool qreluCodeDelta(const double* v, const std::uint8_t* c, std::int16_t* d, Eigen::Index n,
                    double a, double b, double lo, double hi, double scale, double kmax) {
    return qreluCodeDeltaTail(v, c, d, 0, n, a, b, lo, hi, scale, kmax);
}

} // namespace netsurf::faulty
