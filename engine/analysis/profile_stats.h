#pragma once
// Statistics of a robustness-profile distribution and the divergence of two profiles (SPEC §6).
//
// Conventions (the Python tool's numpy/scipy defaults, so numbers carry over):
// - variance, std: population moments (divide by n); skewness m3 / m2^1.5 and excess kurtosis
//   m4 / m2² − 3 from the central moments m_k = Σ(x − mean)^k / n (scipy's biased estimators);
//   NaN when m2 = 0.
// - entropy, in nats: for a vector without negative values, of p = x / Σx (zero entries add 0;
//   NaN when Σx = 0); otherwise the differential entropy −Σ p_i log(p_i / w) of a density
//   histogram: equal bins of width w over [min, max], their number from the Freedman–Diaconis
//   width 2·IQR·n^(−1/3) (IQR of type-7 quartiles), at most 256, Sturges' ⌈log₂ n⌉ + 1 when the
//   IQR is 0; NaN when max = min.
// - Gini of |x| sorted ascending (a_1 ≤ … ≤ a_n): Σ(2i − n − 1)·a_i / (n·Σa); 0 when Σa = 0.
// - Lorenz curve of |x|: (i/n, Σ_{j≤i} a_j / Σa) for i = 0..n.
// - L1 = Σ|x|, L2 = Σx² (the squared norm, as the seed tool reports it).
#include <cstdint>
#include <string>
#include <vector>

namespace netsurf {

struct DistributionStats {
    std::size_t n = 0;
    double entropy = 0, variance = 0, skewness = 0, kurtosis = 0, mean = 0, std = 0, min = 0,
           max = 0, l1 = 0, l2 = 0, gini = 0;
};

DistributionStats distributionStats(const std::vector<double>& x);

// The statistics by name, in a fixed order (the divergence's statistic vector).
const std::vector<std::string>& statisticNames(); // entropy, variance, …, gini
std::vector<double> statisticVector(const DistributionStats& s);

double entropyOf(const std::vector<double>& x);
double giniOf(const std::vector<double>& x);

// At most `maxPoints` points (+ the end points) of the Lorenz curve, evenly spaced in i.
struct LorenzPoint {
    double population = 0, share = 0;
};
std::vector<LorenzPoint> lorenzCurve(const std::vector<double>& x, std::size_t maxPoints = 1000);

// Equal-width bins over [min, max] (one bin when they are equal; none for no values); the last
// bin is closed on the right.
struct Histogram {
    std::vector<double> edges;         // bins + 1
    std::vector<std::uint64_t> counts; // bins
};
Histogram histogramOf(const std::vector<double>& x, std::size_t bins);

// Pre- vs post-training divergence of one distribution's statistics.
struct StatsDivergence {
    std::vector<double> difference; // post − pre, per statistic (statisticNames())
    double cosine = 0;              // of the two statistic vectors
    double giniShift = 0;           // post.gini − pre.gini
    double symmetricKl = 0;         // KL(p‖q) + KL(q‖p), p, q = |vector| / Σ|vector|
};
// Statistics that are NaN on either side are left out of the cosine and the KL (their difference
// is NaN); the KL adds 1e-12 to every share so that a zero share stays finite.
StatsDivergence statsDivergence(const DistributionStats& pre, const DistributionStats& post);

} // namespace netsurf
