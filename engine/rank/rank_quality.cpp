#include "engine/rank/rank_quality.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "engine/quant/quant_scheme.h"

namespace netsurf {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// NaN sorts as −∞ (as in orderBits), so every comparison below is a strict weak order.
double sortKey(double v) {
    return std::isnan(v) ? -INFINITY : v;
}

std::uint64_t pairCount(std::uint64_t t) {
    return t < 2 ? 0 : t * (t - 1) / 2;
}

void requireSameSize(std::size_t a, std::size_t b, const char* what) {
    if (a != b) throw std::invalid_argument(std::string(what) + ": sequences differ in length");
}

// Σ t(t−1)/2 over the runs of consecutive equal elements (same(i) ⇔ element i equals i−1).
template <typename Same> std::uint64_t tiedPairs(std::size_t n, Same same) {
    std::uint64_t total = 0, run = 1;
    for (std::size_t i = 1; i < n; ++i) {
        if (same(i)) {
            ++run;
        } else {
            total += pairCount(run);
            run = 1;
        }
    }
    return total + pairCount(run);
}

// Sorts v ascending with a stable bottom-up merge sort and returns the number of pairs i < j
// with v[i] > v[j] (strict: equal elements are never counted). O(n log n).
template <typename T> std::uint64_t sortCountingInversions(std::vector<T>& v) {
    const std::size_t n = v.size();
    std::vector<T> buf(n);
    std::uint64_t inversions = 0;
    for (std::size_t width = 1; width < n; width *= 2) {
        for (std::size_t lo = 0; lo < n; lo += 2 * width) {
            const std::size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
            std::size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) {
                if (v[j] < v[i]) {
                    inversions += mid - i; // v[j] jumps ahead of every remaining left element
                    buf[o++] = v[j++];
                } else {
                    buf[o++] = v[i++];
                }
            }
            while (i < mid)
                buf[o++] = v[i++];
            while (j < hi)
                buf[o++] = v[j++];
        }
        v.swap(buf);
    }
    return inversions;
}

// τ_b = (n0 − n1 − n2 + n3 − 2·n_d) / sqrt((n0 − n1)(n0 − n2))   (n3 = pairs tied in both).
double tauFromCounts(std::uint64_t n, std::uint64_t n1, std::uint64_t n2, std::uint64_t n3,
                     std::uint64_t discordant) {
    const std::uint64_t n0 = pairCount(n);
    if (n1 >= n0 || n2 >= n0) return kNaN;
    const double num = double(n0) - double(n1) - double(n2) + double(n3) - 2.0 * double(discordant);
    const double tau = num / std::sqrt(double(n0 - n1) * double(n0 - n2));
    return std::clamp(tau, -1.0, 1.0);
}

// Fractional ranks 1..n; tied values share the mean of their ranks.
std::vector<double> averageRanks(const std::vector<double>& v) {
    std::vector<std::size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), std::size_t(0));
    std::stable_sort(idx.begin(), idx.end(),
                     [&](std::size_t a, std::size_t b) { return sortKey(v[a]) < sortKey(v[b]); });
    std::vector<double> rank(v.size());
    for (std::size_t lo = 0; lo < idx.size();) {
        std::size_t hi = lo + 1;
        while (hi < idx.size() && sortKey(v[idx[hi]]) == sortKey(v[idx[lo]]))
            ++hi;
        const double r = 0.5 * double(lo + hi - 1) + 1.0;
        for (std::size_t i = lo; i < hi; ++i)
            rank[idx[i]] = r;
        lo = hi;
    }
    return rank;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
    const double n = double(x.size());
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
    const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    if (sxx == 0 || syy == 0) return kNaN;
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

// Hits |top-k(a) ∩ top-k(b)| given the positions of b.
std::size_t hitsAt(const BitOrder& a, const std::vector<std::uint32_t>& posB, std::size_t k) {
    std::size_t hits = 0;
    for (std::size_t i = 0; i < k; ++i)
        hits += posB[a[i]] < k ? 1 : 0;
    return hits;
}

} // namespace

BitOrder bitOrder(const std::vector<RankedBit>& rows, int bitsPerParam) {
    BitOrder order(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        order[i] = rows[i].param * std::uint32_t(bitsPerParam) + rows[i].bit;
    return order;
}

std::vector<double> scoresByBit(const std::vector<RankedBit>& rows, int bitsPerParam) {
    std::vector<double> scores(rows.size(), kNaN);
    for (const RankedBit& r : rows) {
        const std::size_t id = std::size_t(r.param) * std::size_t(bitsPerParam) + r.bit;
        if (id >= scores.size()) throw std::invalid_argument("scoresByBit: bit id out of range");
        scores[id] = r.score;
    }
    return scores;
}

std::vector<std::uint32_t> positions(const BitOrder& order) {
    std::vector<std::uint32_t> pos(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (order[i] >= order.size()) throw std::invalid_argument("positions: bit id out of range");
        pos[order[i]] = std::uint32_t(i);
    }
    return pos;
}

bool isSamePopulation(const BitOrder& a, const BitOrder& b) {
    if (a.size() != b.size()) return false;
    for (const BitOrder* o : {&a, &b}) {
        std::vector<bool> seen(o->size(), false);
        for (std::uint32_t id : *o) {
            if (id >= seen.size() || seen[id]) return false;
            seen[id] = true;
        }
    }
    return true;
}

const std::vector<double>& defaultQualityFractions() {
    static const std::vector<double> f{0.01, 0.05, 0.10, 0.20, 0.40};
    return f;
}

std::size_t topKCount(std::size_t bits, double fraction) {
    if (bits == 0) return 0;
    const double k = roundHalfToEven(fraction * double(bits));
    return std::clamp(std::size_t(std::max(k, 1.0)), std::size_t(1), bits);
}

std::size_t topKIntersection(const BitOrder& a, const BitOrder& b, std::size_t k) {
    requireSameSize(a.size(), b.size(), "topKIntersection");
    return hitsAt(a, positions(b), std::min(k, a.size()));
}

double precisionAtK(const BitOrder& a, const BitOrder& b, std::size_t k) {
    k = std::min(k, a.size());
    return k == 0 ? kNaN : double(topKIntersection(a, b, k)) / double(k);
}

std::vector<PrecisionAtK> precisionAtFractions(const BitOrder& a, const BitOrder& b,
                                               const std::vector<double>& fractions) {
    requireSameSize(a.size(), b.size(), "precisionAtFractions");
    const std::vector<std::uint32_t> posB = positions(b);
    std::vector<PrecisionAtK> out;
    for (double f : fractions) {
        PrecisionAtK p;
        p.fraction = f;
        p.k = topKCount(a.size(), f);
        p.hits = hitsAt(a, posB, p.k);
        p.precision = p.k == 0 ? kNaN : double(p.hits) / double(p.k);
        out.push_back(p);
    }
    return out;
}

double kendallTauB(const std::vector<double>& x, const std::vector<double>& y) {
    requireSameSize(x.size(), y.size(), "kendallTauB");
    const std::size_t n = x.size();
    if (n < 2) return kNaN;
    std::vector<std::pair<double, double>> xy(n);
    for (std::size_t i = 0; i < n; ++i)
        xy[i] = {sortKey(x[i]), sortKey(y[i])};
    std::sort(xy.begin(), xy.end()); // by x, then y: no discordant pair inside an x-tie
    const std::uint64_t n1 =
        tiedPairs(n, [&](std::size_t i) { return xy[i].first == xy[i - 1].first; });
    const std::uint64_t n3 = tiedPairs(n, [&](std::size_t i) { return xy[i] == xy[i - 1]; });
    std::vector<double> ys(n);
    for (std::size_t i = 0; i < n; ++i)
        ys[i] = xy[i].second;
    const std::uint64_t discordant = sortCountingInversions(ys); // ys is now sorted
    const std::uint64_t n2 = tiedPairs(n, [&](std::size_t i) { return ys[i] == ys[i - 1]; });
    return tauFromCounts(n, n1, n2, n3, discordant);
}

double kendallTauOrders(const BitOrder& a, const BitOrder& b) {
    requireSameSize(a.size(), b.size(), "kendallTauOrders");
    if (a.size() < 2) return kNaN;
    const std::vector<std::uint32_t> posB = positions(b);
    std::vector<std::uint32_t> seq(a.size()); // positions in b, read in the order of a
    for (std::size_t i = 0; i < a.size(); ++i)
        seq[i] = posB[a[i]];
    return tauFromCounts(a.size(), 0, 0, 0, sortCountingInversions(seq));
}

double spearmanRho(const std::vector<double>& x, const std::vector<double>& y) {
    requireSameSize(x.size(), y.size(), "spearmanRho");
    if (x.size() < 2) return kNaN;
    return pearson(averageRanks(x), averageRanks(y));
}

double spearmanOrders(const BitOrder& a, const BitOrder& b) {
    requireSameSize(a.size(), b.size(), "spearmanOrders");
    const std::size_t n = a.size();
    if (n < 2) return kNaN;
    const std::vector<std::uint32_t> posB = positions(b);
    std::uint64_t sumSq = 0; // Σd² ≤ n³/3: exact in 64 bits for n < 3·10⁶
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t d = std::int64_t(i) - std::int64_t(posB[a[i]]);
        sumSq += std::uint64_t(d * d);
    }
    const double nd = double(n);
    return 1.0 - 6.0 * double(sumSq) / (nd * (nd * nd - 1.0));
}

TopKOverlap topKOverlap(const BitOrder& a, const BitOrder& b, std::size_t k) {
    requireSameSize(a.size(), b.size(), "topKOverlap");
    return topKOverlapAt(positions(a), b, k);
}

TopKOverlap topKOverlapAt(const std::vector<std::uint32_t>& posA, const BitOrder& b,
                          std::size_t k) {
    requireSameSize(posA.size(), b.size(), "topKOverlapAt");
    TopKOverlap o;
    o.k = std::min(k, posA.size());
    std::vector<std::uint32_t> inA; // positions in a of the common bits, in the order of b
    for (std::size_t i = 0; i < o.k; ++i)
        if (posA[b[i]] < o.k) inA.push_back(posA[b[i]]);
    o.common = inA.size();
    o.jaccard = o.k == 0 ? kNaN : double(o.common) / double(2 * o.k - o.common);
    o.dice = o.k == 0 ? kNaN : double(o.common) / double(o.k);
    if (o.common < 2) {
        o.kendallTau = o.spearman = kNaN;
        return o;
    }
    // Positions are distinct on both sides (no ties) and those in b ascend: the values of
    // kendallTauB(inA, inB) and spearmanRho(inA, inB), bit for bit, without sorting pairs —
    // τ-b from the inversions of inA, ρ from the ranks 1..n (a counting pass over the top k).
    std::vector<double> rankA(o.common), rankB(o.common);
    std::vector<std::uint32_t> rankOf(o.k, 0);
    for (std::uint32_t p : inA)
        rankOf[p] = 1;
    for (std::uint32_t p = 0, r = 0; p < o.k; ++p)
        if (rankOf[p]) rankOf[p] = ++r;
    for (std::size_t j = 0; j < o.common; ++j) {
        rankA[j] = double(rankOf[inA[j]]);
        rankB[j] = double(j + 1);
    }
    o.kendallTau = tauFromCounts(o.common, 0, 0, 0, sortCountingInversions(inA));
    o.spearman = pearson(rankA, rankB);
    return o;
}

Result<RankQuality> rankQuality(const BitOrder& method, const BitOrder& reference,
                                const std::vector<double>& fractions) {
    if (!isSamePopulation(method, reference))
        return Error::data("rank quality: the two rankings do not order the same bits (" +
                           std::to_string(method.size()) + " vs " +
                           std::to_string(reference.size()) + " bits)");
    RankQuality q;
    q.bits = method.size();
    q.precision = precisionAtFractions(method, reference, fractions);
    q.kendallTau = kendallTauOrders(method, reference);
    q.spearman = spearmanOrders(method, reference);
    return q;
}

} // namespace netsurf
