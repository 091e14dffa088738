// netsurf-cli jobs: the jobs of a workspace from its job database, and the progress of a running
// batch (from its heartbeat); --rebuild makes the database anew from the workspace's files.
#include <cstdio>

#include "app/cli/cli_args.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/core/file_lock.h"
#include "engine/runner/job_database.h"
#include "engine/storage/workspace.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli jobs [--workspace DIR] [--json] [--rebuild]\n"
    "Lists the jobs recorded in <workspace>/netsurf-jobs.sqlite (id, kind, status, seconds,\n"
    "error) and the state of the latest batch, with its heartbeat when it is running. With\n"
    "--json: {\"jobs\": [{\"id\", \"kind\", \"status\", \"depends_on\", \"seconds\", \"error\"} "
    "...],\n"
    "\"batch\": {...}}. --rebuild replaces the database by one made from the workspace's files\n"
    "(refused while a batch runs on the workspace).\n";

nlohmann::json batchJson(const BatchRow& b) {
    return {{"id", b.id},
            {"status", b.status},
            {"pid", b.pid},
            {"host", b.host},
            {"started", b.started},
            {"heartbeat", b.heartbeat},
            {"finished", b.finished},
            {"jobs", b.jobs},
            {"finished_jobs", b.finishedJobs},
            {"failed_jobs", b.failedJobs},
            {"fraction", b.fraction},
            {"eta_seconds", b.etaSeconds}};
}

int rebuild(const std::filesystem::path& ws, bool json) {
    auto lock = FileLock::acquire(ws / "batch.lock", "workspace " + ws.string() + " (a batch run)");
    if (!lock) return reportError(lock.error());
    auto n = rebuildJobDatabase(ws);
    if (!n) return reportError(n.error());
    if (json)
        printJson({{"database", JobDatabase::pathFor(ws).string()}, {"jobs", *n}});
    else
        std::printf("rebuilt %s from the workspace's files: %zu finished jobs found\n",
                    JobDatabase::pathFor(ws).c_str(), *n);
    return 0;
}

void printTable(const std::vector<JobRow>& jobs, const std::optional<BatchRow>& batch) {
    for (const JobRow& j : jobs)
        std::printf("%-9s %-8s %8.1fs  %s%s%s\n", j.status.c_str(), j.kind.c_str(), j.seconds,
                    j.id.c_str(), j.error.empty() ? "" : ": ", j.error.c_str());
    if (!batch) return;
    std::printf("\nbatch %s: %s (pid %lld on %s), %lld/%lld jobs finished (%lld failed), %.1f %% "
                "of the work, last heartbeat %s\n",
                batch->id.c_str(), batch->status.c_str(), static_cast<long long>(batch->pid),
                batch->host.c_str(), static_cast<long long>(batch->finishedJobs),
                static_cast<long long>(batch->jobs), static_cast<long long>(batch->failedJobs),
                100 * batch->fraction, batch->heartbeat.c_str());
}

} // namespace

int cmdJobs(const Args& raw) {
    auto args =
        CliArgs::parse(raw, {.valued = {"workspace"}, .flags = {"json", "rebuild", "help"}});
    if (!args) return reportError(args.error());
    if (args->flag("help")) {
        std::printf("%s", kHelp);
        return 0;
    }
    if (!args->positional().empty())
        return reportError(Error::usage("jobs takes no positional argument"));
    const std::filesystem::path ws = args->value("workspace")
                                         ? std::filesystem::path(*args->value("workspace"))
                                         : defaultWorkspaceDir();
    if (args->flag("rebuild")) return rebuild(ws, args->flag("json"));
    auto db = JobDatabase::open(ws, true);
    if (!db) return reportError(db.error());
    auto jobs = (*db)->jobs();
    if (!jobs) return reportError(jobs.error());
    auto batch = (*db)->latestBatch();
    if (!batch) return reportError(batch.error());
    if (!args->flag("json")) {
        printTable(*jobs, *batch);
        return 0;
    }
    nlohmann::json list = nlohmann::json::array();
    for (const JobRow& j : *jobs)
        list.push_back({{"id", j.id},
                        {"kind", j.kind},
                        {"status", j.status},
                        {"depends_on", j.dependsOn},
                        {"seconds", j.seconds},
                        {"error", j.error.empty() ? nlohmann::json() : nlohmann::json(j.error)}});
    printJson({{"jobs", list}, {"batch", *batch ? batchJson(**batch) : nlohmann::json()}});
    return 0;
}

} // namespace netsurf::cli
