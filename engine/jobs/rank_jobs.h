#pragma once
// The rank job shared by netsurf-cli and netsurf-gui: trains the model when missing, then
// computes (or reuses) one ranking per requested method, sharing the model load, the ranking
// data and common intermediate results (gradient, Hessian eigenpairs) between methods.
#include <filesystem>
#include <stop_token>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/jobs/model_jobs.h"
#include "engine/rank/rank_context.h"
#include "engine/rank/ranking.h"
#include "engine/train/splits.h"

namespace netsurf {

struct RankRequest {
    ModelSelector model;
    std::vector<RankMethod> methods;
    RankOrder order = RankOrder::Plane;
    Population population = Population::All;
    std::uint64_t seed = 0;
    std::size_t samples = 0; // first N rows of the training split (0 = all)
    bool rerank = false;     // recompute even when a ranking with the same identity exists
    int threads = 0;
    DatasetOptions data;
    // The CLI's convenience: train a missing model first. The job runner sets false (training is
    // a job of its own), and a missing model is then an error.
    bool trainIfMissing = true;
    // Only load existing rankings, never compute one (the job runner's inject job: ranking is
    // the rank job's work); a missing ranking file is an error.
    bool existingOnly = false;
};

struct RankedFile {
    std::filesystem::path path;
    bool reused = false;
    Ranking ranking;
};

struct RankOutcome {
    std::filesystem::path modelPath;
    bool trained = false;             // the model was missing and has been trained first
    ModelFile file;                   // the model the rankings belong to (loaded once)
    std::string modelChecksum;        // SHA-256 of model.json
    std::vector<RankedFile> rankings; // in request order
};

Result<RankOutcome> runRankJob(const RankRequest& request, ProgressSink& sink,
                               std::stop_token stop = {});

// A model's dataset and its splits as carved with the model's training seed (a warning when the
// dataset differs from the one the model was trained on).
struct TrainingData {
    Dataset data;
    Splits splits;
};
Result<TrainingData> loadTrainingData(const ModelFile& file, const DatasetOptions& options,
                                      ProgressSink& sink);

// The ranking data of a model: the training split (as carved with the model's training seed),
// its first `samples` rows (0 = all), as evaluation inputs (normalized, on the dyadic input grid
// of input_grid.h — the oracle's clean loss is then exactly `evaluate --split train`'s).
struct RankData {
    MatrixRM X;
    Eigen::VectorXd y;
};
Result<RankData> loadRankData(const ModelFile& file, std::size_t samples,
                              const DatasetOptions& options, ProgressSink& sink);

// Computes one ranking (scores + order) in the calling arena.
Result<Ranking> computeRanking(RankContext& ctx, const RankConfig& config,
                               const std::string& modelChecksum, ProgressSink& sink,
                               std::stop_token stop);

} // namespace netsurf
