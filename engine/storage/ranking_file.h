#pragma once
// Ranking CSV files (SPEC §3): <model dir>/rankings/<method>-<order>-<id>.csv
//   # {"format":"netsurf-ranking","version":1,"method":…,"order":…,…}   (one JSON line)
//   rank,tensor,index,bit,exponent,value,delta,score
//   1,dense_0/kernel,1234,0,2,-0.75,4,0.0123
// rank counts from 1; bit is the index (0 = MSB), exponent its label; value = Q(w) before the
// flip, delta = the flip's change; score = the sort key (descending inside a plane / globally).
#include <filesystem>
#include <string>

#include "engine/rank/ranking.h"

namespace netsurf {

// Identity and provenance written into the header besides the ranking itself.
struct RankingFileInfo {
    std::string benchmark;
    double pruning = 0;
    std::string date;
};

std::string rankingFileName(const Ranking& ranking); // "<method>-<order>-<id>.csv"
std::filesystem::path rankingsDirectory(const std::filesystem::path& modelDir);

// Writes atomically (temp file + rename).
Status saveRankingFile(const std::filesystem::path& path, const Model& model,
                       const Ranking& ranking, const RankingFileInfo& info);

// Reads a ranking written for `model` (whose file checksum is `modelChecksum`). Refuses a file
// written for another model (checksum mismatch) or another scheme, and reports corrupt
// content (line number) instead of trusting it: every population bit must appear exactly once
// with the model's value and delta. `population` is rebuilt from the model and the header.
Result<Ranking> loadRankingFile(const std::filesystem::path& path, const Model& model,
                                const std::string& modelChecksum);

} // namespace netsurf
