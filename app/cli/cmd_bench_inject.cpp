// netsurf-cli bench inject: fast vs dense faulty evaluation on the same flip sets.
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/bench/inject_bench.h"
#include "engine/core/message_text.h"
#include "engine/core/parallel.h"
#include "engine/jobs/inject_job.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli bench inject [--benchmark B] [--quant Q] [--pruning P] [--method M]\n"
    "                                [--protection F] [--sets N] [--ber LIST]\n"
    "                                [--eval-split test|train]\n"
    "                                [--skip-grid] [--seed S] [--threads T] [--workspace DIR]\n"
    "                                [--data-dir DIR] [--quiet] [--json]\n"
    "At each BER of the seed grid: evaluations per second of the fast (sparse-correction) and\n"
    "the dense evaluator on the same N flip sets (default 128, exhaustive mode, protection F =\n"
    "0.1 of M's ranking, default qpolargrad), the dense GFLOP/s and the speed-up; then the wall\n"
    "time of the whole seed grid (or of --ber LIST) with each evaluator (unless --skip-grid).\n"
    "Each evaluator counts its fastest of 5 timed windows of >= 0.25 s per BER (after a warm-up)\n"
    "and its faster of 2 whole-grid runs: other work on the machine only slows a run down.\n";

nlohmann::json reportJson(const InjectBenchReport& r) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& x : r.rows)
        rows.push_back({{"ber", x.ber},
                        {"flip_sets", x.flipSets},
                        {"mean_flips", x.meanFlips},
                        {"fast_evals_per_s", x.fastEvalsPerSecond},
                        {"dense_evals_per_s", x.denseEvalsPerSecond},
                        {"dense_gflops", x.denseGflops},
                        {"speedup", x.speedup},
                        {"max_abs_diff", x.maxAbsDiff},
                        {"prediction_mismatches", x.predictionMismatches}});
    nlohmann::json j = {{"bench", "inject"},
                        {"samples", r.samples},
                        {"bits", r.bits},
                        {"threads", r.threads},
                        {"rows", rows}};
    if (r.gridTimed)
        j["grid"] = {{"evaluations", r.gridEvaluations},
                     {"fast_s", r.gridFastSeconds},
                     {"dense_s", r.gridDenseSeconds},
                     {"speedup", r.gridDenseSeconds / r.gridFastSeconds}};
    return j;
}

void printReport(const InjectBenchReport& r) {
    std::printf("bench inject  %zu bits, %zu evaluation samples, %d threads\n\n", r.bits, r.samples,
                r.threads);
    std::printf("%9s %6s %8s %12s %12s %10s %9s %12s\n", "BER", "sets", "flips", "fast ev/s",
                "dense ev/s", "dense GF/s", "speed-up", "max |dL|");
    for (const auto& x : r.rows)
        std::printf("%9g %6zu %8zu %12.1f %12.1f %10.2f %8.1fx %12.3g\n", x.ber, x.flipSets,
                    x.meanFlips, x.fastEvalsPerSecond, x.denseEvalsPerSecond, x.denseGflops,
                    x.speedup, x.maxAbsDiff);
    if (!r.gridTimed) return;
    std::printf("\nwhole seed grid (%zu evaluations): fast %.1f s, dense only %.1f s, speed-up "
                "%.1fx\n",
                r.gridEvaluations, r.gridFastSeconds, r.gridDenseSeconds,
                r.gridDenseSeconds / r.gridFastSeconds);
}

struct BenchInjectArgs {
    InjectBenchOptions opt;
    RankMethod method = RankMethod::QPolarGrad;
    std::string split;
};

Result<BenchInjectArgs> parseOptions(const CliArgs& args) {
    auto sets = boundedInteger(args, "sets", 1, 100000);
    if (!sets) return sets.error();
    auto seed = boundedInteger(args, "seed", 0, (1LL << 62));
    if (!seed) return seed.error();
    auto prot = args.number("protection");
    if (!prot) return prot.error();
    auto method = parseRankMethod(args.value("method").value_or("qpolargrad"));
    if (!method) return method.error();
    BenchInjectArgs a;
    a.method = *method;
    a.split = args.value("eval-split").value_or("test");
    if (a.split != "test" && a.split != "train")
        return Error::usage("--eval-split expects test or train, got " + quoteValue(a.split));
    InjectBenchOptions& opt = a.opt;
    opt.grid.seed = std::uint64_t(seed->value_or(0));
    opt.protection = prot->value_or(0.1);
    opt.flipSets = std::size_t(sets->value_or(128));
    opt.skipGrid = args.flag("skip-grid");
    opt.grid.protections = {0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4};
    if (!args.values("ber").empty()) {
        auto bers = numberList(args, "ber");
        if (!bers) return bers.error();
        opt.grid.bers = std::move(*bers);
    }
    if (opt.protection < 0 || opt.protection >= 1)
        return Error::usage("--protection expects 0 <= F < 1");
    return a;
}

} // namespace

int cmdBenchInject(const Args& raw) {
    auto parsed =
        parseModelCommand(raw,
                          {.valued = {"method", "protection", "sets", "eval-split", "seed"},
                           .repeatable = {"ber"},
                           .flags = {"skip-grid"}},
                          kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto a = parseOptions(c.args);
    if (!a) return reportError(a.error());
    const InjectBenchOptions& opt = a->opt;
    StderrProgress progress(c.args.flag("quiet"));
    const auto stop = installInterruptHandler();
    RankRequest rr{c.selector, {a->method}, RankOrder::Plane, Population::All, opt.grid.seed,
                   0,          false,       c.threads,        c.data};
    auto ranked = runRankJob(rr, progress, stop);
    if (!ranked) return reportError(ranked.error());
    const ModelFile* file = &ranked->file;
    auto split = loadEvalSplit(*file, a->split, c.data);
    if (!split) return reportError(split.error());
    std::optional<Result<InjectBenchReport>> rep;
    runInArena(c.threads, [&] {
        const FastFaultyEvaluator fast(file->model, split->X, split->y);
        const DenseFaultyEvaluator dense(file->model, split->X, split->y);
        rep.emplace(
            benchInjection(fast, dense, ranked->rankings.front().ranking, opt, progress, stop));
    });
    if (!*rep) return reportError(rep->error());
    if (c.args.flag("json"))
        printJson(reportJson(**rep));
    else
        printReport(**rep);
    return 0;
}

} // namespace netsurf::cli
