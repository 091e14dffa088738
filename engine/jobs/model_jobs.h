#pragma once
// The train and evaluate jobs shared by netsurf-cli and netsurf-gui: selectors in, files and
// numbers out. Everything runs inside a task arena with the requested thread count.
#include <filesystem>
#include <stop_token>
#include <string>

#include "engine/core/progress.h"
#include "engine/model/evaluate.h"
#include "engine/storage/model_file.h"
#include "engine/train/trainer.h"

namespace netsurf {

struct ModelSelector {
    std::string benchmark = "mnist_fnn";
    QuantScheme scheme;
    double pruning = 0.125;
    std::filesystem::path workspace; // empty: defaultWorkspaceDir()
};

struct TrainRequest {
    ModelSelector model;
    int epochs = 0;          // 0 = the benchmark's default
    std::uint64_t seed = 0;
    bool retrain = false;    // overwrite an existing model
    int threads = 0;         // 0 = all cores
    DatasetOptions data;
};

struct TrainOutcome {
    std::filesystem::path modelPath;
    std::filesystem::path historyPath;
    bool reused = false;     // an existing model.json was loaded instead of training
    ModelFile file;
    std::vector<EpochRecord> history; // empty when reused
    double samplesPerSecond = 0;
};

struct EvaluateRequest {
    ModelSelector model;
    std::string split = "test";
    int threads = 0;
    DatasetOptions data;
};

struct EvaluateOutcome {
    std::filesystem::path modelPath;
    std::string split;
    EvalResult result;
    ModelFile file;
};

std::filesystem::path modelPathFor(const ModelSelector& selector);
// Loads a model and checks it matches the selector (benchmark, scheme, pruning).
Result<ModelFile> loadSelectedModel(const ModelSelector& selector);

Result<TrainOutcome> runTrainJob(const TrainRequest& request, ProgressSink& sink,
                                 std::stop_token stop = {});
Result<EvaluateOutcome> runEvaluateJob(const EvaluateRequest& request);

} // namespace netsurf
