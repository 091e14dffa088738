#include "engine/rank/ranking.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/core/sha256.h"

namespace netsurf {

RankOrder effectiveOrder(const RankConfig& config) {
    if (config.method == RankMethod::Random) return RankOrder::Global;
    if (!usesOrder(config.method)) return RankOrder::Plane;
    return config.order;
}

std::string rankingId(const RankConfig& c, const std::string& modelChecksum) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s|%s|%s|%zu|%llu|", toString(c.method),
                  toString(effectiveOrder(c)), toString(c.population), c.samples,
                  static_cast<unsigned long long>(c.seed));
    return sha256Hex(std::string(buf) + modelChecksum).substr(0, 12);
}

namespace {

struct SortKey {
    int plane;        // ascending
    double score;     // descending
    std::uint64_t tie;
    std::uint32_t param;
    std::uint8_t bit;
};

} // namespace

std::vector<RankedBit> orderBits(const Model& model, const BitPopulation& pop,
                                 const MethodScores& scores, const RankConfig& config) {
    const std::size_t m = std::size_t(pop.bitsPerParam);
    const RankOrder order = effectiveOrder(config);
    const bool lsbFirst = config.method == RankMethod::BitwiseLsb;
    std::vector<SortKey> keys(pop.bits());
    parallelChunks(pop.params.size(), 4096, [&](std::size_t, std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; ++p) {
            const ParamRef& ref = pop.params[p];
            const double v = paramValue(model, ref);
            for (std::size_t b = 0; b < m; ++b) {
                double s = scores.kind == ScoreKind::PerParam ? scores.values[p]
                                                              : scores.values[p * m + b];
                if (order == RankOrder::Global && scores.kind == ScoreKind::PerParam) {
                    const double d = model.scheme.delta(v, int(b));
                    s *= scores.combine == GlobalCombine::AbsDelta ? std::abs(d) : d * d;
                }
                if (std::isnan(s)) s = -INFINITY;
                const int plane = order == RankOrder::Global ? 0
                                  : lsbFirst                 ? int(m - 1 - b)
                                                             : int(b);
                keys[p * m + b] = {plane, s,
                                   hashKey(config.seed, std::uint64_t(RngPurpose::Ranking),
                                           ref.tensor, std::uint64_t(ref.index) * 64 + b),
                                   std::uint32_t(p), std::uint8_t(b)};
            }
        }
    });
    std::sort(keys.begin(), keys.end(), [](const SortKey& a, const SortKey& b) {
        if (a.plane != b.plane) return a.plane < b.plane;
        if (a.score != b.score) return a.score > b.score;
        if (a.tie != b.tie) return a.tie < b.tie;
        return a.param != b.param ? a.param < b.param : a.bit < b.bit;
    });
    std::vector<RankedBit> rows(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
        rows[i] = {keys[i].param, keys[i].bit, keys[i].score};
    return rows;
}

} // namespace netsurf
