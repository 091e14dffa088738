#include "engine/jobs/model_jobs.h"

#include <cmath>

#include "engine/core/file_io.h"
#include "engine/core/file_lock.h"
#include "engine/core/parallel.h"
#include "engine/core/sha256.h"
#include "engine/core/version.h"
#include "engine/storage/history_csv.h"
#include "engine/storage/workspace.h"

namespace netsurf {

namespace fs = std::filesystem;

fs::path modelPathFor(const ModelSelector& s) {
    const fs::path ws = s.workspace.empty() ? defaultWorkspaceDir() : s.workspace;
    return modelDirectory(ws, s.benchmark, s.scheme, s.pruning) / "model.json";
}

Result<ModelFile> loadSelectedModel(const ModelSelector& s) {
    const fs::path path = modelPathFor(s);
    if (!fs::exists(path))
        return Error::data("no trained model at " + path.string() + " (run netsurf-cli train " +
                           "--benchmark " + s.benchmark + " --quant '" + s.scheme.str() +
                           "' --pruning " + pruningDirName(s.pruning).substr(6) + ")");
    auto f = loadModelFile(path);
    if (!f) return f.error();
    const Model& m = f->model;
    if (m.benchmark != s.benchmark)
        return Error::data("model file " + path.string() + " is for benchmark " + m.benchmark +
                           ", expected " + s.benchmark);
    if (!(m.scheme == s.scheme))
        return Error::data("model file " + path.string() + " uses scheme " + m.scheme.str() +
                           ", expected " + s.scheme.str());
    if (std::abs(f->pruning - s.pruning) > 1e-12)
        return Error::data("model file " + path.string() + " was trained with pruning " +
                           pruningDirName(f->pruning).substr(6) + ", expected " +
                           pruningDirName(s.pruning).substr(6));
    return f;
}

namespace {

Status validateSelector(const ModelSelector& s) {
    if (auto st = validatePruning(s.pruning); !st) return st;
    if (auto spec = benchmarkSpec(s.benchmark); !spec) return spec.error();
    return {};
}

ModelProvenance makeProvenance(const Dataset& data, std::uint64_t seed, const TrainResult& r) {
    ModelProvenance p;
    p.version = version();
    p.gitRevision = gitRevision();
    p.dataset = data.name;
    p.datasetSource = toString(data.source);
    p.datasetChecksum = data.checksum;
    p.seed = seed;
    p.epochs = r.epochsConfigured;
    p.epochsRun = r.epochsRun;
    p.bestEpoch = r.bestEpoch;
    p.earlyStopped = r.earlyStopped;
    p.threads = currentConcurrency();
    p.trainSeconds = r.seconds;
    p.date = utcTimestamp();
    p.instructionSet = instructionSet();
    return p;
}

// history.csv first, then model.json carrying the history's checksum: a kill between the two
// renames leaves a pair whose checksums disagree, which reuse refuses (checkHistoryPairing).
Status saveModelAndHistory(TrainOutcome& out) {
    const std::string history = historyCsv(out.history);
    out.file.provenance.historySha256 = sha256Hex(history);
    if (auto st = atomicWriteFile(out.historyPath, history); !st) return st;
    return saveModelFile(out.modelPath, out.file);
}

Result<TrainOutcome> trainAndSave(const TrainRequest& req, const BenchmarkSpec& spec,
                                  ProgressSink& sink, std::stop_token stop) {
    sink.progress({"load", 0, 1, "loading dataset " + spec.dataset});
    auto data = loadDataset(spec.dataset, req.data);
    if (!data) return data.error();
    const std::uint64_t seed = req.seed.value_or(0);
    auto splits = benchmarkSplits(*data, seed);
    if (!splits) return splits.error();
    TrainOptions opt;
    opt.epochs = req.epochs.value_or(0);
    opt.seed = seed;
    opt.onEpoch = req.onEpoch;
    auto r = trainModel(spec, req.model.scheme, req.model.pruning, *data, *splits, opt, sink, stop);
    if (!r) return r.error();
    TrainOutcome out;
    out.modelPath = modelPathFor(req.model);
    out.historyPath = out.modelPath.parent_path() / "history.csv";
    out.file.model = std::move(r->model);
    out.file.pruning = req.model.pruning;
    out.file.provenance = makeProvenance(*data, seed, *r);
    const EvalResult test = evaluateModel(out.file.model, splits->test.X, splits->test.y);
    out.file.testLoss = test.loss;
    out.file.testMetrics = test.metrics;
    out.history = std::move(r->history);
    out.samplesPerSecond = r->seconds > 0 ? double(r->samplesProcessed) / r->seconds : 0;
    if (auto st = saveModelAndHistory(out); !st) return st.error();
    return out;
}

// The model and its history are one unit (see saveModelAndHistory).
Status checkHistoryPairing(const fs::path& modelPath, const ModelProvenance& p) {
    if (p.historySha256.empty()) return {}; // written before the pairing was recorded
    const fs::path history = modelPath.parent_path() / "history.csv";
    auto sum = sha256File(history);
    if (sum && *sum == p.historySha256) return {};
    return Error::data(history.string() + (sum ? " does not belong to " : " is missing beside ") +
                       modelPath.string() +
                       " (left by an interrupted training run?); use --retrain to train again");
}

// Settings the request gave must be those the existing model was trained with.
Status checkRequestedSettings(const TrainRequest& req, const ModelFile& f,
                              const fs::path& modelPath) {
    const ModelProvenance& p = f.provenance;
    std::string diff;
    if (req.epochs && *req.epochs != p.epochs)
        diff = std::to_string(p.epochs) + " epochs, not " + std::to_string(*req.epochs);
    if (req.seed && *req.seed != p.seed)
        diff += (diff.empty() ? "" : " and ") + std::string("seed ") + std::to_string(p.seed) +
                ", not " + std::to_string(*req.seed);
    if (diff.empty()) return {};
    return Error::data(modelPath.string() + " was trained with " + diff +
                       "; use --retrain to replace it with the requested settings");
}

Result<TrainOutcome> reuseModel(const TrainRequest& req, const fs::path& path) {
    auto f = loadSelectedModel(req.model);
    if (!f) return Error::data(f.error().message + "; use --retrain to replace it");
    if (auto st = checkHistoryPairing(path, f->provenance); !st) return st.error();
    if (auto st = checkRequestedSettings(req, *f, path); !st) return st.error();
    TrainOutcome out;
    out.modelPath = path;
    out.historyPath = path.parent_path() / "history.csv";
    out.reused = true;
    out.file = std::move(*f);
    return out;
}

} // namespace

void removeStaleTempFilesOf(const ModelSelector& s, ProgressSink& sink) {
    const fs::path dir = modelPathFor(s).parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return;
    if (const std::size_t n = removeStaleTempFiles(dir))
        sink.warning("removed " + std::to_string(n) + " temporary file" + (n > 1 ? "s" : "") +
                     " left in " + dir.string() + " by interrupted runs");
}

Result<TrainOutcome> runTrainJob(const TrainRequest& req, ProgressSink& sink,
                                 std::stop_token stop) {
    if (auto st = validateSelector(req.model); !st) return st.error();
    if (req.epochs && *req.epochs < 1) return Error::usage("--epochs must be positive");
    const BenchmarkSpec spec = *benchmarkSpec(req.model.benchmark);
    const fs::path path = modelPathFor(req.model);
    auto lock = FileLock::acquire(path.string() + ".lock", path.string());
    if (!lock) return lock.error();
    removeStaleTempFilesOf(req.model, sink);
    if (!req.retrain && fs::exists(path)) return reuseModel(req, path);
    std::optional<Result<TrainOutcome>> result;
    runInArena(req.threads, [&] { result.emplace(trainAndSave(req, spec, sink, stop)); });
    return std::move(*result);
}

Result<EvaluateOutcome> runEvaluateJob(const EvaluateRequest& req) {
    if (auto st = validateSelector(req.model); !st) return st.error();
    if (auto st = validateSplitName(req.split); !st) return st.error();
    auto f = loadSelectedModel(req.model);
    if (!f) return f.error();
    const BenchmarkSpec spec = *benchmarkSpec(req.model.benchmark);
    auto data = loadDataset(spec.dataset, req.data);
    if (!data) return data.error();
    if (data->trainX.cols() != f->model.inputs)
        return Error::data("model " + modelPathFor(req.model).string() + " expects " +
                           std::to_string(f->model.inputs) + " inputs but dataset " + data->name +
                           " has " + std::to_string(data->trainX.cols()));
    EvaluateOutcome out;
    out.modelPath = modelPathFor(req.model);
    out.split = req.split;
    auto splits = benchmarkSplits(*data, f->provenance.seed);
    if (!splits) return splits.error();
    runInArena(req.threads, [&] {
        const Split* s = *selectSplit(*splits, req.split);
        out.result = evaluateModel(f->model, s->X, s->y);
    });
    out.file = std::move(*f);
    return out;
}

} // namespace netsurf
