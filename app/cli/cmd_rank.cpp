// netsurf-cli rank: bit-vulnerability rankings of a trained model (SPEC §3).
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/jobs/rank_jobs.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli rank [--benchmark B] [--quant Q] [--pruning P] --method M [--method M2 …]\n"
    "                        [--order plane|global] [--population all|nonzero] [--seed S]\n"
    "                        [--samples N] [--rerank] [--workspace DIR] [--threads T]\n"
    "                        [--data-dir DIR] [--quiet] [--json]\n"
    "Ranks every bit of the model's bit population, most vulnerable first, and writes\n"
    "<model dir>/rankings/<method>-<order>-<id>.csv. The model is trained first when missing\n"
    "(with seed S and the benchmark's epochs; S is also the seed of random tie-breaks);\n"
    "an existing ranking with the same identity is reused unless --rerank. Several --method\n"
    "flags share the model, the data and common work. --method all ranks with every method.\n"
    "Methods: random bitwise_msb bitwise_lsb weight_abs_value grad grad_norm graddelta fisher\n"
    "         hessian hessiandelta qpolar qpolargrad taylor oracle\n"
    "Ranking data: the first N rows (default all) of the model's training split.\n";

Result<RankRequest> parseRequest(const ModelCommand& c) {
    const CliArgs& args = c.args;
    auto seed = boundedInteger(args, "seed", 0, (1LL << 62));
    if (!seed) return seed.error();
    auto samples = boundedInteger(args, "samples", 1, 100000000);
    if (!samples) return samples.error();
    RankRequest req;
    req.model = c.selector;
    req.threads = c.threads;
    req.seed = std::uint64_t(seed->value_or(0));
    req.samples = std::size_t(samples->value_or(0));
    req.rerank = args.flag("rerank");
    req.data = c.data;
    if (auto st = parseOrderAndPopulation(args, req.order, req.population); !st) return st.error();
    for (const std::string& name : args.values("method")) {
        if (name == "all") {
            req.methods = allRankMethods();
            continue;
        }
        auto m = parseRankMethod(name);
        if (!m) return m.error();
        req.methods.push_back(*m);
    }
    if (req.methods.empty())
        return Error::usage("rank needs --method (one of the methods listed by --help, or all)");
    return req;
}

nlohmann::json rankingJson(const RankedFile& f) {
    const Ranking& r = f.ranking;
    nlohmann::json diag = nlohmann::json::object();
    for (const auto& [k, v] : r.diagnostics)
        diag[k] = v;
    return {{"method", toString(r.config.method)},
            {"order", toString(effectiveOrder(r.config))},
            {"population", toString(r.config.population)},
            {"id", r.id},
            {"path", f.path.string()},
            {"reused", f.reused},
            {"bits", r.rows.size()},
            {"samples", r.samplesUsed},
            {"seconds", r.seconds},
            {"diagnostics", diag}};
}

void printOutcome(const RankOutcome& o) {
    std::printf("model  %s%s\n\n", o.modelPath.string().c_str(), o.trained ? " (trained now)" : "");
    std::printf("%-17s %-7s %-8s %9s %8s %9s  %s\n", "method", "order", "pop.", "bits", "samples",
                "seconds", "file");
    for (const auto& f : o.rankings) {
        const Ranking& r = f.ranking;
        std::printf("%-17s %-7s %-8s %9zu %8zu %9.2f  %s%s\n", toString(r.config.method),
                    toString(effectiveOrder(r.config)), toString(r.config.population),
                    r.rows.size(), r.samplesUsed, r.seconds, f.path.filename().string().c_str(),
                    f.reused ? " (reused)" : "");
        std::string diag;
        for (const auto& [k, v] : r.diagnostics) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "%s%s %g", diag.empty() ? "" : ", ", k.c_str(), v);
            diag += buf;
        }
        if (!diag.empty()) std::printf("%18s(%s)\n", "", diag.c_str());
    }
}

} // namespace

int cmdRank(const Args& raw) {
    auto parsed = parseModelCommand(raw,
                                    {.valued = {"order", "population", "seed", "samples"},
                                     .repeatable = {"method"},
                                     .flags = {"rerank"}},
                                    kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto req = parseRequest(c);
    if (!req) return reportError(req.error());
    StderrProgress progress(c.args.flag("quiet"));
    auto out = runRankJob(*req, progress);
    if (!out) return reportError(out.error());
    if (c.args.flag("json")) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& f : out->rankings)
            list.push_back(rankingJson(f));
        printJson({{"model_path", out->modelPath.string()},
                   {"trained", out->trained},
                   {"rankings", list}});
    } else {
        printOutcome(*out);
    }
    return 0;
}

} // namespace netsurf::cli
