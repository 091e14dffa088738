#pragma once
// The inject job shared by netsurf-cli and netsurf-gui: ranks (and trains) first when needed,
// then runs the BER × protection sweep into <model dir>/experiments/<ranking id>/results.csv,
// computing only the (protection, BER, rep) rows that are missing unless `rerun`.
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/inject/sweep.h"
#include "engine/jobs/rank_jobs.h"

namespace netsurf {

struct InjectRequest {
    ModelSelector model;
    RankMethod method = RankMethod::QPolarGrad;
    RankOrder order = RankOrder::Plane;
    Population population = Population::All;
    std::size_t samples = 0;        // ranking samples (0 = all)
    SweepConfig sweep;              // its seed is also the ranking's seed
    std::string evalSplit = "test"; // "test" or "train"
    bool rerun = false;
    int threads = 0;
    DatasetOptions data;
    std::filesystem::path saveFaults; // empty: do not write fault lists
};

struct InjectOutcome {
    std::filesystem::path resultsPath;
    RankedFile ranking;
    SweepResults results; // all rows of the file (sorted)
    std::size_t computedRows = 0, reusedRows = 0;
    std::vector<std::string> warnings;
    double seconds = 0;
};

// The raw (not normalized) evaluation split of a model ("test" or "train", the latter carved
// with the model's seed) and the dataset checksum that, with the split name and the model,
// identifies those rows.
struct EvalData {
    MatrixRM X;
    Eigen::VectorXd y;
    std::string checksum;
};
Result<EvalData> loadEvalSplit(const ModelFile& file, const std::string& split,
                               const DatasetOptions& options);

Result<InjectOutcome> runInjectJob(const InjectRequest& request, ProgressSink& sink,
                                   std::stop_token stop = {});

} // namespace netsurf
