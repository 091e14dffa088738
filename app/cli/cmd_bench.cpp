// netsurf-cli bench: benchmarks of NetSurf's own speed, each measured side by side in one run.
#include <cstdio>
#include <thread>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/bench/rank_bench.h"
#include "engine/bench/train_bench.h"
#include "engine/core/message_text.h"
#include "engine/core/parallel.h"
#include "engine/jobs/rank_jobs.h"
#include "engine/storage/workspace.h"

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
    "backward) and the ratio of each run to the reference.\n"
    "\n"
    "usage: netsurf-cli bench rank [--benchmark B] [--quant Q] [--pruning P] [--method M …]\n"
    "                              [--samples N] [--bits K] [--seed S] [--threads T]\n"
    "                              [--workspace DIR] [--data-dir DIR] [--quiet] [--json]\n"
    "Times one ranking per method (default all 14; plane order, population all, each with a\n"
    "fresh context) of the trained model (trained first when missing) on N ranking samples\n"
    "(default the whole training split). For oracle also times K sampled bits (default 200)\n"
    "by full re-evaluation and by the incremental evaluator and prints the speed-up.\n";

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
    std::printf("\n%-34s %7s %12s %12s %9s %13s\n", "run", "threads", "step time s", "samples/s",
                "GFLOP/s", "vs reference");
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
    auto parsed = parseModelCommand(raw, {.valued = {"epochs", "repeats", "rows", "seed"}}, kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto epochs = boundedInteger(c.args, "epochs", 1, 10000);
    if (!epochs) return reportError(epochs.error());
    auto repeats = boundedInteger(c.args, "repeats", 1, 100);
    if (!repeats) return reportError(repeats.error());
    auto rows = boundedInteger(c.args, "rows", 1, 100000000);
    if (!rows) return reportError(rows.error());
    auto seed = boundedInteger(c.args, "seed", 0, (1LL << 62));
    if (!seed) return reportError(seed.error());

    const BenchmarkSpec spec = *benchmarkSpec(c.selector.benchmark);
    StderrProgress progress(c.args.flag("quiet"));
    progress.progress({"load", 0, 1, "loading dataset " + spec.dataset});
    auto data = loadDataset(spec.dataset, c.data);
    if (!data) return reportError(data.error());
    TrainBenchOptions opt;
    opt.epochs = int(epochs->value_or(opt.epochs));
    opt.repeats = int(repeats->value_or(opt.repeats));
    opt.rows = std::size_t(rows->value_or(0));
    opt.threads = c.threads;
    opt.pruning = c.selector.pruning;
    opt.seed = std::uint64_t(seed->value_or(0));
    auto rep = benchTraining(spec, c.selector.scheme, *data, opt, progress);
    if (!rep) return reportError(rep.error());
    if (c.args.flag("json"))
        printJson(reportJson(*rep));
    else
        printReport(*rep);
    return 0;
}

nlohmann::json rankJson(const RankBenchReport& r) {
    nlohmann::json methods = nlohmann::json::array();
    for (const auto& m : r.methods)
        methods.push_back(
            {{"method", toString(m.method)}, {"seconds", m.seconds}, {"bits", m.bits}});
    nlohmann::json j = {{"bench", "rank"},
                        {"samples", r.samples},
                        {"bits", r.bits},
                        {"threads", r.threads},
                        {"methods", methods}};
    if (r.hasOracle) {
        const OracleSpeedup& o = r.oracle;
        j["oracle"] = {{"sampled_bits", o.sampledBits},
                       {"full_seconds_per_bit", o.fullSecondsPerBit},
                       {"incremental_seconds_per_bit", o.incrementalSecondsPerBit},
                       {"ranking_seconds_per_bit", o.rankingSecondsPerBit},
                       {"speedup_incremental", o.fullSecondsPerBit / o.incrementalSecondsPerBit},
                       {"speedup_ranking", o.fullSecondsPerBit / o.rankingSecondsPerBit},
                       {"max_abs_difference", o.maxAbsDifference}};
    }
    return j;
}

void printRank(const RankBenchReport& r, const std::string& model) {
    std::printf("bench rank  %s\n", model.c_str());
    std::printf("workload    %zu bits, %zu ranking samples, %d threads\n\n", r.bits, r.samples,
                r.threads);
    std::printf("%-17s %12s %14s\n", "method", "seconds", "us per bit");
    for (const auto& m : r.methods)
        std::printf("%-17s %12.3f %14.3f\n", toString(m.method), m.seconds,
                    m.seconds / double(m.bits) * 1e6);
    if (!r.hasOracle) return;
    const OracleSpeedup& o = r.oracle;
    std::printf("\noracle on %zu sampled bits:\n", o.sampledBits);
    std::printf("  full re-evaluation      %10.3f ms per bit\n", o.fullSecondsPerBit * 1e3);
    std::printf("  incremental evaluator   %10.3f ms per bit   speed-up %8.1fx\n",
                o.incrementalSecondsPerBit * 1e3, o.fullSecondsPerBit / o.incrementalSecondsPerBit);
    std::printf("  whole oracle ranking    %10.3f ms per bit   speed-up %8.1fx (with memos, "
                "all threads)\n",
                o.rankingSecondsPerBit * 1e3, o.fullSecondsPerBit / o.rankingSecondsPerBit);
    std::printf("  max |incremental - full| ΔL on the sample: %.3g\n", o.maxAbsDifference);
}

int benchRank(const Args& raw) {
    auto parsed = parseModelCommand(
        raw, {.valued = {"samples", "bits", "seed"}, .repeatable = {"method"}}, kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto samples = boundedInteger(c.args, "samples", 1, 100000000);
    if (!samples) return reportError(samples.error());
    auto bits = boundedInteger(c.args, "bits", 1, 1000000);
    if (!bits) return reportError(bits.error());
    auto seed = boundedInteger(c.args, "seed", 0, (1LL << 62));
    if (!seed) return reportError(seed.error());
    RankBenchOptions opt;
    for (const auto& name : c.args.values("method")) {
        auto m = parseRankMethod(name);
        if (!m) return reportError(m.error());
        opt.methods.push_back(*m);
    }
    opt.sampleBits = std::size_t(bits->value_or(200));
    opt.seed = std::uint64_t(seed->value_or(0));
    StderrProgress progress(c.args.flag("quiet"));
    if (!std::filesystem::exists(modelPathFor(c.selector))) {
        TrainRequest t{.model = c.selector, .threads = c.threads, .data = c.data};
        if (auto tr = runTrainJob(t, progress); !tr) return reportError(tr.error());
    }
    auto file = loadSelectedModel(c.selector);
    if (!file) return reportError(file.error());
    auto data = loadRankData(*file, std::size_t(samples->value_or(0)), c.data, progress);
    if (!data) return reportError(data.error());
    std::optional<Result<RankBenchReport>> rep;
    runInArena(c.threads,
               [&] { rep.emplace(benchRanking(file->model, data->X, data->y, opt, progress)); });
    if (!*rep) return reportError(rep->error());
    if (c.args.flag("json"))
        printJson(rankJson(**rep));
    else
        printRank(**rep, c.selector.benchmark + " " + c.selector.scheme.str() + " pruning " +
                             pruningDirName(c.selector.pruning).substr(6));
    return 0;
}

} // namespace

int cmdBench(const Args& args) {
    const std::string what = args.empty() ? "" : args.front();
    const Args rest = args.empty() ? Args{} : Args(args.begin() + 1, args.end());
    if (what == "train") return benchTrain(rest);
    if (what == "rank") return benchRank(rest);
    if (what == "inject") return cmdBenchInject(rest);
    if (what == "--help" || what == "-h" || what == "help") {
        std::printf("%s", kHelp);
        return 0;
    }
    if (what.empty() || what.rfind("--", 0) == 0) // e.g. `bench --json`
        return reportError(Error::usage("bench expects what to measure first: train, rank or "
                                        "inject"));
    return reportError(
        Error::usage("unknown bench " + quoteValue(what) + " (expected: train, rank or inject)"));
}

} // namespace netsurf::cli
