#include "engine/jobs/model_jobs.h"

#include <cmath>

#include "engine/core/parallel.h"
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

ModelProvenance makeProvenance(const Dataset& data, const TrainRequest& req,
                               const TrainResult& r) {
    ModelProvenance p;
    p.version = version();
    p.gitRevision = gitRevision();
    p.dataset = data.name;
    p.datasetSource = toString(data.source);
    p.datasetChecksum = data.checksum;
    p.seed = req.seed;
    p.epochs = r.epochsConfigured;
    p.epochsRun = r.epochsRun;
    p.bestEpoch = r.bestEpoch;
    p.earlyStopped = r.earlyStopped;
    p.threads = currentConcurrency();
    p.trainSeconds = r.seconds;
    p.date = utcTimestamp();
    return p;
}

Result<TrainOutcome> trainAndSave(const TrainRequest& req, const BenchmarkSpec& spec,
                                  ProgressSink& sink, std::stop_token stop) {
    sink.progress({"load", 0, 1, "loading dataset " + spec.dataset});
    auto data = loadDataset(spec.dataset, req.data);
    if (!data) return data.error();
    const Splits splits = makeSplits(*data, req.seed);
    TrainOptions opt;
    opt.epochs = req.epochs;
    opt.seed = req.seed;
    auto r = trainModel(spec, req.model.scheme, req.model.pruning, *data, splits, opt, sink, stop);
    if (!r) return r.error();
    TrainOutcome out;
    out.modelPath = modelPathFor(req.model);
    out.historyPath = out.modelPath.parent_path() / "history.csv";
    out.file.model = std::move(r->model);
    out.file.pruning = req.model.pruning;
    out.file.provenance = makeProvenance(*data, req, *r);
    const EvalResult test = evaluateModel(out.file.model, splits.test.X, splits.test.y);
    out.file.testLoss = test.loss;
    out.file.testMetrics = test.metrics;
    out.history = std::move(r->history);
    out.samplesPerSecond = r->seconds > 0 ? double(r->samplesProcessed) / r->seconds : 0;
    if (auto st = saveHistoryCsv(out.historyPath, out.history); !st) return st.error();
    if (auto st = saveModelFile(out.modelPath, out.file); !st) return st.error();
    return out;
}

} // namespace

Result<TrainOutcome> runTrainJob(const TrainRequest& req, ProgressSink& sink,
                                 std::stop_token stop) {
    if (auto st = validateSelector(req.model); !st) return st.error();
    if (req.epochs < 0) return Error::usage("--epochs must be positive");
    const BenchmarkSpec spec = *benchmarkSpec(req.model.benchmark);
    const fs::path path = modelPathFor(req.model);
    if (!req.retrain && fs::exists(path)) {
        auto f = loadSelectedModel(req.model);
        if (!f)
            return Error::data(f.error().message + "; use --retrain to replace it");
        TrainOutcome out;
        out.modelPath = path;
        out.historyPath = path.parent_path() / "history.csv";
        out.reused = true;
        out.file = std::move(*f);
        return out;
    }
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
    runInArena(req.threads, [&] {
        const Splits splits = makeSplits(*data, f->provenance.seed);
        const Split* s = *selectSplit(splits, req.split);
        out.result = evaluateModel(f->model, s->X, s->y);
    });
    out.file = std::move(*f);
    return out;
}

} // namespace netsurf
