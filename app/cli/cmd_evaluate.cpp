// netsurf-cli evaluate: clean loss and metrics of a saved model (double-precision evaluation).
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"

namespace netsurf::cli {

namespace {
constexpr const char* kHelp =
    "usage: netsurf-cli evaluate [--benchmark B] [--quant Q] [--pruning P] [--split S]\n"
    "                            [--workspace DIR] [--threads T] [--data-dir DIR] [--json]\n"
    "Evaluates the saved model on split S (train, validation or test; default test).\n";
}

int cmdEvaluate(const Args& raw) {
    auto valued = selectorOptions();
    valued.insert("split");
    auto args = CliArgs::parse(raw, valued, {"json", "help"});
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
    EvaluateRequest req;
    req.model = *sel;
    req.split = args->value("split").value_or("test");
    req.threads = *threads;
    req.data = parseDataOptions(*args);
    auto out = runEvaluateJob(req);
    if (!out) return reportError(out.error());
    const EvalResult& r = out->result;
    if (args->flag("json")) {
        printJson({{"benchmark", req.model.benchmark},
                   {"quantization", req.model.scheme.str()},
                   {"pruning", req.model.pruning},
                   {"model_path", out->modelPath.string()},
                   {"split", out->split},
                   {"samples", r.samples},
                   {"loss", r.loss},
                   {"metrics", metricsJson(r.metrics)}});
    } else {
        std::printf("model    %s\n", out->modelPath.string().c_str());
        std::printf("split    %s (%zu samples)\n", out->split.c_str(), r.samples);
        std::printf("loss     %.6f\n", r.loss);
        for (const auto& [k, v] : r.metrics) std::printf("%-8s %.6f\n", k.c_str(), v);
    }
    return 0;
}

} // namespace netsurf::cli
