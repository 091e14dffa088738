// netsurf-cli compare: every injection experiment of a model side by side (SPEC §5).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/compare/compare_job.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli compare [--benchmark B] [--quant Q] [--pruning P] [--workspace DIR]\n"
    "                           [--baseline METHOD] [--metric NAME] [--bootstrap] [--seed S]\n"
    "                           [--threads T] [--quiet] [--json]\n"
    "Compares every experiment in <model dir>/experiments (the results.csv of each injection\n"
    "experiment, <ranking id>/<experiment key>/results.csv), grouped by evaluation split and\n"
    "data, mode and population, so several experiments of one ranking (test and train split,\n"
    "exhaustive and montecarlo) are compared in their own groups; format-1 files\n"
    "(<ranking id>/results.csv) are skipped with a warning. Per ranker and metric the mean,\n"
    "std and 95 % CI (Student t) per (protection, BER), the AUC over log10 BER per protection\n"
    "and over protection per BER, and the VUS over (protection, log10 BER) normalized by the\n"
    "domain, with its CI (Monte-Carlo: per repetition, paired differences; exhaustive:\n"
    "propagated standard errors). The summary ranks the rankers by the VUS of --metric\n"
    "(default: accuracy for classification, mae for regression; lower is better for loss, mae\n"
    "and mismatch_rate) and marks those indistinguishable from the best (95 % CI of the\n"
    "difference contains 0). Ranking overlap against the --baseline ranking (default\n"
    "qpolargrad) at protection g, 2g, …, 1 (g the grid's smallest protection step): Jaccard,\n"
    "Dice, Kendall tau-b, Spearman; with --bootstrap 95 % CIs from 100 resamples seeded by\n"
    "--seed (default 0); precision@k against an oracle (global) ranking when present.\n"
    "Writes comparison.csv and ranking_comparison.csv in the model directory.\n";

nlohmann::json estimateJson(const Estimate& e) {
    // Non-finite numbers (no CI, infinite dof) are written as null.
    return {{"value", e.value}, {"se", e.se},   {"dof", e.dof},
            {"n", e.n},         {"low", e.low}, {"high", e.high}};
}

nlohmann::json groupJson(const GroupComparison& g, std::size_t primary) {
    nlohmann::json summaries = nlohmann::json::object();
    for (const MetricSummary& s : g.summaries) {
        nlohmann::json rows = nlohmann::json::array();
        for (const SummaryRow& r : s.rows)
            rows.push_back({{"rank", r.rank},
                            {"ranker", g.rankers[r.ranker].label},
                            {"id", g.rankers[r.ranker].rankingId},
                            {"vus", estimateJson(r.vus)},
                            {"diff_to_best", estimateJson(r.diffToBest)},
                            {"paired", r.paired},
                            {"indistinguishable_from_best", r.indistinguishable}});
        summaries[s.metric] = {{"higher_is_better", s.higherIsBetter}, {"rankers", rows}};
    }
    const ComparisonKey& k = g.key;
    return {{"split", k.evalSplit},
            {"eval_data_checksum", k.evalDataChecksum},
            {"mode", k.mode == SweepMode::MonteCarlo ? "montecarlo" : "exhaustive"},
            {"population", k.population},
            {"model_checksum", k.modelChecksum},
            {"protections", g.grid.protections},
            {"bers", g.grid.bers},
            {"paired", g.paired},
            {"primary_metric", g.metrics[primary]},
            {"summaries", summaries}};
}

nlohmann::json overlapJson(const RankingOverlapTable& t) {
    nlohmann::json levels = nlohmann::json::array();
    auto iv = [](const Interval& i) { return nlohmann::json::array({i.low, i.high}); };
    for (const OverlapLevel& l : t.levels)
        levels.push_back({{"protection", l.protection},
                          {"k", l.overlap.k},
                          {"common", l.overlap.common},
                          {"jaccard", l.overlap.jaccard},
                          {"dice", l.overlap.dice},
                          {"kendall_tau_b", l.overlap.kendallTau},
                          {"spearman", l.overlap.spearman},
                          {"jaccard_ci", iv(l.jaccard)},
                          {"dice_ci", iv(l.dice)},
                          {"kendall_tau_b_ci", iv(l.kendallTau)},
                          {"spearman_ci", iv(l.spearman)}});
    return {{"population", t.population},
            {"reference", t.reference},
            {"reference_ranker", t.referenceLabel},
            {"reference_id", t.referenceId},
            {"ranker", t.rankerLabel},
            {"id", t.rankerId},
            {"levels", levels}};
}

nlohmann::json outcomeJson(const CompareOutcome& o) {
    nlohmann::json groups = nlohmann::json::array(), overlaps = nlohmann::json::array();
    for (std::size_t g = 0; g < o.groups.size(); ++g)
        groups.push_back(groupJson(o.groups[g], o.primary[g]));
    for (const RankingOverlapTable& t : o.overlaps)
        overlaps.push_back(overlapJson(t));
    return {{"model_dir", o.modelDir.string()},
            {"comparison_csv", o.comparisonCsv.string()},
            {"ranking_comparison_csv", o.rankingCsv.string()},
            {"groups", groups},
            {"ranking_overlap", overlaps},
            {"warnings", o.warnings}};
}

std::string interval(double low, double high) {
    char b[64];
    std::snprintf(b, sizeof b, "[%.5f, %.5f]", low, high);
    return std::isnan(low) ? "(no CI)" : b;
}

void printGroup(const GroupComparison& g, std::size_t primary, std::size_t index,
                std::size_t count) {
    const MetricSummary& s = g.summaries[primary];
    std::printf("\ngroup %zu/%zu: %s\nmetric %s (%s is better), grid %zu protections x %zu BERs, "
                "%s differences\n",
                index + 1, count, describe(g.key).c_str(), s.metric.c_str(),
                s.higherIsBetter ? "higher" : "lower", g.grid.protections.size(),
                g.grid.bers.size(), g.paired ? "paired" : "independent");
    std::printf("%4s  %-28s %9s  %-20s  %10s  %-22s\n", "rank", "ranker", "VUS", "95 % CI",
                "vs best", "95 % CI");
    for (const SummaryRow& r : s.rows) {
        std::printf("%4d  %-28s %9.5f  %-20s  ", r.rank, g.rankers[r.ranker].label.c_str(),
                    r.vus.value, interval(r.vus.low, r.vus.high).c_str());
        if (r.rank == 1)
            std::printf("%10s\n", "best");
        else
            std::printf("%+10.5f  %-22s%s\n", r.diffToBest.value,
                        interval(r.diffToBest.low, r.diffToBest.high).c_str(),
                        r.indistinguishable ? "  ~ best" : "");
    }
}

// Columns of the overlap matrix: every level when at most 10, else every ⌈L/10⌉-th + the last.
std::vector<std::size_t> shownLevels(std::size_t count) {
    std::vector<std::size_t> idx;
    const std::size_t step = (count + 9) / 10;
    for (std::size_t i = step - 1; i < count; i += step)
        idx.push_back(i);
    if (!idx.empty() && idx.back() != count - 1) idx.push_back(count - 1);
    return idx;
}

// One row per ranking: Jaccard against the baseline, precision@k (= Dice) against the oracle.
void printOverlaps(const CompareOutcome& o, const std::string& reference, const char* what) {
    const bool jaccard = reference == "baseline";
    const RankingOverlapTable* header = nullptr;
    for (const RankingOverlapTable& t : o.overlaps) {
        if (t.reference != reference) continue;
        const auto cols = shownLevels(t.levels.size());
        if (!header || header->population != t.population) {
            header = &t;
            std::printf("\n%s vs %s (population %s) at protection:\n%-28s", what,
                        t.referenceLabel.c_str(), t.population.c_str(), "ranker");
            for (std::size_t c : cols)
                std::printf(" %7.3g", t.levels[c].protection);
            std::printf("\n");
        }
        std::printf("%-28s", t.rankerLabel.c_str());
        for (std::size_t c : cols)
            std::printf(" %7.4f", jaccard ? t.levels[c].overlap.jaccard : t.levels[c].overlap.dice);
        std::printf("\n");
    }
}

void printOutcome(const CompareOutcome& o) {
    std::printf("compare: %s\n", o.modelDir.string().c_str());
    for (std::size_t g = 0; g < o.groups.size(); ++g)
        printGroup(o.groups[g], o.primary[g], g, o.groups.size());
    std::printf("(~ best: indistinguishable from the best, the 95 %% CI of the difference "
                "contains 0)\n");
    printOverlaps(o, "baseline", "Jaccard of the top-k sets");
    printOverlaps(o, "oracle", "precision@k");
    for (const std::string& w : o.warnings)
        std::printf("warning: %s\n", w.c_str());
    std::printf("\nwritten: %s\n         %s\n", o.comparisonCsv.string().c_str(),
                o.rankingCsv.string().c_str());
}

} // namespace

int cmdCompare(const Args& raw) {
    auto parsed = parseModelCommand(
        raw, {.valued = {"baseline", "metric", "seed"}, .flags = {"bootstrap"}}, kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto seed = boundedInteger(c.args, "seed", 0, (1LL << 62));
    if (!seed) return reportError(seed.error());
    CompareRequest req;
    req.model = c.selector;
    req.baseline = c.args.value("baseline").value_or("qpolargrad");
    req.metric = c.args.value("metric").value_or("");
    req.bootstrap = {c.args.flag("bootstrap"), 100, std::uint64_t(seed->value_or(0))};
    req.threads = c.threads;
    StderrProgress progress(c.args.flag("quiet"));
    auto out = runCompareJob(req, progress);
    if (!out) return reportError(out.error());
    if (c.args.flag("json"))
        printJson(outcomeJson(*out));
    else
        printOutcome(*out);
    return 0;
}

} // namespace netsurf::cli
