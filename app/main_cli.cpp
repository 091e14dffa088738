// netsurf-cli: the NetSurf engine, headless.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/core/message_text.h"
#include "engine/core/version.h"

namespace {

void printUsage() {
    std::printf(
        "usage: netsurf-cli <command> [options]\n"
        "\n"
        "commands:\n"
        "  datasets      list the benchmarks' datasets, their source, sizes and checksums\n"
        "  quant         show a quantization scheme q<m,n,s> and the bits/deltas of values\n"
        "  train         train (quantization-aware, with pruning) a benchmark model\n"
        "  evaluate      clean loss and metrics of a trained model on a split\n"
        "  rank          rank the model's bits by vulnerability (14 methods, incl. the exact "
        "oracle)\n"
        "  inject        BER x protection fault-injection sweep of a ranking (resumable)\n"
        "  compare       compare the rankers' experiments: CIs, AUC, VUS, ranking overlap\n"
        "  protect       export the protected bits of a ranking (JSON, CSV, C header)\n"
        "  rank-quality  judge every ranking present against the exact oracle\n"
        "  profile       robustness profile of a model before and after training\n"
        "  diagnose      diagnostics of a model: ROC/AUC, confusion, activations, tensors\n"
        "  report        the HTML report of a scheme and pruning (every benchmark, all tabs)\n"
        "  bench         benchmarks of NetSurf's own speed (bench train, bench rank)\n"
        "  batch         a whole sweep as a graph of jobs (train, profile, rank, inject, compare), "
        "resumable\n"
        "  jobs          the jobs of a workspace and the progress of its running batch\n"
        "\n"
        "Every command accepts --json (one JSON object on stdout; on an error the object\n"
        "{\"error\", \"kind\", \"exit_code\"}) and --help. An option given twice is refused\n"
        "unless it is a list (--ber, --protection, --method of rank, --value).\n"
        "Exit codes: 0 success, 1 data error, 2 usage error, 130 cancelled.\n");
}

} // namespace

int main(int argc, char** argv) {
    using namespace netsurf::cli;
    if (argc < 2) {
        printUsage();
        return 2;
    }
    const std::string cmd = argv[1];
    if (cmd == "--version" || cmd == "version") {
        std::printf("netsurf-cli %s (git %s)\n", netsurf::version(), netsurf::gitRevision());
        return 0;
    }
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        printUsage();
        return 0;
    }
    const Args args(argv + 2, argv + argc);
    setJsonErrors(std::find(argv + 1, argv + argc, std::string_view("--json")) != argv + argc);
    if (cmd == "datasets") return cmdDatasets(args);
    if (cmd == "quant") return cmdQuant(args);
    if (cmd == "train") return cmdTrain(args);
    if (cmd == "evaluate") return cmdEvaluate(args);
    if (cmd == "rank") return cmdRank(args);
    if (cmd == "rank-quality") return cmdRankQuality(args);
    if (cmd == "profile") return cmdProfile(args);
    if (cmd == "diagnose") return cmdDiagnose(args);
    if (cmd == "report") return cmdReport(args);
    if (cmd == "inject") return cmdInject(args);
    if (cmd == "protect") return cmdProtect(args);
    if (cmd == "compare") return cmdCompare(args);
    if (cmd == "bench") return cmdBench(args);
    if (cmd == "batch") return cmdBatch(args);
    if (cmd == "jobs") return cmdJobs(args);
    return reportError(netsurf::Error::usage(
        "unknown command " + netsurf::quoteValue(cmd) +
        " (expected datasets, quant, train, evaluate, rank, "
        "rank-quality, profile, diagnose, report, inject, compare, protect, bench, batch or jobs)"));
}
