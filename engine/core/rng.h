#pragma once
// Counter-based random numbers: every draw is a pure function of (seed, keys...), never of the
// thread, the time or the order of evaluation. Used for initialization, shuffles and splits.
#include <cstdint>
#include <vector>

namespace netsurf {

// SplitMix64 finalizer: a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Hash of a key tuple; different tuples give independent-looking streams.
constexpr std::uint64_t hashKey(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0,
                                std::uint64_t d = 0) {
    std::uint64_t h = mix64(a ^ 0x6a09e667f3bcc908ULL);
    h = mix64(h ^ b);
    h = mix64(h ^ (c + 0x3c6ef372fe94f82bULL));
    return mix64(h ^ (d + 0xa54ff53a5f1d36f1ULL));
}

// Uniform double in [0, 1) with 53 random bits.
constexpr double toUnit(std::uint64_t x) { return double(x >> 11) * 0x1.0p-53; }

// Sequential generator seeded by a key, for algorithms that consume a stream (shuffles).
class KeyedStream {
public:
    explicit KeyedStream(std::uint64_t key) : m_state(key) {}
    std::uint64_t next() { return mix64(m_state++ ^ 0xd1b54a32d192ed03ULL); }
    double uniform() { return toUnit(next()); }
    // Unbiased integer in [0, n) (Lemire's method with rejection).
    std::uint64_t below(std::uint64_t n);

private:
    std::uint64_t m_state;
};

// Fisher–Yates permutation of 0..n-1 keyed by `key`.
std::vector<std::uint32_t> keyedPermutation(std::uint32_t n, std::uint64_t key);

// Purposes, so that draws for different things never share a stream.
enum class RngPurpose : std::uint64_t {
    Init = 1, Shuffle = 2, ValidationSplit = 3, DatasetSplit = 4, Simulation = 5, Ranking = 6,
    Injection = 7,
};

} // namespace netsurf
