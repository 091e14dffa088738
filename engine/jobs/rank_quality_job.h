#pragma once
// rank-quality: every ranking present for a model judged against the exact oracle (global
// order, signed ΔL; computed when missing): precision@k at 1/5/10/20/40 % protection and
// Kendall τ-b / Spearman ρ over all bits. Writes <model dir>/ranking_quality.csv.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/jobs/rank_jobs.h"
#include "engine/rank/rank_quality.h"

namespace netsurf {

struct RankQualityRequest {
    ModelSelector model;
    std::uint64_t seed = 0;  // of the oracle ranking
    std::size_t samples = 0; // of the oracle ranking (0 = all)
    int threads = 0;
    DatasetOptions data;
};

struct RankQualityRow {
    std::filesystem::path path;
    std::string method, order, population, id;
    RankQuality quality;
};

struct RankQualityOutcome {
    std::filesystem::path csvPath;
    std::vector<std::filesystem::path> oracles; // reference ranking per population
    std::vector<RankQualityRow> rows;           // file-name order
    std::vector<std::string> skipped;           // files not judged, with the reason
};

Result<RankQualityOutcome> runRankQualityJob(const RankQualityRequest& request, ProgressSink& sink,
                                             std::stop_token stop = {});

} // namespace netsurf
