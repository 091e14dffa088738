#pragma once
// The decision itself: which bits to protect. The first ⌊T·p⌋ bits of a ranking, exported per
// tensor as masks (mask bit k ↔ bit index m−1−k, i.e. the integer's binary digits read MSB
// first are the stored bits from the MSB): JSON, CSV and a C header for an HLS flow.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/rank/ranking.h"

namespace netsurf {

struct ProtectionMasks {
    double protection = 0;
    std::size_t protectedBits = 0, totalBits = 0;
    std::vector<std::vector<std::uint32_t>> masks; // per Model::tensors entry (empty: untrainable)
};

ProtectionMasks protectionMasks(const Model& model, const Ranking& ranking, double protection);

struct ProtectionInfo {
    std::string benchmark, rankingFile;
    double pruning = 0;
};

std::string protectionJson(const Model& model, const Ranking& ranking, const ProtectionMasks& p,
                           const ProtectionInfo& info);
std::string protectionCsv(const Model& model, const ProtectionMasks& p); // tensor,index,mask,bits
std::string protectionHeader(const Model& model, const Ranking& ranking, const ProtectionMasks& p,
                             const ProtectionInfo& info);

// Writes protected_bits.json, protected_bits.csv and protection_masks.h into `dir` (atomically
// each) and returns their paths.
Result<std::vector<std::filesystem::path>>
writeProtectionFiles(const std::filesystem::path& dir, const Model& model, const Ranking& ranking,
                     const ProtectionMasks& p, const ProtectionInfo& info);

} // namespace netsurf
