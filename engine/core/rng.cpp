#include "engine/core/rng.h"

namespace netsurf {

std::uint64_t KeyedStream::below(std::uint64_t n) {
    if (n <= 1) return 0;
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
        const std::uint64_t x = next();
        const __uint128_t m = __uint128_t(x) * n;
        if (std::uint64_t(m) >= threshold) return std::uint64_t(m >> 64);
    }
}

std::vector<std::uint32_t> keyedPermutation(std::uint32_t n, std::uint64_t key) {
    std::vector<std::uint32_t> p(n);
    for (std::uint32_t i = 0; i < n; ++i) p[i] = i;
    KeyedStream s(key);
    for (std::uint32_t i = n; i > 1; --i) {
        const auto j = std::uint32_t(s.below(i));
        std::swap(p[i - 1], p[j]);
    }
    return p;
}

} // namespace netsurf
