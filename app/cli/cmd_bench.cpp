// netsurf-cli bench: benchmarks of NetSurf's own speed, each measured side by side in one run.
#include <cstdio>
#include <thread>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/bench/train_bench.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli bench train [--benchmark B] [--quant Q] [--pruning P] [--epochs N]\n"
    "                               [--repeats R] [--rows N] [--threads T] [--seed S]\n"
    "                               [--data-dir DIR] [--quiet] [--json]\n"
    "Times quantization-aware training of B (default mnist_fnn, q<6,2,1>, pruning 0.125) for N\n"
    "epochs (default 3) on the first N training rows (default all), R times (default 3) per\n"
    "configuration: the plain single-threaded Eigen reference, the engine on 1 thread and the\n"
    "engine on T threads (default all cores). Prints samples/s, GFLOP/s (dense layers, forward +\n"
    "backward) and the ratio of each run to the reference.\n";

nlohmann::json reportJson(const TrainBenchReport& r) {
    nlohmann::json runs = nlohmann::json::array();
    const double ref = r.runs.front().samplesPerSecond;
    for (const auto& run : r.runs)
        runs.push_back({{"label", run.label},
                        {"threads", run.threads},
                        {"step_seconds", run.stepSeconds},
                        {"median_seconds", run.medianSeconds},
                        {"samples_per_second", run.samplesPerSecond},
                        {"gflops_per_second", run.gflopsPerSecond},
                        {"ratio_vs_reference", ref > 0 ? run.samplesPerSecond / ref : 0.0},
                        {"final_loss", run.finalLoss}});
    return {{"bench", "train"},
            {"benchmark", r.benchmark},
            {"dataset", r.dataset},
            {"dataset_source", r.datasetSource},
            {"quantization", r.scheme},
            {"rows", r.rows},
            {"epochs", r.epochs},
            {"batch_size", r.batchSize},
            {"flops_per_sample", r.flopsPerSample},
            {"runs", runs},
            {"differing_weights", r.differingWeights},
            {"weights", r.weights}};
}

void printReport(const TrainBenchReport& r) {
    std::printf("bench train  %s  %s  dataset %s (%s)\n", r.benchmark.c_str(), r.scheme.c_str(),
                r.dataset.c_str(), r.datasetSource.c_str());
    std::printf("workload     %zu rows x %d epochs, batch %d, %.3f MFLOP per training sample\n",
                r.rows, r.epochs, r.batchSize, r.flopsPerSample * 1e-6);
    std::printf("\n%-34s %7s %12s %12s %9s %13s\n", "run", "threads", "step time s",
                "samples/s", "GFLOP/s", "vs reference");
    const double ref = r.runs.front().samplesPerSecond;
    for (const auto& run : r.runs) {
        const std::string label = run.execution == Execution::Reference
                                      ? "reference (plain Eigen, 1 thread)"
                                      : "engine (chunked, TBB)";
        std::printf("%-34s %7d %12.3f %12.0f %9.2f %12.2fx\n", label.c_str(), run.threads,
                    run.medianSeconds, run.samplesPerSecond, run.gflopsPerSecond,
                    ref > 0 ? run.samplesPerSecond / ref : 0.0);
    }
    std::printf("\nstep time = median of %zu runs of the training steps only (no validation).\n",
                r.runs.front().stepSeconds.size());
    std::printf("final training loss: reference %.6f, engine %.6f\n"
                "trained weights differing between reference and engine: %zu of %zu\n",
                r.runs.front().finalLoss, r.runs.back().finalLoss, r.differingWeights, r.weights);
}

int benchTrain(const Args& raw) {
    auto valued = selectorOptions();
    valued.insert({"epochs", "repeats", "rows", "seed"});
    auto args = CliArgs::parse(raw, valued, {"json", "quiet", "help"});
    if (!args) return reportError(args.error());
    if (args->flag("help")) {
        std::printf("%s", kHelp);
        return 0;
    }
    if (!args->positional().empty())
        return reportError(Error::usage("unexpected argument '" + args->positional()[0] + "'"));
    auto sel = parseSelector(*args);
    if (!sel) return reportError(sel.error());
    auto threads = parseThreads(*args);
    if (!threads) return reportError(threads.error());
    auto epochs = boundedInteger(*args, "epochs", 1, 10000);
    if (!epochs) return reportError(epochs.error());
    auto repeats = boundedInteger(*args, "repeats", 1, 100);
    if (!repeats) return reportError(repeats.error());
    auto rows = boundedInteger(*args, "rows", 1, 100000000);
    if (!rows) return reportError(rows.error());
    auto seed = boundedInteger(*args, "seed", 0, (1LL << 62));
    if (!seed) return reportError(seed.error());

    const BenchmarkSpec spec = *benchmarkSpec(sel->benchmark);
    StderrProgress progress(args->flag("quiet"));
    progress.progress({"load", 0, 1, "loading dataset " + spec.dataset});
    auto data = loadDataset(spec.dataset, parseDataOptions(*args));
    if (!data) return reportError(data.error());
    TrainBenchOptions opt;
    opt.epochs = int(epochs->value_or(opt.epochs));
    opt.repeats = int(repeats->value_or(opt.repeats));
    opt.rows = std::size_t(rows->value_or(0));
    opt.threads = *threads;
    opt.pruning = sel->pruning;
    opt.seed = std::uint64_t(seed->value_or(0));
    auto rep = benchTraining(spec, sel->scheme, *data, opt, progress);
    if (!rep) return reportError(rep.error());
    if (args->flag("json")) printJson(reportJson(*rep));
    else printReport(*rep);
    return 0;
}

} // namespace

int cmdBench(const Args& args) {
    const std::string what = args.empty() ? "" : args.front();
    const Args rest = args.empty() ? Args{} : Args(args.begin() + 1, args.end());
    if (what == "train") return benchTrain(rest);
    if (what == "--help" || what == "-h" || what == "help") {
        std::printf("%s", kHelp);
        return 0;
    }
    return reportError(Error::usage(what.empty() ? "bench expects a benchmark name: train"
                                                 : "unknown bench '" + what +
                                                       "' (expected: train)"));
}

} // namespace netsurf::cli
