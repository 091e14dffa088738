#pragma once
// The inject job shared by netsurf-cli and netsurf-gui: ranks (and trains) first when needed
// (runRankJob), then runs the BER × protection sweep of the ranking (runInjectOnRanking) into the
// results.csv of its experiment, <model dir>/experiments/<ranking id>/<experiment key>/ (see
// results_store.h: the experiment is the ranking, mode, evaluation split and data, and seed; the
// grid is coverage), computing only the (protection, BER, rep) rows that are missing unless
// `rerun`.
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
    // Optional live view: each batch of computed rows right after it has been appended to
    // results.csv and flushed, in the order appended — exactly the rows the file gains; never
    // rows reused from the file. Called on the thread that called the job (inside its task
    // arena), between batches: the sweep waits for it, so keep it short (copy and post).
    SweepRowObserver rowsAppended;
};

struct InjectOutcome {
    std::string experimentKey;         // e.g. "exhaustive-test-seed0-3f9a0c21b4de"
    std::filesystem::path resultsPath; // <model dir>/experiments/<ranking id>/<key>/results.csv
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

// runRankJob (training the model when missing) + runInjectOnRanking.
Result<InjectOutcome> runInjectJob(const InjectRequest& request, ProgressSink& sink,
                                   std::stop_token stop = {});

// The sweep of one ranking of an existing model: `model` gives the model (file, path, checksum;
// its `rankings` are not used) and `ranking` one ranking of it (from runRankJob or a ranking
// file). Of the request, model / method / order / population / samples are not used (the ranking
// is what it is); the sweep's seed keys the flips. When the ranking has a format-1 results file
// (experiments/<ranking id>/results.csv) and this run starts a new format-2 file, a warning says
// that the old rows are not reused and the old file can be deleted.
Result<InjectOutcome> runInjectOnRanking(const InjectRequest& request, const RankOutcome& model,
                                         const RankedFile& ranking, ProgressSink& sink,
                                         std::stop_token stop = {});

} // namespace netsurf
