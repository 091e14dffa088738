#include "engine/compare/ranking_overlap.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <tbb/parallel_for.h>
#include <tuple>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"

namespace netsurf {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kBootstrapPurpose = 0xb0075712a9ULL; // stream family of this bootstrap

double roundTo12(double v) {
    return std::round(v * 1e12) / 1e12;
}

// The common set C of a level: its items in the order of b (item i has y-rank i) and xOrder,
// the items sorted by their position in a.
struct CommonSet {
    std::size_t k = 0;
    std::vector<std::uint32_t> xOrder;
};

CommonSet commonTopK(const std::vector<std::uint32_t>& posA, const BitOrder& b, std::size_t k) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> items; // (position in a, y-rank)
    for (std::size_t i = 0; i < k; ++i)
        if (posA[b[i]] < k) items.emplace_back(posA[b[i]], std::uint32_t(items.size()));
    std::sort(items.begin(), items.end());
    CommonSet c{k, {}};
    for (const auto& it : items)
        c.xOrder.push_back(it.second);
    return c;
}

using WeightedItem = std::pair<std::uint32_t, std::uint32_t>; // (key, weight)

// Σ m_s·m_t over the pairs s < t of the sequence with key_s > key_t (keys distinct): weighted
// inversions counted by a bottom-up merge sort (sorts seq by key; sequential memory access).
std::uint64_t weightedInversions(std::vector<WeightedItem>& seq) {
    const std::size_t n = seq.size();
    std::vector<WeightedItem> buf(n);
    std::uint64_t inversions = 0;
    for (std::size_t width = 1; width < n; width *= 2) {
        for (std::size_t lo = 0; lo < n; lo += 2 * width) {
            const std::size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
            std::uint64_t left = 0; // weight not yet merged from the left run
            for (std::size_t i = lo; i < mid; ++i)
                left += seq[i].second;
            std::size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) {
                if (seq[j].first < seq[i].first) {
                    inversions += std::uint64_t(seq[j].second) * left;
                    buf[o++] = seq[j++];
                } else {
                    left -= seq[i].second;
                    buf[o++] = seq[i++];
                }
            }
            std::copy(seq.begin() + std::ptrdiff_t(i), seq.begin() + std::ptrdiff_t(mid),
                      buf.begin() + std::ptrdiff_t(o));
            o += mid - i;
            std::copy(seq.begin() + std::ptrdiff_t(j), seq.begin() + std::ptrdiff_t(hi),
                      buf.begin() + std::ptrdiff_t(o));
        }
        seq.swap(buf);
    }
    return inversions;
}

struct Resample {
    double jaccard = kNaN, dice = kNaN, tau = kNaN, rho = kNaN;
};

// One bootstrap resample of the level with its own keyed stream: |U| draws from the union,
// |C| draws (as multiplicities) from the common set.
Resample resample(const CommonSet& c, std::uint64_t streamKey) {
    KeyedStream s(streamKey);
    Resample r;
    const std::size_t common = c.xOrder.size(), unionSize = 2 * c.k - common;
    if (unionSize > 0) {
        std::size_t both = 0;
        for (std::size_t i = 0; i < unionSize; ++i)
            both += s.below(unionSize) < common;
        r.jaccard = double(both) / double(unionSize);
        r.dice = 2 * r.jaccard / (1 + r.jaccard);
    }
    if (common < 2) return r;
    std::vector<std::uint32_t> counts(common, 0);
    for (std::size_t i = 0; i < common; ++i)
        ++counts[s.below(common)];
    std::tie(r.tau, r.rho) = resampledTauRho(c.xOrder, counts);
    return r;
}

void bootstrapLevel(OverlapLevel& level, const CommonSet& c, const BootstrapConfig& config,
                    std::uint64_t levelKey) {
    const auto n = std::size_t(std::max(config.resamples, 0));
    std::vector<Resample> out(n);
    parallelChunks(n, 1, [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t r = begin; r < end; ++r)
            out[r] = resample(c, hashKey(levelKey, r));
    });
    std::vector<double> j, d, t, p;
    for (const Resample& r : out) {
        j.push_back(r.jaccard);
        d.push_back(r.dice);
        t.push_back(r.tau);
        p.push_back(r.rho);
    }
    level.jaccard = percentileInterval(std::move(j));
    level.dice = percentileInterval(std::move(d));
    level.kendallTau = percentileInterval(std::move(t));
    level.spearman = percentileInterval(std::move(p));
}

} // namespace

std::pair<double, double> resampledTauRho(const std::vector<std::uint32_t>& xOrder,
                                          const std::vector<std::uint32_t>& counts) {
    const std::size_t c = counts.size();
    std::uint64_t n = 0, sumSq = 0;
    std::vector<double> ry(c); // average y-ranks (1-based)
    for (std::size_t i = 0; i < c; ++i) {
        ry[i] = double(n) + (counts[i] + 1) / 2.0;
        n += counts[i];
        sumSq += std::uint64_t(counts[i]) * counts[i];
    }
    std::vector<WeightedItem> seq; // drawn items in x order: (y-rank, multiplicity)
    seq.reserve(c);
    const double mid = (double(n) + 1) / 2;
    double cumX = 0, sxy = 0, sxx = 0, syy = 0;
    for (std::uint32_t i : xOrder) {
        const double m = counts[i];
        if (m == 0) continue;
        seq.emplace_back(i, counts[i]);
        const double rx = cumX + (m + 1) / 2;
        cumX += m;
        sxy += m * (rx - mid) * (ry[i] - mid);
        sxx += m * (rx - mid) * (rx - mid);
        syy += m * (ry[i] - mid) * (ry[i] - mid);
    }
    const double discordant = double(weightedInversions(seq));
    const double pairs = (double(n) * double(n) - double(sumSq)) / 2; // untied pairs
    const double tau = pairs > 0 ? 1 - 2 * discordant / pairs : kNaN;
    const double rho = sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : kNaN;
    return {tau, rho};
}

std::vector<double> overlapLevels(const std::vector<double>& gridProtections) {
    std::set<double> axis(gridProtections.begin(), gridProtections.end());
    axis.insert(0.0);
    double g = 0;
    for (auto it = axis.begin(); std::next(it) != axis.end(); ++it) {
        const double step = *std::next(it) - *it;
        if (step > 0 && (g == 0 || step < g)) g = step;
    }
    g = g == 0 ? 0.1 : std::max(roundTo12(g), 0.01);
    std::vector<double> levels;
    for (int i = 1; i * g <= 1 + 1e-9; ++i)
        levels.push_back(std::min(roundTo12(i * g), 1.0));
    if (levels.empty() || levels.back() < 1 - 1e-9) levels.push_back(1.0);
    return levels;
}

Interval percentileInterval(std::vector<double> samples) {
    samples.erase(
        std::remove_if(samples.begin(), samples.end(), [](double v) { return std::isnan(v); }),
        samples.end());
    Interval iv;
    if (samples.empty()) return iv;
    std::sort(samples.begin(), samples.end());
    auto quantile = [&](double q) {
        const double h = q * double(samples.size() - 1);
        const auto lo = std::size_t(std::floor(h));
        const std::size_t hi = std::min(lo + 1, samples.size() - 1);
        return samples[lo] + (h - double(lo)) * (samples[hi] - samples[lo]);
    };
    iv.low = quantile(0.025);
    iv.high = quantile(0.975);
    return iv;
}

std::uint64_t overlapKey(std::uint64_t seed, const std::string& rankerId,
                         const std::string& referenceId) {
    std::uint64_t h = 0xcbf29ce484222325ULL; // FNV-1a 64
    for (char ch : rankerId + "|" + referenceId) {
        h ^= std::uint8_t(ch);
        h *= 0x100000001b3ULL;
    }
    return hashKey(seed, kBootstrapPurpose, h);
}

std::vector<OverlapLevel> overlapAtLevels(const BitOrder& ranker, const BitOrder& reference,
                                          const std::vector<double>& levels,
                                          const BootstrapConfig& bootstrap, std::uint64_t key) {
    if (!isSamePopulation(ranker, reference))
        throw std::invalid_argument("overlapAtLevels: the orders rank different bits");
    const std::vector<std::uint32_t> posA = positions(ranker);
    std::vector<OverlapLevel> out(levels.size());
    // Levels are independent (their draws are keyed by the level): in parallel, same numbers.
    tbb::parallel_for(std::size_t(0), levels.size(), [&](std::size_t l) {
        OverlapLevel& level = out[l];
        level.protection = levels[l];
        const std::size_t k = topKCount(ranker.size(), levels[l]);
        level.overlap = topKOverlapAt(posA, reference, k);
        if (bootstrap.enabled && k > 0)
            bootstrapLevel(level, commonTopK(posA, reference, level.overlap.k), bootstrap,
                           hashKey(key, l));
    });
    return out;
}

} // namespace netsurf
