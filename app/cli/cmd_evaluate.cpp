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
    auto parsed = parseModelCommand(raw, {.valued = {"split"}}, kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    EvaluateRequest req;
    req.model = c.selector;
    req.split = c.args.value("split").value_or("test");
    req.threads = c.threads;
    req.data = c.data;
    auto out = runEvaluateJob(req);
    if (!out) return reportError(out.error());
    const EvalResult& r = out->result;
    if (c.args.flag("json")) {
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
        for (const auto& [k, v] : r.metrics)
            std::printf("%-8s %.6f\n", k.c_str(), v);
    }
    return 0;
}

} // namespace netsurf::cli
