#include "engine/bench/train_bench.h"

#include <algorithm>
#include <optional>

#include "engine/core/parallel.h"
#include "engine/train/trainer.h"

namespace netsurf {

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::size_t countDifferences(const Model& a, const Model& b, std::size_t& total) {
    std::size_t diff = 0;
    total = 0;
    for (std::size_t i = 0; i < a.tensors.size(); ++i) {
        if (!a.tensors[i].trainable) continue;
        const auto& x = a.tensors[i].values;
        const auto& y = b.tensors[i].values;
        total += std::size_t(x.size());
        for (Eigen::Index k = 0; k < x.size(); ++k) diff += x[k] != y[k];
    }
    return diff;
}

} // namespace

Result<TrainBenchReport> benchTraining(const BenchmarkSpec& spec, const QuantScheme& scheme,
                                       const Dataset& data, const TrainBenchOptions& options,
                                       ProgressSink& sink, std::stop_token stop) {
    if (options.epochs < 1 || options.repeats < 1)
        return Error::usage("bench train needs at least one epoch and one repeat");
    Splits splits = makeSplits(data, options.seed);
    if (options.rows > 0 && options.rows < splits.train.size()) {
        const auto n = Eigen::Index(options.rows);
        splits.train.X = splits.train.X.topRows(n).eval();
        splits.train.y = splits.train.y.head(n).eval();
    }
    splits.validation = {}; // time the training steps only
    const int parallelThreads = options.threads > 0
                                    ? std::min(options.threads, hardwareConcurrency())
                                    : hardwareConcurrency(); // runInArena's clamp

    TrainBenchReport rep;
    rep.benchmark = spec.name;
    rep.dataset = data.name;
    rep.datasetSource = toString(data.source);
    rep.scheme = scheme.str();
    rep.rows = splits.train.size();
    rep.epochs = options.epochs;
    rep.batchSize = spec.batchSize;
    auto makeRun = [](const char* label, Execution e, int threads) {
        TrainBenchRun r;
        r.label = label;
        r.execution = e;
        r.threads = threads;
        return r;
    };
    rep.runs = {makeRun("reference", Execution::Reference, 1),
                makeRun("engine", Execution::Parallel, 1),
                makeRun("engine", Execution::Parallel, parallelThreads)};
    TrainOptions topt;
    topt.epochs = options.epochs;
    topt.seed = options.seed;
    NullProgressSink quiet;
    Model referenceModel, parallelModel;
    const int total = int(rep.runs.size()) * options.repeats;
    int done = 0;
    for (std::size_t r = 0; r < rep.runs.size(); ++r) {
        TrainBenchRun& run = rep.runs[r];
        topt.execution = run.execution;
        for (int k = 0; k < options.repeats; ++k) {
            if (stop.stop_requested()) return Error::cancelled("bench train cancelled");
            sink.progress({"bench", std::int64_t(done), std::int64_t(total),
                           run.label + " on " + std::to_string(run.threads) + " thread(s)"});
            std::optional<Result<TrainResult>> res;
            runInArena(run.threads, [&] {
                res.emplace(trainModel(spec, scheme, options.pruning, data, splits, topt, quiet,
                                       stop));
            });
            if (!*res) return res->error();
            run.stepSeconds.push_back((*res)->stepSeconds);
            run.finalLoss = (*res)->history.back().loss;
            if (r == 0) referenceModel = (*res)->model;
            if (r == 2) parallelModel = (*res)->model;
            ++done;
        }
        run.medianSeconds = median(run.stepSeconds);
        if (!referenceModel.tensors.empty() && rep.flopsPerSample == 0)
            rep.flopsPerSample = trainingFlopsPerSample(referenceModel);
        const double samples = double(rep.rows) * options.epochs;
        run.samplesPerSecond = run.medianSeconds > 0 ? samples / run.medianSeconds : 0;
        run.gflopsPerSecond = run.samplesPerSecond * rep.flopsPerSample * 1e-9;
    }
    sink.progress({"bench", total, total, "done"});
    rep.differingWeights = countDifferences(referenceModel, parallelModel, rep.weights);
    return rep;
}

} // namespace netsurf
