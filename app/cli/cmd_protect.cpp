// netsurf-cli protect: export the protected bits of a ranking at a protection level.
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/inject/protection_export.h"
#include "engine/jobs/rank_jobs.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli protect [--benchmark B] [--quant Q] [--pruning P] --method M\n"
    "                           --protection F [--order plane|global] [--population all|nonzero]\n"
    "                           [--seed S] [--samples N] [--out DIR] [--workspace DIR]\n"
    "                           [--threads T] [--data-dir DIR] [--quiet] [--json]\n"
    "Protects the first floor(T*F) bits of M's ranking (ranked, and trained, first when needed)\n"
    "and writes protected_bits.json, protected_bits.csv (tensor, index, mask, bits) and\n"
    "protection_masks.h (one mask array per tensor for an HLS flow) into DIR (default\n"
    "<model dir>/protection/<method>-<order>-<id>-p<F>). Mask bit k protects bit index m-1-k.\n";

} // namespace

int cmdProtect(const Args& raw) {
    auto parsed = parseModelCommand(
        raw, {.valued = {"method", "protection", "order", "population", "seed", "samples", "out"}},
        kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto seed = boundedInteger(c.args, "seed", 0, (1LL << 62));
    if (!seed) return reportError(seed.error());
    auto samples = boundedInteger(c.args, "samples", 1, 100000000);
    if (!samples) return reportError(samples.error());
    auto method = c.args.value("method");
    if (!method) return reportError(Error::usage("protect needs --method"));
    auto m = parseRankMethod(*method);
    if (!m) return reportError(m.error());
    auto f = c.args.number("protection");
    if (!f) return reportError(f.error());
    if (!*f || **f < 0 || **f > 1)
        return reportError(Error::usage("protect needs --protection F with 0 <= F <= 1"));
    RankRequest rr{c.selector,
                   {*m},
                   RankOrder::Plane,
                   Population::All,
                   std::uint64_t(seed->value_or(0)),
                   std::size_t(samples->value_or(0)),
                   false,
                   c.threads,
                   c.data};
    if (auto st = parseOrderAndPopulation(c.args, rr.order, rr.population); !st)
        return reportError(st.error());
    StderrProgress progress(c.args.flag("quiet"));
    auto ranked = runRankJob(rr, progress, installInterruptHandler());
    if (!ranked) return reportError(ranked.error());
    const ModelFile* file = &ranked->file;
    const RankedFile& rf = ranked->rankings.front();
    const ProtectionMasks masks = protectionMasks(file->model, rf.ranking, **f);
    char dirName[160];
    std::snprintf(dirName, sizeof dirName, "%s-p%g", rf.path.stem().string().c_str(), **f);
    const std::filesystem::path dir =
        c.args.value("out") ? std::filesystem::path(*c.args.value("out"))
                            : ranked->modelPath.parent_path() / "protection" / dirName;
    auto written = writeProtectionFiles(
        dir, file->model, rf.ranking, masks,
        {c.selector.benchmark, rf.path.filename().string(), c.selector.pruning});
    if (!written) return reportError(written.error());
    if (c.args.flag("json")) {
        nlohmann::json files = nlohmann::json::array();
        for (const auto& p : *written)
            files.push_back(p.string());
        printJson({{"ranking_path", rf.path.string()},
                   {"protection", **f},
                   {"protected_bits", masks.protectedBits},
                   {"total_bits", masks.totalBits},
                   {"files", files}});
    } else {
        std::printf("ranking    %s\nprotected  %zu of %zu bits (%g)\n", rf.path.string().c_str(),
                    masks.protectedBits, masks.totalBits, **f);
        for (const auto& p : *written)
            std::printf("written    %s\n", p.string().c_str());
    }
    return 0;
}

} // namespace netsurf::cli
