#include "engine/quant/quant_scheme.h"

#include <Eigen/Core>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include "engine/core/message_text.h"

// Decisions (SPEC §1 leaves them open):
//  - NaN quantizes to 0 (and qrelu(NaN) = 0); ±∞ saturate to max/min like any other
//    out-of-range value.
//  - A quantized zero is always +0 (never −0), so printing and comparisons are stable.
//  - flip() ignores mask bits at positions ≥ m.
//  - bitString() inserts the point only when 0 < f < m: "001.011" for q<6,2,1>, "101101" for
//    q<6,6,0> (f = 0) and q<6,0,0> (f = m).
//  - parse() accepts whitespace around the whole string, after '<', around numbers and after
//    commas; the letter must be a lower-case 'q' immediately followed by '<'.

namespace netsurf {

namespace {

// Reason why (m, n, s) is not a valid scheme, or nullopt if it is.
std::optional<std::string> invalidReason(long long m, long long n, long long s) {
    if (m <= 0) return "m must be positive";
    if (m > QuantScheme::kMaxBits)
        return "m must be at most " + std::to_string(QuantScheme::kMaxBits);
    if (n < 0) return "n must be non-negative";
    if (s != 0 && s != 1) return "s must be 0 or 1";
    if (n + s > m) return "n + s must not exceed m";
    return std::nullopt;
}

Error schemeError(std::string_view text, const std::string& reason) {
    return Error::usage("invalid quantization scheme " + quoteValue(text) + ": " + reason);
}

// Minimal cursor over the scheme text.
struct Cursor {
    std::string_view text;
    std::size_t pos = 0;

    void skipSpace() {
        while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])))
            ++pos;
    }
    bool eat(char c) {
        if (pos < text.size() && text[pos] == c) {
            ++pos;
            return true;
        }
        return false;
    }
    bool atEnd() const { return pos == text.size(); }
    // Optionally signed decimal integer; out-of-range values saturate so they fail validation.
    std::optional<long long> integer() {
        const std::size_t start = pos;
        const bool negative = eat('-');
        const std::size_t digits = pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
            ++pos;
        if (pos == digits) {
            pos = start;
            return std::nullopt;
        }
        long long v = 0;
        auto [ptr, ec] = std::from_chars(text.data() + digits, text.data() + pos, v);
        (void)ptr;
        if (ec == std::errc::result_out_of_range) v = 1LL << 40;
        return negative ? -v : v;
    }
};

} // namespace

// Explicit floor + tie test: no dependence on the current rounding mode (fesetround).
// x − floor(x) is exact for every finite double, so the tie test is exact.
double roundHalfToEven(double x) {
    if (!std::isfinite(x)) return x;
    const double fl = std::floor(x);
    const double frac = x - fl; // in [0, 1)
    double r = fl;
    if (frac > 0.5)
        r = fl + 1.0;
    else if (frac == 0.5)
        r = (0.5 * fl == std::floor(0.5 * fl)) ? fl : fl + 1.0; // fl even?
    return r == 0.0 ? std::copysign(0.0, x) : r;
}

Result<QuantScheme> QuantScheme::make(int m, int n, int s) {
    if (auto reason = invalidReason(m, n, s)) {
        const std::string text =
            "q<" + std::to_string(m) + "," + std::to_string(n) + "," + std::to_string(s) + ">";
        return schemeError(text, *reason);
    }
    QuantScheme q;
    q.m_m = m;
    q.m_n = n;
    q.m_s = s;
    q.cacheGrid();
    return q;
}

void QuantScheme::cacheGrid() {
    m_scale = std::ldexp(1.0, f());
    m_lsb = std::ldexp(1.0, -f());
    m_kmin = isSigned() ? -std::ldexp(1.0, m_m - 1) : 0.0;
    m_kmax = (isSigned() ? std::ldexp(1.0, m_m - 1) : std::ldexp(1.0, m_m)) - 1.0;
}

// Grammar: ws* 'q' '<' ws* int ws* (',' ws* int ws*){0,2} '>' ws*
Result<QuantScheme> QuantScheme::parse(std::string_view text) {
    const std::string expected = "expected q<m>, q<m,n> or q<m,n,s> with integers m, n, s";
    Cursor c{text};
    c.skipSpace();
    if (!c.eat('q') || !c.eat('<')) return schemeError(text, expected);
    long long values[3] = {0, 0, 0};
    int count = 0;
    for (;;) {
        c.skipSpace();
        auto v = c.integer();
        if (!v) return schemeError(text, expected);
        values[count++] = *v;
        c.skipSpace();
        if (c.eat('>')) break;
        if (count == 3 || !c.eat(',')) return schemeError(text, expected);
    }
    c.skipSpace();
    if (!c.atEnd()) return schemeError(text, expected + ", without trailing text");

    const long long m = values[0];
    const long long n = count >= 2 ? values[1] : m;
    const long long s = count == 3 ? values[2] : 0;
    if (auto reason = invalidReason(m, n, s)) return schemeError(text, *reason);
    return make(static_cast<int>(m), static_cast<int>(n), static_cast<int>(s));
}

std::string QuantScheme::str() const {
    return "q<" + std::to_string(m_m) + "," + std::to_string(m_n) + "," + std::to_string(m_s) + ">";
}

std::string QuantScheme::dirName() const {
    return "q" + std::to_string(m_m) + "_" + std::to_string(m_n) + "_" + std::to_string(m_s);
}

double QuantScheme::lsb() const {
    return m_lsb;
}

double QuantScheme::minValue() const {
    return isSigned() ? -std::ldexp(1.0, m_n) : 0.0;
}

double QuantScheme::maxValue() const {
    return std::ldexp(1.0, m_n) - lsb();
}

// Integer grid k·LSB with k ∈ [kmin, kmax]:
//   signed: kmin = −2^(m−1), kmax = 2^(m−1) − 1;  unsigned: kmin = 0, kmax = 2^m − 1.
// x / LSB = x · 2^f is exact (power-of-two scaling).
double QuantScheme::quantize(double x) const {
    if (std::isnan(x)) return 0.0;
    // Multiplying by a power of two is exact (as ldexp), including overflow to ±inf.
    const double k = roundHalfToEven(x * m_scale);
    const double q = std::clamp(k, m_kmin, m_kmax) * m_lsb;
    return q == 0.0 ? 0.0 : q; // never −0
}

void QuantScheme::quantizeArray(double* values, std::size_t n) const {
    // The scalar algorithm on whole arrays: k = round-half-even(x·2^f) by floor and an explicit
    // tie rule (floor is exact and independent of the rounding mode), clamp, scale back.
    Eigen::Map<Eigen::ArrayXd> v(values, Eigen::Index(n));
    const Eigen::ArrayXd x = v.isNaN().select(0.0, v) * m_scale;
    const Eigen::ArrayXd fl = x.floor();
    const Eigen::ArrayXd frac = x - fl;
    const Eigen::ArrayXd odd = fl - 2.0 * (0.5 * fl).floor(); // 1 for odd fl, 0 for even
    const Eigen::ArrayXd up = (frac > 0.5).select(1.0, (frac == 0.5).select(odd, 0.0));
    // fl + up is ±inf for infinite x (frac NaN compares false), clamped like the scalar path
    v = ((fl + up).max(m_kmin).min(m_kmax) * m_lsb) + 0.0; // + 0.0 turns −0 into +0
}

bool QuantScheme::isRepresentable(double x) const {
    return std::isfinite(x) && quantize(x) == x;
}

// Code = k mod 2^m with k = Q(q) / LSB (two's complement for negative k).
std::uint32_t QuantScheme::code(double q) const {
    const auto k = static_cast<long long>(std::ldexp(quantize(q), f()));
    const long long modulus = 1LL << m_m;
    return static_cast<std::uint32_t>(k < 0 ? k + modulus : k);
}

double QuantScheme::decode(std::uint32_t code) const {
    const long long modulus = 1LL << m_m;
    long long k = static_cast<long long>(code) & (modulus - 1);
    if (isSigned() && k >= modulus / 2) k -= modulus; // sign bit carries weight −2^n
    return std::ldexp(static_cast<double>(k), -f());
}

// Bit index 0 = MSB; its exponent is n for signed schemes (the sign bit), n − 1 otherwise.
int QuantScheme::exponent(int bit) const {
    return m_n - 1 + m_s - bit;
}

bool QuantScheme::bitValue(double q, int bit) const {
    return ((code(q) >> (m_m - 1 - bit)) & 1u) != 0;
}

// Magnitude bit with exponent e: +2^e if 0, −2^e if 1; sign bit: −2^n if 0, +2^n if 1.
double QuantScheme::delta(double q, int bit) const {
    const bool one = bitValue(q, bit);
    const double weight = std::ldexp(1.0, exponent(bit));
    if (isSigned() && bit == 0) return one ? weight : -weight;
    return one ? -weight : weight;
}

std::vector<double> QuantScheme::deltas(double q) const {
    std::vector<double> out(static_cast<std::size_t>(m_m));
    for (int b = 0; b < m_m; ++b)
        out[static_cast<std::size_t>(b)] = delta(q, b);
    return out;
}

// Mask bit k is code bit k, i.e. bit index m−1−k; bits ≥ m are ignored.
double QuantScheme::flip(double q, std::uint32_t bitMask) const {
    const std::uint32_t mask = static_cast<std::uint32_t>((1ULL << m_m) - 1);
    return decode(code(q) ^ (bitMask & mask));
}

std::string QuantScheme::bitString(double q) const {
    const std::uint32_t c = code(q);
    std::string out;
    out.reserve(static_cast<std::size_t>(m_m) + 1);
    for (int b = 0; b < m_m; ++b) {
        if (f() > 0 && f() < m_m && b == m_m - f()) out.push_back('.');
        out.push_back(((c >> (m_m - 1 - b)) & 1u) ? '1' : '0');
    }
    return out;
}

// y = 2^n · clip(rhe(x · 2^(m−n)) / 2^m, 0, 1 − 2^−m) = clip(rhe(x · 2^(m−n)), 0, 2^m − 1) ·
// 2^(n−m)
double QuantScheme::qrelu(double x) const {
    if (std::isnan(x)) return 0.0;
    const double k = roundHalfToEven(std::ldexp(x, m_m - m_n));
    const double y = std::ldexp(std::clamp(k, 0.0, std::ldexp(1.0, m_m) - 1.0), m_n - m_m);
    return y == 0.0 ? 0.0 : y;
}

double QuantScheme::qreluMax() const {
    return std::ldexp(1.0, m_n) - qreluStep();
}

double QuantScheme::qreluStep() const {
    return std::ldexp(1.0, m_n - m_m);
}

} // namespace netsurf
