// netsurf-cli profile: the robustness profile of a model before and after training (SPEC §6).
#include <cmath>
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/jobs/profile_job.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli profile [--benchmark B] [--quant Q] [--pruning P] [--samples N]\n"
    "                           [--workspace DIR] [--threads T] [--data-dir DIR] [--quiet]\n"
    "                           [--json]\n"
    "The robustness profile of a trained model (SPEC §6) before training (its initial weights,\n"
    "rebuilt from the training seed) and after, on the first N rows of its training split (all\n"
    "by default): statistics of the Fisher diagonal, the input-gradient norms (aleatoric), the\n"
    "MSB impact ratio, the flip deltas and the qpolar, qpolargrad and weight_abs_value scores,\n"
    "with the pre vs post divergence. Writes profile_pre.json and profile_post.json next to\n"
    "model.json.\n";

void printOutcome(const ProfileOutcome& o) {
    std::printf("%-17s %10s %12s %12s %8s %12s %8s\n", "distribution", "n", "entropy pre",
                "entropy post", "gini pre", "gini post", "cosine");
    for (const ProfileDistribution& a : o.pre.distributions) {
        const ProfileDistribution* b = o.post.find(a.name);
        const auto& d = o.divergence[a.name];
        const double cosine = d["cosine"].is_null() ? NAN : d["cosine"].get<double>();
        std::printf("%-17s %10zu %12.5g %12.5g %8.4f %12.4f %8.4f\n", a.name.c_str(), b->stats.n,
                    a.stats.entropy, b->stats.entropy, a.stats.gini, b->stats.gini, cosine);
    }
    std::printf("\nFisher trace: %.6g before training, %.6g after (%zu samples)\n",
                o.pre.fisherTrace, o.post.fisherTrace, o.post.samples);
    std::printf("written: %s\n         %s\n", o.prePath.string().c_str(),
                o.postPath.string().c_str());
}

} // namespace

int cmdProfile(const Args& raw) {
    auto parsed = parseModelCommand(raw, {.valued = {"samples"}}, kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto samples = boundedInteger(c.args, "samples", 1, 100000000);
    if (!samples) return reportError(samples.error());
    const ProfileRequest req{c.selector, std::size_t(samples->value_or(0)), c.threads, c.data};
    StderrProgress progress(c.args.flag("quiet"));
    auto out = runProfileJob(req, progress);
    if (!out) return reportError(out.error());
    if (c.args.flag("json"))
        printJson({{"pre_path", out->prePath.string()},
                   {"post_path", out->postPath.string()},
                   {"pre", profileJson(out->pre)},
                   {"post", profileJson(out->post)},
                   {"divergence", out->divergence}});
    else
        printOutcome(*out);
    return 0;
}

} // namespace netsurf::cli
