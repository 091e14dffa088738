// netsurf-cli batch: the seed notebook's sweep (or a JSON config's) through the job runner,
// resumable after kill -9; --dry-run lists the jobs and estimates the time.
#include <atomic>
#include <cstdio>
#include <thread>
#include <unistd.h>

#include "app/cli/batch_reports.h"
#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/core/file_io.h"
#include "engine/runner/batch_session.h"
#include "engine/storage/workspace.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli batch [--config sweep.json] [--workspace DIR] [--dry-run] [--threads T]\n"
    "                         [--data-dir DIR] [--smartpixel-dir DIR] [--no-report] [--quiet]\n"
    "                         [--json]\n"
    "Runs a whole sweep as a graph of jobs (train → profile, rank → inject → compare per model)\n"
    "on the workspace, recording them in <workspace>/netsurf-jobs.sqlite. Without --config: the\n"
    "seed notebook's sweep (4 benchmarks x q<6,2,1>, q<6,0,1>, q<6,0,0>, q<16,1,1> x pruning 0,\n"
    "0.125, 0.25 x 10 methods incl. oracle x BER 0.001..0.15 x protection 0.01..0.4). A JSON\n"
    "config overrides any of: benchmarks, quantizations, prunings, methods, orders (default\n"
    "[\"plane\"]), ber, protection, mode, reps, eval_split (default test), epochs, seed,\n"
    "profile (false, or {\"samples\": N}; default every training row).\n"
    "Run the same command again after an interruption (Ctrl-C, kill -9, a reboot, a full disk):\n"
    "nothing finished is recomputed. One batch per workspace at a time.\n"
    "--dry-run lists the jobs, what the workspace already holds, and a rough time estimate.\n"
    "As each (scheme, pruning) group ends, its HTML report is written to\n"
    "<workspace>/reports/<scheme dir>_prune_<P>.html (netsurf-cli report); --no-report skips it.\n";

std::string duration(double s) {
    if (s < 0) return "?";
    char buf[32];
    if (s < 60)
        std::snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
    else
        std::snprintf(buf, sizeof buf, "%dh%02dm", int(s) / 3600, int(s) % 3600 / 60);
    return buf;
}

Result<BatchConfig> loadConfig(const CliArgs& args) {
    const auto path = args.value("config");
    if (!path) return seedSweepConfig();
    auto text = readFile(*path);
    if (!text) return text.error();
    return parseBatchConfig(*text, *path);
}

int dryRun(const std::vector<JobSpec>& jobs, int threads, bool json) {
    const std::vector<PlannedJob> plan = planBatch(jobs);
    double remaining = 0;
    std::size_t done = 0, partial = 0;
    nlohmann::json list = nlohmann::json::array();
    for (const PlannedJob& p : plan) {
        remaining += p.remainingSeconds;
        done += p.present == "done";
        partial += p.present == "partial";
        list.push_back({{"id", p.spec->id},
                        {"kind", toString(p.spec->kind)},
                        {"depends_on", p.spec->dependsOn},
                        {"present", p.present},
                        {"estimated_seconds", p.spec->estimatedSeconds},
                        {"remaining_seconds", p.remainingSeconds}});
        if (!json)
            std::printf("%-8s %-8s %8s  %s\n", p.present.c_str(), toString(p.spec->kind),
                        duration(p.remainingSeconds).c_str(), p.spec->id.c_str());
    }
    if (json) {
        printJson({{"jobs", list}, {"estimated_seconds", remaining}, {"threads", threads}});
        return 0;
    }
    std::printf("\n%zu jobs: %zu already done, %zu partly; the rest takes roughly %s on %d "
                "threads (an estimate from measured speeds, within a factor of a few)\n",
                plan.size(), done, partial, duration(remaining).c_str(), threads);
    return 0;
}

// Progress display of a running batch: job results as lines, one status line (rewritten on a
// terminal, every 30 s otherwise).
class BatchDisplay {
public:
    BatchDisplay(const JobRunner& runner, bool quiet)
        : m_total(runner.jobs().size()), m_quiet(quiet), m_tty(::isatty(2) == 1) {}
    void show(const std::vector<JobEvent>& events);
    void finish();

private:
    void statusLine(bool force);
    std::size_t m_total, m_finished = 0, m_failed = 0;
    bool m_quiet, m_tty, m_lineOpen = false;
    JobProgress m_last;
    std::string m_current;
    std::chrono::steady_clock::time_point m_printed{};
};

void BatchDisplay::show(const std::vector<JobEvent>& events) {
    for (const JobEvent& e : events) {
        if (const auto* p = std::get_if<JobProgress>(&e.data)) {
            m_last = *p;
            m_current = e.jobId;
        } else if (const auto* s = std::get_if<JobStateChanged>(&e.data)) {
            if (!isFinal(s->status)) continue;
            ++m_finished;
            m_failed += s->status == JobStatus::Failed;
            if (m_quiet && s->status != JobStatus::Failed) continue;
            if (m_lineOpen) std::fputc('\n', stderr), m_lineOpen = false;
            std::fprintf(stderr, "[batch] %-9s %s%s%s\n", toString(s->status), e.jobId.c_str(),
                         s->reusedFiles ? " (in the workspace)" : "",
                         s->error.empty() ? "" : (": " + s->error).c_str());
        } else if (const auto* m = std::get_if<JobMessage>(&e.data)) {
            if (m_lineOpen) std::fputc('\n', stderr), m_lineOpen = false;
            std::fprintf(stderr, "netsurf-cli: warning: %s: %s\n", e.jobId.c_str(),
                         m->text.c_str());
        }
    }
    statusLine(false);
}

void BatchDisplay::statusLine(bool force) {
    if (m_quiet) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - m_printed < std::chrono::seconds(m_tty ? 1 : 30)) return;
    m_printed = now;
    char buf[512];
    std::snprintf(
        buf, sizeof buf, "[batch] %zu/%zu jobs finished%s, %.1f %% of the work, ETA %s%s%s",
        m_finished, m_total, m_failed ? (" (" + std::to_string(m_failed) + " failed)").c_str() : "",
        100 * m_last.graphFraction, duration(m_last.etaSeconds).c_str(),
        m_current.empty() ? "" : " | ",
        m_current.empty() ? "" : (m_current + " " + m_last.detail).substr(0, 110).c_str());
    if (m_tty) {
        std::fprintf(stderr, "\r\033[K%s", buf);
        m_lineOpen = true;
    } else {
        std::fprintf(stderr, "%s\n", buf);
    }
    std::fflush(stderr);
}

void BatchDisplay::finish() {
    if (m_lineOpen) std::fputc('\n', stderr);
    m_lineOpen = false;
}

nlohmann::json summaryJson(const BatchSession& s, const RunSummary& r,
                           const std::vector<std::string>& reports) {
    nlohmann::json failures = nlohmann::json::array();
    for (const JobState& j : s.runner().states())
        if (j.status == JobStatus::Failed) failures.push_back({{"id", j.id}, {"error", j.error}});
    return {{"batch", s.batchId()},
            {"workspace", s.workspace().string()},
            {"jobs", r.done + r.failed + r.cancelled + r.skipped},
            {"done", r.done},
            {"reused", r.reused},
            {"failed", r.failed},
            {"cancelled", r.cancelled},
            {"skipped", r.skipped},
            {"seconds", r.seconds},
            {"failures", failures},
            {"reports", reports}};
}

void printSummary(const BatchSession& s, const RunSummary& r,
                  const std::vector<std::string>& reports) {
    std::printf("batch      %s on %s\n", s.batchId().c_str(), s.workspace().string().c_str());
    std::printf("jobs       %zu done (%zu already in the workspace), %zu failed, %zu cancelled, "
                "%zu skipped after a failure, %s\n",
                r.done, r.reused, r.failed, r.cancelled, r.skipped, duration(r.seconds).c_str());
    for (const JobState& j : s.runner().states())
        if (j.status == JobStatus::Failed) std::printf("failed     %s: %s\n", j.id.c_str(), j.error.c_str());
    for (const std::string& path : reports)
        std::printf("report     %s\n", path.c_str());
    if (!r.complete())
        std::printf("rerun the same command to retry what did not finish; finished work is kept\n");
}

int runBatch(BatchSession& session, const CliArgs& args, const BatchConfig& config,
             const DatasetOptions& data) {
    for (const std::string& n : session.notes())
        printWarning(n);
    BatchDisplay display(session.runner(), args.flag("quiet"));
    GroupReports reports(config, session.runner(), session.workspace(), data,
                         !args.flag("no-report"), args.flag("quiet"));
    auto queue = session.runner().subscribe(100000);
    std::optional<Result<RunSummary>> result;
    std::atomic<bool> finished = false;
    std::jthread worker([&] {
        result.emplace(session.run(installInterruptHandler()));
        finished = true;
    });
    const auto show = [&] {
        const std::vector<JobEvent> events = queue->drain();
        display.show(events);
        reports.update(session.runner().states());
    };
    while (!finished) {
        queue->waitFor(std::chrono::milliseconds(200));
        show();
    }
    worker.join();
    show();
    display.finish();
    if (!*result) return reportError(result->error());
    const RunSummary& r = **result;
    if (r.cancelled == 0) reports.finish();
    if (args.flag("json"))
        printJson(summaryJson(session, r, reports.written()));
    else
        printSummary(session, r, reports.written());
    if (r.cancelled > 0) return 130;
    return r.complete() ? 0 : 1;
}

} // namespace

int cmdBatch(const Args& raw) {
    auto args = CliArgs::parse(
        raw, {.valued = {"config", "workspace", "threads", "data-dir", "smartpixel-dir"},
              .flags = {"dry-run", "json", "quiet", "help", "no-report"}});
    if (!args) return reportError(args.error());
    if (args->flag("help")) {
        std::printf("%s", kHelp);
        return 0;
    }
    if (!args->positional().empty())
        return reportError(Error::usage("batch takes no positional argument"));
    auto config = loadConfig(*args);
    if (!config) return reportError(config.error());
    auto threads = parseThreads(*args);
    if (!threads) return reportError(threads.error());
    BatchSessionOptions options{.data = parseDataOptions(*args), .runner = {.threads = *threads}};
    options.workspace = args->value("workspace").value_or(defaultWorkspaceDir().string());
    if (args->flag("dry-run")) {
        const auto jobs = buildBatchJobs(*config, {options.workspace, options.data});
        return dryRun(jobs, JobRunner({}, options.runner).threadBudget(), args->flag("json"));
    }
    auto session = BatchSession::open(*config, options);
    if (!session) return reportError(session.error());
    return runBatch(**session, *args, *config, options.data);
}

} // namespace netsurf::cli
