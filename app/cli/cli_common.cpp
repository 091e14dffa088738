#include "app/cli/cli_common.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>
#include <unistd.h>

#include "app/cli/cli_output.h"
#include "engine/core/message_text.h"
#include "engine/core/parallel.h"
#include "engine/storage/workspace.h"

namespace netsurf::cli {

const std::set<std::string>& selectorOptions() {
    static const std::set<std::string> s{"benchmark", "quant",    "pruning",       "workspace",
                                         "threads",   "data-dir", "smartpixel-dir"};
    return s;
}

Result<ModelSelector> parseSelector(const CliArgs& args) {
    ModelSelector s;
    if (auto b = args.value("benchmark")) s.benchmark = *b;
    if (auto spec = benchmarkSpec(s.benchmark); !spec) return spec.error();
    if (auto q = args.value("quant")) {
        auto scheme = QuantScheme::parse(*q);
        if (!scheme) return scheme.error();
        s.scheme = *scheme;
    }
    auto p = args.number("pruning");
    if (!p) return p.error();
    if (*p) s.pruning = **p;
    if (auto st = validatePruning(s.pruning); !st) return st.error();
    if (auto w = args.value("workspace")) s.workspace = *w;
    return s;
}

Result<int> parseThreads(const CliArgs& args) {
    auto t = args.integer("threads");
    if (!t) return t.error();
    if (!*t) return 0;
    if (**t < 1 || **t > 1024)
        return Error::usage("--threads expects a number of threads between 1 and 1024");
    const int cores = hardwareConcurrency();
    if (**t > cores) {
        printWarning("--threads " + std::to_string(**t) + " exceeds the " + std::to_string(cores) +
                     (cores == 1 ? " core" : " cores") + " of this machine; using " +
                     std::to_string(cores));
        return cores;
    }
    return int(**t);
}

Result<std::optional<long long>> boundedInteger(const CliArgs& args, const std::string& name,
                                                long long lo, long long hi) {
    auto v = args.integer(name);
    if (!v) return v.error();
    if (*v && (**v < lo || **v > hi))
        return Error::usage("--" + name + " expects an integer between " + std::to_string(lo) +
                            " and " + std::to_string(hi) + ", got " + std::to_string(**v));
    return *v;
}

std::variant<ModelCommand, int> parseModelCommand(const std::vector<std::string>& raw,
                                                  OptionSet options, const char* help) {
    options.valued.insert(selectorOptions().begin(), selectorOptions().end());
    options.flags.insert({"json", "quiet", "help"});
    auto args = CliArgs::parse(raw, options);
    if (!args) return reportError(args.error());
    if (args->flag("help")) {
        std::printf("%s", help);
        return 0;
    }
    if (!args->positional().empty())
        return reportError(
            Error::usage("unexpected argument " + quoteValue(args->positional()[0])));
    auto sel = parseSelector(*args);
    if (!sel) return reportError(sel.error());
    auto threads = parseThreads(*args);
    if (!threads) return reportError(threads.error());
    return ModelCommand{*args, *sel, *threads, parseDataOptions(*args)};
}

Status parseOrderAndPopulation(const CliArgs& args, RankOrder& order, Population& population) {
    if (auto o = args.value("order")) {
        auto parsed = parseRankOrder(*o);
        if (!parsed) return parsed.error();
        order = *parsed;
    }
    if (auto p = args.value("population")) {
        auto parsed = parsePopulation(*p);
        if (!parsed) return parsed.error();
        population = *parsed;
    }
    return {};
}

Result<std::vector<double>> numberList(const CliArgs& args, const std::string& name) {
    std::vector<double> out;
    for (const std::string& v : args.values(name)) {
        std::size_t start = 0;
        while (start <= v.size()) {
            std::size_t end = v.find(',', start);
            if (end == std::string::npos) end = v.size();
            const std::string item = v.substr(start, end - start);
            auto x = parseDouble(item);
            if (!x) return Error::usage("--" + name + " expects numbers, got " + quoteValue(item));
            out.push_back(*x);
            start = end + 1;
        }
    }
    return out;
}

DatasetOptions parseDataOptions(const CliArgs& args) {
    DatasetOptions d;
    if (auto dir = args.value("data-dir")) d.dataDir = *dir;
    if (auto dir = args.value("smartpixel-dir")) d.smartpixelDir = *dir;
    return d;
}

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int sig) {
    g_interrupted.store(true);
    std::signal(sig, SIG_DFL);
}
} // namespace

std::stop_token installInterruptHandler() {
    // request_stop() is not async-signal-safe, so the handler only sets a flag and a watcher
    // thread forwards it.
    static std::stop_source source;
    static std::jthread watcher([](std::stop_token self) {
        while (!self.stop_requested()) {
            if (g_interrupted.load()) {
                source.request_stop();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    return source.get_token();
}

StderrProgress::StderrProgress(bool quiet) : m_quiet(quiet), m_tty(::isatty(2) == 1) {}

StderrProgress::~StderrProgress() {
    if (m_lineOpen) std::fputc('\n', stderr);
}

void StderrProgress::progress(const Progress& p) {
    if (m_quiet) return;
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.total > 0 && p.done >= p.total;
    if (!last && now - m_last < std::chrono::milliseconds(m_tty ? 100 : 1000)) return;
    m_last = now;
    if (m_tty) {
        std::fprintf(stderr, "\r\033[K[%s] %s", p.stage.c_str(), p.detail.c_str());
        m_lineOpen = !last;
        if (last) std::fputc('\n', stderr);
    } else {
        std::fprintf(stderr, "[%s] %s\n", p.stage.c_str(), p.detail.c_str());
    }
    std::fflush(stderr);
}

void StderrProgress::warning(const std::string& message) {
    if (m_lineOpen) std::fputc('\n', stderr);
    m_lineOpen = false;
    printWarning(message);
}

} // namespace netsurf::cli

namespace netsurf::cli {

nlohmann::json metricsJson(const Metrics& metrics) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : metrics)
        j[k] = v;
    return j;
}

std::string metricsText(const Metrics& metrics) {
    std::string s;
    char buf[64];
    for (const auto& [k, v] : metrics) {
        std::snprintf(buf, sizeof buf, "%s%s %.4f", s.empty() ? "" : "  ", k.c_str(), v);
        s += buf;
    }
    return s;
}

} // namespace netsurf::cli
