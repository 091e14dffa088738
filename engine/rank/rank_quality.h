#pragma once
// Quality and overlap of two rankings of the same bit population (SPEC §5): precision@k at
// protection fractions, Kendall τ-b (Knight's O(n log n) algorithm, ties handled), Spearman ρ
// (average ranks for ties), Jaccard / Dice of the top-k sets.
//
// A ranking enters as a BitOrder: the bit ids p·m + b (BitPopulation addressing) in rank order,
// most vulnerable first. Two orders compared here must be permutations of the same ids
// 0..T−1 (rankings of one model with one population); rankQuality() checks that, the other
// functions take it as a precondition (std::invalid_argument on a length mismatch).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/core/result.h"
#include "engine/rank/ranking.h"

namespace netsurf {

using BitOrder = std::vector<std::uint32_t>;

// rows[i] → bit id rows[i].param·m + rows[i].bit, in rank order.
BitOrder bitOrder(const std::vector<RankedBit>& rows, int bitsPerParam);
// Score of every bit by bit id (index p·m + b), from the rows of a ranking.
std::vector<double> scoresByBit(const std::vector<RankedBit>& rows, int bitsPerParam);
// Rank position of every bit id: positions(order)[order[i]] = i.
std::vector<std::uint32_t> positions(const BitOrder& order);
// Whether a and b are permutations of the same ids 0..T−1.
bool isSamePopulation(const BitOrder& a, const BitOrder& b);

// Protection fractions of the quality report: 1 %, 5 %, 10 %, 20 %, 40 %.
const std::vector<double>& defaultQualityFractions();
// k = roundHalfToEven(fraction·T), at least 1 and at most T (0 when T = 0).
std::size_t topKCount(std::size_t bits, double fraction);

// |top-k(a) ∩ top-k(b)| (k clamped to the length).
std::size_t topKIntersection(const BitOrder& a, const BitOrder& b, std::size_t k);
// |top-k(a) ∩ top-k(b)| / k; NaN when k = 0.
double precisionAtK(const BitOrder& a, const BitOrder& b, std::size_t k);

struct PrecisionAtK {
    double fraction = 0;
    std::size_t k = 0;
    std::size_t hits = 0; // |top-k(a) ∩ top-k(b)|
    double precision = 0; // hits / k
};
// One entry per fraction, k = topKCount(T, fraction). O(T + Σk).
std::vector<PrecisionAtK> precisionAtFractions(const BitOrder& a, const BitOrder& b,
                                               const std::vector<double>& fractions);

// Kendall τ-b of two paired samples (ties allowed; NaN compares as −∞, like orderBits):
//   τ_b = (n_c − n_d) / sqrt((n0 − n1)(n0 − n2)),  n0 = n(n−1)/2, n1 / n2 = pairs tied in x / y.
// O(n log n): sort by (x, y), count x-ties and joint ties, count discordant pairs as the
// inversions of a stable merge sort of y (Knight 1966). NaN when n < 2 or either side is
// constant. std::invalid_argument when the sizes differ.
double kendallTauB(const std::vector<double>& x, const std::vector<double>& y);
// τ between the rank positions of two orders (no ties, so τ-a = τ-b): 1 − 4·D / (T(T−1)),
// D the bit pairs ordered differently. NaN when T < 2.
double kendallTauOrders(const BitOrder& a, const BitOrder& b);

// Spearman ρ: Pearson correlation of the average (fractional) ranks. NaN when n < 2 or a side
// is constant.
double spearmanRho(const std::vector<double>& x, const std::vector<double>& y);
// ρ between the rank positions of two orders: 1 − 6·Σd² / (T(T²−1)). NaN when T < 2.
double spearmanOrders(const BitOrder& a, const BitOrder& b);

// Overlap of the top-k sets (SPEC §5 "ranking overlap"): A = top-k(a), B = top-k(b),
// C = A ∩ B; τ-b and ρ compare the positions in a and in b of the bits of C (NaN when |C| < 2).
struct TopKOverlap {
    std::size_t k = 0;
    std::size_t common = 0; // |C|
    double jaccard = 0;     // |C| / |A ∪ B| = |C| / (2k − |C|)
    double dice = 0;        // 2|C| / (|A| + |B|) = |C| / k
    double kendallTau = 0;
    double spearman = 0;
};
TopKOverlap topKOverlap(const BitOrder& a, const BitOrder& b, std::size_t k);
// The same with a's positions given (posA[bit] = its rank in a), for many k of one pair.
TopKOverlap topKOverlapAt(const std::vector<std::uint32_t>& posA, const BitOrder& b, std::size_t k);

// Quality of `method` against `reference` (normally the oracle in global order): precision@k
// at `fractions` and τ-b / ρ over all T bits. Data error when the orders are not permutations
// of the same bit ids.
struct RankQuality {
    std::size_t bits = 0;
    std::vector<PrecisionAtK> precision;
    double kendallTau = 0;
    double spearman = 0;
};
Result<RankQuality> rankQuality(const BitOrder& method, const BitOrder& reference,
                                const std::vector<double>& fractions = defaultQualityFractions());

} // namespace netsurf
