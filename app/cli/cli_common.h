#pragma once
// Options shared by the model commands: --benchmark, --quant, --pruning, --workspace,
// --threads, --data-dir; and the stderr progress reporter.
#include <chrono>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

#include "app/cli/cli_args.h"
#include "engine/core/progress.h"
#include "engine/jobs/model_jobs.h"
#include "engine/rank/rank_method.h"

namespace netsurf::cli {

// Option names taken by parseSelector(), to merge into a command's valued set.
const std::set<std::string>& selectorOptions();

Result<ModelSelector> parseSelector(const CliArgs& args);
// --threads T (1..1024; 0 when absent = all cores). Above the machine's cores it warns once on
// stderr and returns the core count.
Result<int> parseThreads(const CliArgs& args);
// The numbers of a list option: comma-separated and/or repeated (--ber 0.01,0.1 --ber 0.2).
Result<std::vector<double>> numberList(const CliArgs& args, const std::string& name);

// --order plane|global and --population all|nonzero, when given, into `order` / `population`.
Status parseOrderAndPopulation(const CliArgs& args, RankOrder& order, Population& population);

// An optional integer option that must lie in [lo, hi]; out of range is a usage error.
Result<std::optional<long long>> boundedInteger(const CliArgs& args, const std::string& name,
                                                long long lo, long long hi);
DatasetOptions parseDataOptions(const CliArgs& args);

// The common start of every model command: parses `raw` with `options` plus the selector
// options (single-valued) and the flags json, quiet and help; prints `help` for --help; refuses
// positional arguments; parses the selector, --threads and the data options. Returns the
// parsed command, or the exit code to return (0 after --help, else the error's code).
struct ModelCommand {
    CliArgs args;
    ModelSelector selector;
    int threads = 0;
    DatasetOptions data;
};
std::variant<ModelCommand, int> parseModelCommand(const std::vector<std::string>& raw,
                                                  OptionSet options, const char* help);

// A stop token requested on the first SIGINT/SIGTERM (the running job stops after its current
// batch and keeps what it wrote); a second signal terminates the process as usual.
std::stop_token installInterruptHandler();

// Prints progress lines on stderr: rewrites one line on a terminal, otherwise plain lines at
// most once per second (and always the last one of a stage).
class StderrProgress final : public ProgressSink {
public:
    explicit StderrProgress(bool quiet = false);
    ~StderrProgress() override;
    void progress(const Progress& p) override;
    void warning(const std::string& message) override;

private:
    bool m_quiet;
    bool m_tty;
    bool m_lineOpen = false;
    std::chrono::steady_clock::time_point m_last{};
};

} // namespace netsurf::cli

#include <nlohmann/json.hpp>
namespace netsurf::cli {
nlohmann::json metricsJson(const Metrics& metrics);
std::string metricsText(const Metrics& metrics); // "accuracy 0.9312  …"
} // namespace netsurf::cli
