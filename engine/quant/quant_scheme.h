#pragma once
// Fixed-point quantization scheme q<m,n,s> (SPEC §1).
//   m total bits, n integer bits excluding the sign, s ∈ {0,1} sign bit, f = m − n − s.
//   LSB = 2^−f; signed range [−2^n, 2^n − 2^−f]; unsigned range [0, 2^n − 2^−f].
//   Q(x) = clip(roundHalfToEven(x / LSB) · LSB, min, max).
//   Storage: two's complement on m bits; bit index 0 = MSB (the sign bit when s = 1).
//   Bit exponent (label): sign bit → n, then n−1, …, −f.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"

namespace netsurf {

class QuantScheme {
public:
    static constexpr int kMaxBits = 24; // keeps every value and flip exact in double precision

    QuantScheme() = default; // q<6,2,1>, the project's default scheme
    // Validates; returns a usage error naming the offending values otherwise.
    static Result<QuantScheme> make(int m, int n, int s);
    // Parses "q<m>", "q<m,n>", "q<m,n,s>" (spaces allowed after commas); anything else is a
    // usage error whose message quotes the string.
    static Result<QuantScheme> parse(std::string_view text);

    int m() const { return m_m; }
    int n() const { return m_n; }
    int s() const { return m_s; }
    int f() const { return m_m - m_n - m_s; }
    bool isSigned() const { return m_s == 1; }

    std::string str() const;     // "q<6,2,1>"
    std::string dirName() const; // "q6_2_1"

    double lsb() const;      // 2^−f
    double minValue() const; // −2^n (signed) or 0
    double maxValue() const; // 2^n − 2^−f

    double quantize(double x) const;          // Q(x), round half to even, saturating
    // quantize() of every element, vectorized (same results, including NaN → 0 and +0).
    void quantizeArray(double* values, std::size_t n) const;
    bool isRepresentable(double x) const;     // x is exactly a value of the grid
    std::uint32_t code(double q) const;       // two's-complement code (m bits) of Q(q)
    double decode(std::uint32_t code) const;  // value of an m-bit code
    int exponent(int bit) const;              // label of bit index (0 = MSB)
    bool bitValue(double q, int bit) const;   // stored bit of Q(q) at index `bit`
    double delta(double q, int bit) const;    // flip delta of bit `bit` of Q(q)
    std::vector<double> deltas(double q) const; // all m deltas, MSB first
    double flip(double q, std::uint32_t bitMask) const; // value after flipping the bits in mask
                                                        // (mask bit k ↔ bit index m−1−k)
    std::string bitString(double q) const;    // e.g. "001.011" (point before fractional bits)

    // Quantized ReLU of QKeras quantized_relu(bits=m, integer=n):
    //   y = 2^n · clip(roundHalfToEven(x · 2^(m−n)) / 2^m, 0, 1 − 2^−m)   (step 2^(n−m)).
    double qrelu(double x) const;
    double qreluMax() const;  // 2^n − 2^(n−m)
    double qreluStep() const; // 2^(n−m)

    bool operator==(const QuantScheme&) const = default;

private:
    void cacheGrid(); // derives the cached grid constants below from m, n, s
    int m_m = 6;
    int m_n = 2;
    int m_s = 1;
    // Cached (quantize() is on the training hot path): 2^f, 2^−f and the integer code range.
    double m_scale = 8.0, m_lsb = 0.125, m_kmin = -32.0, m_kmax = 31.0;
};

// Round half to even (banker's rounding) independent of the floating-point environment.
double roundHalfToEven(double x);

} // namespace netsurf
