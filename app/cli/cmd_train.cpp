// netsurf-cli train: quantization-aware training with pruning; writes model.json and history.csv.
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli train [--benchmark B] [--quant Q] [--pruning P] [--epochs N] [--seed S]\n"
    "                         [--workspace DIR] [--threads T] [--data-dir DIR] [--retrain]\n"
    "                         [--quiet] [--json]\n"
    "Trains B (default mnist_fnn) at scheme Q (default q<6,2,1>) and pruning P (default 0.125)\n"
    "and writes <workspace>/B/<scheme>/prune_P/model.json and history.csv (defaults: the\n"
    "benchmark's epochs, seed 0). An existing model is reused unless --retrain; when --epochs\n"
    "or --seed is given and the existing model was trained otherwise, train refuses and\n"
    "--retrain replaces it.\n";

// Time spent on the history's Fisher traces (0 for a reused model).
double fisherSeconds(const TrainOutcome& o) {
    double s = 0;
    for (const EpochRecord& r : o.history)
        s += r.fisherSeconds;
    return s;
}

nlohmann::json outcomeJson(const TrainOutcome& o) {
    const Model& m = o.file.model;
    const ModelProvenance& p = o.file.provenance;
    return {{"benchmark", m.benchmark},
            {"quantization", m.scheme.str()},
            {"pruning", o.file.pruning},
            {"sparsity", m.kernelSparsity()},
            {"model_path", o.modelPath.string()},
            {"history_path", o.historyPath.string()},
            {"reused", o.reused},
            {"parameters", m.trainableParameterCount()},
            {"kept_parameters", m.keptParameterCount()},
            {"dataset",
             {{"name", p.dataset}, {"source", p.datasetSource}, {"checksum", p.datasetChecksum}}},
            {"seed", p.seed},
            {"epochs", p.epochs},
            {"epochs_run", p.epochsRun},
            {"best_epoch", p.bestEpoch},
            {"early_stopped", p.earlyStopped},
            {"threads", p.threads},
            {"seconds", p.trainSeconds},
            {"fisher_seconds", fisherSeconds(o)},
            {"samples_per_second", o.samplesPerSecond},
            {"test",
             {{"split", "test"},
              {"loss", o.file.testLoss},
              {"metrics", metricsJson(o.file.testMetrics)}}}};
}

void printOutcome(const TrainOutcome& o) {
    const Model& m = o.file.model;
    const ModelProvenance& p = o.file.provenance;
    std::printf("benchmark   %s (dataset %s, %s)\n", m.benchmark.c_str(), p.dataset.c_str(),
                p.datasetSource.c_str());
    std::printf("scheme      %s\n", m.scheme.str().c_str());
    std::printf("pruning     %g (achieved kernel sparsity %.4f)\n", o.file.pruning,
                m.kernelSparsity());
    std::printf("parameters  %zu trainable, %zu kept\n", m.trainableParameterCount(),
                m.keptParameterCount());
    if (o.reused)
        std::printf("model       %s (reused: trained %s, seed %llu; --retrain to train again)\n",
                    o.modelPath.string().c_str(), p.date.c_str(),
                    static_cast<unsigned long long>(p.seed));
    else
        std::printf("model       %s\n", o.modelPath.string().c_str());
    std::printf("training    %d/%d epochs (kept epoch %d%s), %.1f s on %d threads\n", p.epochsRun,
                p.epochs, p.bestEpoch, p.earlyStopped ? ", early stopped" : "", p.trainSeconds,
                p.threads);
    std::printf("test        loss %.4f  %s\n", o.file.testLoss,
                metricsText(o.file.testMetrics).c_str());
}

} // namespace

int cmdTrain(const Args& raw) {
    auto parsed =
        parseModelCommand(raw, {.valued = {"epochs", "seed"}, .flags = {"retrain"}}, kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto epochs = c.args.integer("epochs");
    if (!epochs) return reportError(epochs.error());
    auto seed = c.args.integer("seed");
    if (!seed) return reportError(seed.error());
    if (*epochs && (**epochs < 1 || **epochs > 100000))
        return reportError(Error::usage("--epochs expects a number between 1 and 100000"));
    if (*seed && **seed < 0)
        return reportError(Error::usage("--seed expects a non-negative integer"));

    TrainRequest req;
    req.model = c.selector;
    if (*epochs) req.epochs = int(**epochs);
    if (*seed) req.seed = std::uint64_t(**seed);
    req.retrain = c.args.flag("retrain");
    req.threads = c.threads;
    req.data = c.data;
    StderrProgress progress(c.args.flag("quiet"));
    auto out = runTrainJob(req, progress);
    if (!out) return reportError(out.error());
    if (c.args.flag("json"))
        printJson(outcomeJson(*out));
    else
        printOutcome(*out);
    return 0;
}

} // namespace netsurf::cli
