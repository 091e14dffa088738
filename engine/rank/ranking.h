#pragma once
// A ranking: every bit of the population, most vulnerable first (SPEC §3), with its identity.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/rank/rank_method.h"

namespace netsurf {

struct RankConfig {
    RankMethod method = RankMethod::Random;
    RankOrder order = RankOrder::Plane;
    Population population = Population::All;
    std::uint64_t seed = 0;
    std::size_t samples = 0; // ranking samples (0 = the whole training split)
};

// The order actually used: random is one global permutation and bitwise_* are plane orders,
// whatever the option says.
RankOrder effectiveOrder(const RankConfig& config);

struct RankedBit {
    std::uint32_t param = 0; // population entry
    std::uint8_t bit = 0;    // 0 = MSB
    double score = 0;        // the key sorted on (descending) inside its plane / globally
};

struct Ranking {
    RankConfig config;
    std::string id;             // rankingId()
    std::string modelChecksum;  // SHA-256 of the model file
    std::size_t samplesUsed = 0;
    double seconds = 0;
    std::vector<std::pair<std::string, double>> diagnostics;
    BitPopulation population;
    std::vector<RankedBit> rows; // rank order
};

// Short hash (12 hex digits) of (method, effective order, population, samples, seed, model
// checksum).
std::string rankingId(const RankConfig& config, const std::string& modelChecksum);

// Orders the population's bits. Plane: bit planes MSB→LSB (LSB→MSB for bitwise_lsb), score
// descending inside a plane; global: score descending, per-parameter scores combined with the
// bit (·|δ| or ·δ²). Ties are broken by a seeded key of (tensor, index, bit).
std::vector<RankedBit> orderBits(const Model& model, const BitPopulation& pop,
                                 const MethodScores& scores, const RankConfig& config);

} // namespace netsurf
