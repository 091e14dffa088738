#include "engine/jobs/diagnostics_job.h"

#include <chrono>
#include <optional>

#include "engine/core/file_io.h"
#include "engine/core/parallel.h"
#include "engine/core/sha256.h"
#include "engine/core/version.h"
#include "engine/jobs/rank_jobs.h"
#include "engine/model/benchmarks.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

nlohmann::json provenanceJson(const ModelFile& file, const std::string& checksum,
                              const DiagnosticsRequest& req, const TrainingData& data) {
    return {{"benchmark", file.model.benchmark},
            {"quant", file.model.scheme.str()},
            {"pruning", file.pruning},
            {"model_checksum", checksum},
            {"training_seed", file.provenance.seed},
            {"dataset", data.data.name},
            {"activation_split", "validation"},
            {"activation_samples_requested", req.samples},
            {"engine_version", std::string(version()) + " (git " + gitRevision() + ")"}};
}

// history.csv beside the model, when present and readable (a damaged one is a warning).
std::optional<HistoryTable> historyBeside(const fs::path& modelPath, ProgressSink& sink) {
    const fs::path path = modelPath.parent_path() / "history.csv";
    if (!fs::exists(path)) return std::nullopt;
    auto h = readHistoryCsv(path);
    if (!h) {
        sink.warning(h.error().message + "; diagnostics.json is written without the history");
        return std::nullopt;
    }
    return std::move(*h);
}

} // namespace

Result<DiagnosticsOutcome> runDiagnosticsJob(const DiagnosticsRequest& req, ProgressSink& sink,
                                             std::stop_token stop) {
    const auto t0 = std::chrono::steady_clock::now();
    const fs::path modelPath = modelPathFor(req.model);
    if (!fs::exists(modelPath))
        return Error::data(modelPath.string() +
                           " does not exist; train the model first (netsurf-cli train)");
    auto file = loadSelectedModel(req.model);
    if (!file) return file.error();
    auto checksum = sha256File(modelPath);
    if (!checksum) return checksum.error();
    auto loaded = loadTrainingData(*file, req.data, sink);
    if (!loaded) return loaded.error();
    if (stop.stop_requested()) return Error::cancelled("diagnostics cancelled");
    const Model initial = initialModel(*benchmarkSpec(file->model.benchmark), file->model.scheme,
                                       loaded->data, loaded->splits, file->provenance.seed);
    const Split& val = loaded->splits.validation;
    const Split& test = loaded->splits.test;
    const DiagnosticsInputs inputs{test.X, test.y, val.X,
                                   req.samples > 0 ? req.samples : val.size()};

    DiagnosticsOutcome out;
    out.modelChecksum = *checksum;
    sink.progress({"diagnostics", 0, 2, "test split, activations, tensors"});
    runInArena(req.threads,
               [&] { out.diagnostics = computeDiagnostics(file->model, initial, inputs); });
    if (stop.stop_requested()) return Error::cancelled("diagnostics cancelled");
    out.diagnostics.history = historyBeside(modelPath, sink);
    out.diagnostics.provenance = provenanceJson(*file, *checksum, req, *loaded);

    out.path = modelPath.parent_path() / "diagnostics.json";
    sink.progress({"diagnostics", 1, 2, "writing " + out.path.filename().string()});
    if (auto st = atomicWriteFile(out.path, diagnosticsToJson(out.diagnostics).dump(1) + "\n"); !st)
        return st.error();
    sink.progress({"diagnostics", 2, 2, "done"});
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace netsurf
