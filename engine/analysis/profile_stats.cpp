#include "engine/analysis/profile_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace netsurf {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kMaxBins = 256;

// Type-7 quantile of sorted values.
double quantile(const std::vector<double>& sorted, double p) {
    const double at = p * double(sorted.size() - 1);
    const std::size_t lo = std::size_t(std::floor(at));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (at - double(lo)) * (sorted[hi] - sorted[lo]);
}

double histogramEntropy(const std::vector<double>& x) {
    std::vector<double> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    const double lo = sorted.front(), hi = sorted.back();
    if (!(hi > lo)) return kNaN;
    const double n = double(sorted.size());
    const double iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    std::size_t bins = 0;
    if (iqr > 0)
        bins = std::size_t(std::ceil((hi - lo) / (2 * iqr * std::pow(n, -1.0 / 3))));
    else
        bins = std::size_t(std::ceil(std::log2(n))) + 1;
    bins = std::clamp<std::size_t>(bins, 1, kMaxBins);
    const double width = (hi - lo) / double(bins);
    std::vector<std::size_t> count(bins, 0);
    for (double v : sorted)
        ++count[std::min(bins - 1, std::size_t((v - lo) / width))];
    double h = 0;
    for (std::size_t c : count)
        if (c > 0) {
            const double p = double(c) / n;
            h -= p * std::log(p / width);
        }
    return h;
}

} // namespace

double entropyOf(const std::vector<double>& x) {
    if (x.empty()) return kNaN;
    if (std::any_of(x.begin(), x.end(), [](double v) { return v < 0; })) return histogramEntropy(x);
    double sum = 0;
    for (double v : x)
        sum += v;
    if (!(sum > 0)) return kNaN;
    double h = 0;
    for (double v : x)
        if (v > 0) {
            const double p = v / sum;
            h -= p * std::log(p);
        }
    return h;
}

double giniOf(const std::vector<double>& x) {
    std::vector<double> a(x.size());
    std::transform(x.begin(), x.end(), a.begin(), [](double v) { return std::abs(v); });
    std::sort(a.begin(), a.end());
    double sum = 0, weighted = 0;
    const double n = double(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        sum += a[i];
        weighted += (2.0 * double(i + 1) - n - 1) * a[i];
    }
    return sum > 0 ? weighted / (n * sum) : 0.0;
}

std::vector<LorenzPoint> lorenzCurve(const std::vector<double>& x, std::size_t maxPoints) {
    std::vector<double> a(x.size());
    std::transform(x.begin(), x.end(), a.begin(), [](double v) { return std::abs(v); });
    std::sort(a.begin(), a.end());
    const std::size_t n = a.size();
    std::vector<double> cumulative(n + 1, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        cumulative[i + 1] = cumulative[i] + a[i];
    const double total = cumulative[n];
    const std::size_t step =
        std::max<std::size_t>(1, (n + maxPoints - 1) / std::max<std::size_t>(maxPoints, 1));
    std::vector<LorenzPoint> out;
    for (std::size_t i = 0; i <= n; i += step)
        out.push_back({n ? double(i) / double(n) : 0.0, total > 0 ? cumulative[i] / total : 0.0});
    if (out.back().population < 1 && n > 0) out.push_back({1.0, total > 0 ? 1.0 : 0.0});
    return out;
}

DistributionStats distributionStats(const std::vector<double>& x) {
    DistributionStats s;
    s.n = x.size();
    if (x.empty()) {
        s.entropy = s.variance = s.skewness = s.kurtosis = s.mean = s.std = s.min = s.max = kNaN;
        return s;
    }
    const double n = double(x.size());
    double sum = 0;
    s.min = s.max = x.front();
    for (double v : x) {
        sum += v;
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
        s.l1 += std::abs(v);
        s.l2 += v * v;
    }
    s.mean = sum / n;
    double m2 = 0, m3 = 0, m4 = 0;
    for (double v : x) {
        const double d = v - s.mean, d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    s.variance = m2;
    s.std = std::sqrt(m2);
    s.skewness = m2 > 0 ? m3 / std::pow(m2, 1.5) : kNaN;
    s.kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : kNaN;
    s.entropy = entropyOf(x);
    s.gini = giniOf(x);
    return s;
}

const std::vector<std::string>& statisticNames() {
    static const std::vector<std::string> names{"entropy", "variance", "skewness", "kurtosis",
                                                "mean",    "std",      "min",      "max",
                                                "l1",      "l2",       "gini"};
    return names;
}

std::vector<double> statisticVector(const DistributionStats& s) {
    return {s.entropy, s.variance, s.skewness, s.kurtosis, s.mean, s.std,
            s.min,     s.max,      s.l1,       s.l2,       s.gini};
}

StatsDivergence statsDivergence(const DistributionStats& pre, const DistributionStats& post) {
    const std::vector<double> a = statisticVector(pre), b = statisticVector(post);
    StatsDivergence d;
    d.giniShift = post.gini - pre.gini;
    std::vector<double> pa, pb; // the statistics finite on both sides
    for (std::size_t i = 0; i < a.size(); ++i) {
        d.difference.push_back(b[i] - a[i]);
        if (std::isfinite(a[i]) && std::isfinite(b[i])) {
            pa.push_back(a[i]);
            pb.push_back(b[i]);
        }
    }
    double dot = 0, na = 0, nb = 0, sa = 0, sb = 0;
    for (std::size_t i = 0; i < pa.size(); ++i) {
        dot += pa[i] * pb[i];
        na += pa[i] * pa[i];
        nb += pb[i] * pb[i];
        sa += std::abs(pa[i]);
        sb += std::abs(pb[i]);
    }
    d.cosine = na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : kNaN;
    constexpr double kEps = 1e-12;
    double kl = 0;
    for (std::size_t i = 0; i < pa.size(); ++i) {
        const double p = (sa > 0 ? std::abs(pa[i]) / sa : 0) + kEps;
        const double q = (sb > 0 ? std::abs(pb[i]) / sb : 0) + kEps;
        kl += p * std::log(p / q) + q * std::log(q / p);
    }
    d.symmetricKl = kl;
    return d;
}

Histogram histogramOf(const std::vector<double>& x, std::size_t bins) {
    Histogram h;
    if (x.empty() || bins == 0) return h;
    const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
    const double a = *lo, b = *hi;
    if (!(b > a)) bins = 1;
    const double width = b > a ? (b - a) / double(bins) : 1.0;
    for (std::size_t i = 0; i <= bins; ++i)
        h.edges.push_back(i == bins && b > a ? b : a + width * double(i));
    h.counts.assign(bins, 0);
    for (double v : x)
        ++h.counts[std::min(bins - 1, std::size_t((v - a) / width))];
    return h;
}

} // namespace netsurf
