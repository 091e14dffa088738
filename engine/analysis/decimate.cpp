#include "engine/analysis/decimate.h"

#include <algorithm>
#include <cmath>

namespace netsurf {

std::vector<std::size_t> decimationIndices(const std::vector<double>& y, std::size_t maxPoints) {
    const std::size_t n = y.size();
    maxPoints = std::max<std::size_t>(maxPoints, 4);
    std::vector<std::size_t> keep;
    if (n <= maxPoints) {
        keep.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            keep[i] = i;
        return keep;
    }
    // First and last point on their own; the rest in (maxPoints − 2) / 2 buckets of two points.
    const std::size_t buckets = (maxPoints - 2) / 2;
    keep.reserve(2 * buckets + 2);
    keep.push_back(0);
    const std::size_t inner = n - 2;
    for (std::size_t b = 0; b < buckets; ++b) {
        const std::size_t begin = 1 + b * inner / buckets, end = 1 + (b + 1) * inner / buckets;
        if (begin >= end) continue;
        std::size_t lo = begin, hi = begin;
        for (std::size_t i = begin; i < end; ++i) {
            // NaN never wins a comparison, so a bucket of NaN keeps its first point.
            if (y[i] < y[lo] || std::isnan(y[lo])) lo = i;
            if (y[i] > y[hi] || std::isnan(y[hi])) hi = i;
        }
        keep.push_back(std::min(lo, hi));
        if (lo != hi) keep.push_back(std::max(lo, hi));
    }
    keep.push_back(n - 1);
    return keep;
}

} // namespace netsurf
