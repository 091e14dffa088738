#pragma once
// The diagnostics job (issue 14): the diagnostics of a trained model (analysis/diagnostics.h) on
// its test split (ROC/AUC and confusion matrix, or regression pairs) and on the first `samples`
// rows of its validation split (activation histograms), its sparsity and tensor statistics, the
// statistics of its initial weights (rebuilt from the training seed by initialModel) and its
// training history (history.csv), saved next to the model as diagnostics.json. Shared by
// netsurf-cli diagnose, the runner and the GUI.
#include <filesystem>
#include <stop_token>

#include "engine/analysis/diagnostics.h"
#include "engine/jobs/model_jobs.h"

namespace netsurf {

struct DiagnosticsRequest {
    ModelSelector model;
    std::size_t samples = 1000; // validation rows for the activation histograms (0 = all)
    int threads = 0;
    DatasetOptions data;
};

struct DiagnosticsOutcome {
    std::filesystem::path path; // diagnostics.json
    ModelDiagnostics diagnostics;
    std::string modelChecksum;
    double seconds = 0;
};

// The model must exist (train it first). The file is written atomically.
Result<DiagnosticsOutcome> runDiagnosticsJob(const DiagnosticsRequest& request, ProgressSink& sink,
                                             std::stop_token stop = {});

} // namespace netsurf
