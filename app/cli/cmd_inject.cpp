// netsurf-cli inject: BER × protection fault-injection sweep of one ranking (SPEC §4).
#include <cstdio>
#include <map>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/core/message_text.h"
#include "engine/jobs/inject_job.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli inject [--benchmark B] [--quant Q] [--pruning P] --method M\n"
    "                          [--order plane|global] [--population all|nonzero]\n"
    "                          [--mode exhaustive|montecarlo] [--reps K] [--ber LIST]\n"
    "                          [--protection LIST] [--eval-split test|train] [--seed S]\n"
    "                          [--samples N] [--rerun] [--save-faults DIR] [--workspace DIR]\n"
    "                          [--threads T] [--data-dir DIR] [--quiet] [--json]\n"
    "Protects the top fraction of M's ranking, flips unprotected bits at each BER and records\n"
    "loss and metrics per repetition in the experiment's results.csv,\n"
    "<model dir>/experiments/<ranking id>/<mode>-<split>-seed<S>-<data checksum>/: one\n"
    "experiment per ranking, mode, evaluation split (and its data) and seed. The BER and\n"
    "protection lists and K are coverage: rows already in the file are reused and only the\n"
    "missing (protection, BER, rep) computed, unless --rerun (which replaces that experiment\n"
    "only). Defaults: the seed notebook's grid (BER 0.001,0.005,0.01,0.05,0.1,0.15 x\n"
    "protection 0.01,0.05,…,0.4), exhaustive mode, test split, K = 50.\n"
    "S seeds the flips and the ranking; the model is trained (with seed S\n"
    "and the benchmark's epochs) and ranked first when missing. An existing model is used\n"
    "whatever seed it was trained with.\n"
    "LIST: comma-separated numbers, or the option repeated.\n";

Status parseSweep(const CliArgs& args, SweepConfig& s) {
    if (auto m = args.value("mode")) {
        if (*m == "exhaustive")
            s.mode = SweepMode::Exhaustive;
        else if (*m == "montecarlo")
            s.mode = SweepMode::MonteCarlo;
        else
            return Error::usage("unknown --mode " + quoteValue(*m) +
                                " (expected exhaustive or montecarlo)");
    }
    auto reps = boundedInteger(args, "reps", 1, 100000);
    if (!reps) return reps.error();
    if (*reps) s.reps = int(**reps);
    auto seed = boundedInteger(args, "seed", 0, (1LL << 62));
    if (!seed) return seed.error();
    s.seed = std::uint64_t(seed->value_or(0));
    for (auto [name, list] : {std::pair{"ber", &s.bers}, std::pair{"protection", &s.protections}}) {
        if (args.values(name).empty()) continue;
        auto v = numberList(args, name);
        if (!v) return v.error();
        *list = std::move(*v);
    }
    return validateSweepConfig(s);
}

Result<InjectRequest> parseRequest(const ModelCommand& c) {
    const CliArgs& args = c.args;
    InjectRequest req;
    req.model = c.selector;
    req.threads = c.threads;
    auto method = args.value("method");
    if (!method) return Error::usage("inject needs --method (e.g. qpolargrad, oracle, random)");
    auto m = parseRankMethod(*method);
    if (!m) return m.error();
    req.method = *m;
    if (auto st = parseOrderAndPopulation(args, req.order, req.population); !st) return st.error();
    auto samples = boundedInteger(args, "samples", 1, 100000000);
    if (!samples) return samples.error();
    req.samples = std::size_t(samples->value_or(0));
    if (auto st = parseSweep(args, req.sweep); !st) return st.error();
    req.evalSplit = args.value("eval-split").value_or("test");
    if (req.evalSplit != "test" && req.evalSplit != "train")
        return Error::usage("--eval-split expects test or train, got " + quoteValue(req.evalSplit));
    req.rerun = args.flag("rerun");
    req.data = c.data;
    if (auto d = args.value("save-faults")) req.saveFaults = *d;
    return req;
}

// Mean of loss and every metric per (protection, BER).
struct PointMean {
    int reps = 0;
    double loss = 0;
    std::vector<double> metrics;
};
std::map<std::pair<double, double>, PointMean> pointMeans(const SweepResults& r) {
    std::map<std::pair<double, double>, PointMean> out;
    for (const SweepRow& row : r.rows) {
        PointMean& p = out[{row.protection, row.ber}];
        p.metrics.resize(row.metrics.size());
        ++p.reps;
        p.loss += row.loss;
        for (std::size_t k = 0; k < row.metrics.size(); ++k)
            p.metrics[k] += row.metrics[k];
    }
    for (auto& [key, p] : out) {
        p.loss /= p.reps;
        for (double& m : p.metrics)
            m /= p.reps;
    }
    return out;
}

nlohmann::json outcomeJson(const InjectOutcome& o) {
    const SweepResults& r = o.results;
    nlohmann::json points = nlohmann::json::array();
    for (const auto& [key, p] : pointMeans(r)) {
        nlohmann::json j = {{"protection", key.first},
                            {"ber", key.second},
                            {"reps", p.reps},
                            {"mean_loss", p.loss}};
        for (std::size_t k = 0; k < p.metrics.size(); ++k)
            j["mean_" + r.metricNames[k]] = p.metrics[k];
        points.push_back(j);
    }
    nlohmann::json clean = {{"loss", r.cleanLoss}};
    for (std::size_t k = 0; k < r.metricNames.size(); ++k)
        clean[r.metricNames[k]] = r.cleanMetrics[k];
    return {{"results_path", o.resultsPath.string()},
            {"experiment", o.experimentKey},
            {"ranking_path", o.ranking.path.string()},
            {"ranking_id", r.rankingId},
            {"method", r.method},
            {"order", r.order},
            {"mode", toString(r.mode)},
            {"eval_split", r.evalSplit},
            {"rows_computed", o.computedRows},
            {"rows_reused", o.reusedRows},
            {"seconds", o.seconds},
            {"clean", clean},
            {"warnings", o.warnings},
            {"points", points}};
}

void printOutcome(const InjectOutcome& o) {
    const SweepResults& r = o.results;
    std::printf("ranking   %s (%s, %s)\n", o.ranking.path.filename().string().c_str(),
                r.method.c_str(), r.order.c_str());
    std::printf("results   %s\n", o.resultsPath.string().c_str());
    std::printf("run       %s on the %s split: %zu rows computed, %zu reused, %.1f s\n",
                toString(r.mode), r.evalSplit.c_str(), o.computedRows, o.reusedRows, o.seconds);
    const std::string metric = r.metricNames.empty() ? "loss" : r.metricNames.front();
    std::printf("clean     loss %.4f  %s %.4f\n\nmean %s by protection (rows) and BER "
                "(columns):\n%10s",
                r.cleanLoss, metric.c_str(), r.cleanMetrics.empty() ? 0.0 : r.cleanMetrics[0],
                metric.c_str(), "");
    const auto means = pointMeans(r);
    std::vector<double> bers;
    for (const auto& [key, p] : means)
        if (std::find(bers.begin(), bers.end(), key.second) == bers.end())
            bers.push_back(key.second);
    std::sort(bers.begin(), bers.end());
    for (double b : bers)
        std::printf(" %9g", b);
    double last = -1;
    for (const auto& [key, p] : means) {
        if (key.first != last) std::printf("\n%10g", key.first);
        last = key.first;
        std::printf(" %9.4f", p.metrics.empty() ? p.loss : p.metrics[0]);
    }
    std::printf("\n");
}

} // namespace

int cmdInject(const Args& raw) {
    auto parsed = parseModelCommand(raw,
                                    {.valued = {"method", "order", "population", "mode", "reps",
                                                "eval-split", "seed", "samples", "save-faults"},
                                     .repeatable = {"ber", "protection"},
                                     .flags = {"rerun"}},
                                    kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto req = parseRequest(c);
    if (!req) return reportError(req.error());
    StderrProgress progress(c.args.flag("quiet"));
    auto out = runInjectJob(*req, progress, installInterruptHandler());
    if (!out) return reportError(out.error());
    if (c.args.flag("json"))
        printJson(outcomeJson(*out));
    else
        printOutcome(*out);
    return 0;
}

} // namespace netsurf::cli
