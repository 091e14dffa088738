// netsurf-cli diagnose: the diagnostics of a trained model for the report (issue 14).
#include <cmath>
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/jobs/diagnostics_job.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli diagnose [--benchmark B] [--quant Q] [--pruning P] [--samples N]\n"
    "                            [--workspace DIR] [--threads T] [--data-dir DIR] [--quiet]\n"
    "                            [--json]\n"
    "The diagnostics of a trained model on the exact (hardware-faithful) network: ROC curves\n"
    "with AUC and the confusion matrix on the test split (classification) or the (true,\n"
    "predicted) pairs with MAE, R2 and Pearson (regression); histograms of every layer's output\n"
    "on the first N validation rows (1000 by default) with the fraction saturated at the\n"
    "quantized layers' limits; per-tensor sparsity; statistics and histograms of every trainable\n"
    "tensor against the scheme's range, after and before training (initial weights rebuilt from\n"
    "the training seed); the training history. Writes diagnostics.json next to model.json.\n";

void printOutcome(const DiagnosticsOutcome& o) {
    const ModelDiagnostics& d = o.diagnostics;
    if (d.classification) {
        const ClassificationDiagnostics& c = *d.classification;
        std::printf("test: %zu samples, accuracy %.4f, macro AUC %.4f\n", c.samples, c.accuracy,
                    c.macroAuc);
        for (const RocCurve& r : c.roc)
            std::printf("  class %-3d AUC %.4f (%zu positives)\n", r.positiveClass, r.auc,
                        r.positives);
    }
    if (d.regression)
        std::printf("test: %zu samples, MAE %.4g, R2 %.4f, Pearson %.4f\n",
                    d.regression->truth.size(), d.regression->mae, d.regression->r2,
                    d.regression->pearson);
    std::printf("\n%-12s %-12s %10s %10s %10s %9s %9s\n", "layer", "kind", "values", "min", "max",
                "at low", "at high");
    for (const ActivationDiagnostics& a : d.activations)
        std::printf("%-12s %-12s %10zu %10.4g %10.4g %9.4f %9.4f\n", a.layer.c_str(),
                    a.kind.c_str(), a.values, a.min, a.max, a.atLow, a.atHigh);
    std::printf("\n%-20s %8s %8s %9s %10s %10s %10s %8s %8s\n", "tensor", "count", "pruned",
                "zero kept", "min", "max", "std", "at Qmin", "at Qmax");
    for (std::size_t i = 0; i < d.tensors.size(); ++i) {
        const SparsityDiagnostics& s = d.sparsity[i];
        const TensorDiagnostics& t = d.tensors[i];
        std::printf("%-20s %8zu %8zu %9zu %10.4g %10.4g %10.4g %8.4f %8.4f\n", s.tensor.c_str(),
                    s.count, s.pruned, s.zeroKept, t.min, t.max, t.std, t.atQmin, t.atQmax);
    }
    std::printf("\nhistory: %s\n",
                d.history ? (std::to_string(d.history->rows.size()) + " epochs").c_str()
                          : "none (no history.csv)");
    std::printf("written: %s (%.2f s)\n", o.path.string().c_str(), o.seconds);
}

} // namespace

int cmdDiagnose(const Args& raw) {
    auto parsed = parseModelCommand(raw, {.valued = {"samples"}}, kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    auto samples = boundedInteger(c.args, "samples", 1, 100000000);
    if (!samples) return reportError(samples.error());
    const DiagnosticsRequest req{c.selector, std::size_t(samples->value_or(1000)), c.threads,
                                 c.data};
    StderrProgress progress(c.args.flag("quiet"));
    auto out = runDiagnosticsJob(req, progress);
    if (!out) return reportError(out.error());
    if (c.args.flag("json"))
        printJson({{"path", out->path.string()},
                   {"seconds", out->seconds},
                   {"diagnostics", diagnosticsToJson(out->diagnostics)}});
    else
        printOutcome(*out);
    return 0;
}

} // namespace netsurf::cli
