// netsurf-cli rank-quality: every ranking present judged against the exact oracle.
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/jobs/rank_quality_job.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli rank-quality [--benchmark B] [--quant Q] [--pruning P] [--seed S]\n"
    "                                [--samples N] [--workspace DIR] [--threads T]\n"
    "                                [--data-dir DIR] [--quiet] [--json]\n"
    "Compares every ranking in <model dir>/rankings against the oracle (global order, signed\n"
    "ΔL; ranked first when missing, with --seed/--samples): precision@k at 1, 5, 10, 20 and\n"
    "40 % protection and Kendall τ-b / Spearman ρ over all bits. Writes ranking_quality.csv.\n";

nlohmann::json outcomeJson(const RankQualityOutcome& o) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : o.rows) {
        nlohmann::json precision = nlohmann::json::array();
        for (const auto& x : r.quality.precision)
            precision.push_back({{"fraction", x.fraction}, {"k", x.k}, {"precision", x.precision}});
        rows.push_back({{"method", r.method},
                        {"order", r.order},
                        {"population", r.population},
                        {"id", r.id},
                        {"file", r.path.string()},
                        {"bits", r.quality.bits},
                        {"precision_at_k", precision},
                        {"kendall_tau_b", r.quality.kendallTau},
                        {"spearman", r.quality.spearman}});
    }
    nlohmann::json oracles = nlohmann::json::array();
    for (const auto& p : o.oracles)
        oracles.push_back(p.string());
    return {{"csv_path", o.csvPath.string()},
            {"oracles", oracles},
            {"rankings", rows},
            {"skipped", o.skipped}};
}

void printOutcome(const RankQualityOutcome& o) {
    std::printf("%-17s %-7s %-8s", "method", "order", "pop.");
    for (double f : defaultQualityFractions()) {
        char label[16];
        std::snprintf(label, sizeof label, "p@%g%%", f * 100);
        std::printf(" %8s", label);
    }
    std::printf(" %8s %8s\n", "tau_b", "rho");
    for (const auto& r : o.rows) {
        std::printf("%-17s %-7s %-8s", r.method.c_str(), r.order.c_str(), r.population.c_str());
        for (const auto& p : r.quality.precision)
            std::printf(" %8.4f", p.precision);
        std::printf(" %8.4f %8.4f\n", r.quality.kendallTau, r.quality.spearman);
    }
    for (const auto& s : o.skipped)
        std::printf("skipped: %s\n", s.c_str());
    std::printf("\nreference: %s\nwritten:   %s\n", o.oracles.front().filename().string().c_str(),
                o.csvPath.string().c_str());
}

} // namespace

int cmdRankQuality(const Args& raw) {
    auto parsed = parseModelCommand(raw, {.valued = {"seed", "samples"}}, kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto seed = boundedInteger(c.args, "seed", 0, (1LL << 62));
    if (!seed) return reportError(seed.error());
    auto samples = boundedInteger(c.args, "samples", 1, 100000000);
    if (!samples) return reportError(samples.error());
    RankQualityRequest req{c.selector, std::uint64_t(seed->value_or(0)),
                           std::size_t(samples->value_or(0)), c.threads, c.data};
    StderrProgress progress(c.args.flag("quiet"));
    auto out = runRankQualityJob(req, progress);
    if (!out) return reportError(out.error());
    if (c.args.flag("json"))
        printJson(outcomeJson(*out));
    else
        printOutcome(*out);
    return 0;
}

} // namespace netsurf::cli
