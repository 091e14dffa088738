#pragma once
// Decimation of long series for figures that must stay small (the HTML report: at most ~2 000
// points per series). The x range is cut into equal-count buckets and each bucket keeps its
// minimum and its maximum y in x order, so peaks, dips and the envelope survive; the first and
// the last point are always kept. Series at or under the limit are kept whole.
#include <cstddef>
#include <vector>

namespace netsurf {

// Indices (ascending) of the points of `y` to keep, at most `maxPoints` (≥ 4) of them.
std::vector<std::size_t> decimationIndices(const std::vector<double>& y, std::size_t maxPoints);

} // namespace netsurf
