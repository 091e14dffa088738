#pragma once
// The train and evaluate jobs shared by netsurf-cli and netsurf-gui: selectors in, files and
// numbers out. Everything runs inside a task arena with the requested thread count.
#include <filesystem>
#include <optional>
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

// Settings left unset were not asked for: training uses the defaults (the benchmark's epochs,
// seed 0), and an existing model is reused whatever it was trained with. A setting that was
// given must match the existing model, or the request is refused (retrain replaces it).
struct TrainRequest {
    ModelSelector model;
    std::optional<int> epochs;         // unset: the benchmark's default
    std::optional<std::uint64_t> seed; // unset: 0
    bool retrain = false;              // replace an existing model
    int threads = 0;                   // 0 = all cores
    DatasetOptions data;
    std::function<void(const EpochRecord&)> onEpoch; // each epoch's record (live front ends)
};

struct TrainOutcome {
    std::filesystem::path modelPath;
    std::filesystem::path historyPath;
    bool reused = false; // an existing model.json was loaded instead of training
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

// Removes the temporary files that dead writers left in the selected model's directory (and
// below), telling the sink how many; a no-op when the directory does not exist yet.
void removeStaleTempFilesOf(const ModelSelector& selector, ProgressSink& sink);

// Trains and saves model.json with its history.csv (history first, then the model, which
// records the history's checksum; the model directory's model.json.lock is held meanwhile), or
// reuses the existing pair. Stale temporary files of dead writers in the model directory are
// removed first.
Result<TrainOutcome> runTrainJob(const TrainRequest& request, ProgressSink& sink,
                                 std::stop_token stop = {});
Result<EvaluateOutcome> runEvaluateJob(const EvaluateRequest& request);

} // namespace netsurf
