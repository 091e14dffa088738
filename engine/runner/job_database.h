#pragma once
// The workspace's job database, <workspace>/netsurf-jobs.sqlite (SQLite, WAL journal): the
// jobs with their parameters, dependencies, statuses, timings, errors and the engine version
// that ran them, and the batches with a heartbeat, so that another process (`netsurf-cli jobs`,
// the GUI) can show a running batch's progress.
//
// The files are the source of truth; the database is their index. It is reconciled when a batch
// opens it (jobs left `running` by a process that is gone become `cancelled`, "interrupted") and
// can be rebuilt from the files alone (rebuildJobDatabase). A database of a newer schema is
// refused, a damaged one is reported with the rebuild hint — never silently reset.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/runner/job_runner.h"

namespace netsurf {

inline constexpr int kJobDatabaseSchema = 1;

struct JobRow {
    std::string id, kind, status;
    std::vector<std::string> dependsOn;
    std::string params;            // JSON
    std::string started, finished; // ISO 8601 UTC ("" when not)
    double seconds = 0;
    std::string error;
    std::string engineVersion;
    std::string batch; // id of the batch that last ran it
};

struct BatchRow {
    std::string id, host, status; // status: running, done, failed, cancelled, interrupted
    std::int64_t pid = 0;
    std::string started, heartbeat, finished;
    std::int64_t jobs = 0, finishedJobs = 0, failedJobs = 0;
    double fraction = 0, etaSeconds = -1;
    std::string config; // JSON
};

class JobDatabase {
public:
    static std::filesystem::path pathFor(const std::filesystem::path& workspace);
    // Opens (creating it when missing, unless readOnly) and checks the schema.
    static Result<std::unique_ptr<JobDatabase>> open(const std::filesystem::path& workspace,
                                                     bool readOnly = false);
    ~JobDatabase();
    JobDatabase(const JobDatabase&) = delete;
    JobDatabase& operator=(const JobDatabase&) = delete;

    // Jobs left running by processes that are no longer alive → cancelled ("interrupted"), their
    // batches → interrupted. Returns how many jobs were reconciled.
    Result<std::size_t> reconcile();
    // Inserts or updates the graph's jobs (parameters, dependencies) as pending, keeping the
    // last result of jobs that are not rerun; records the batch as running.
    Status beginBatch(const BatchRow& batch, const std::vector<JobSpec>& jobs);
    Status recordState(const std::string& jobId, const JobStateChanged& state,
                       const std::string& batchId);
    Status heartbeat(const std::string& batchId, std::int64_t finishedJobs, std::int64_t failedJobs,
                     double fraction, double etaSeconds);
    Status endBatch(const std::string& batchId, const std::string& status);

    Result<std::vector<JobRow>> jobs() const;
    Result<std::optional<BatchRow>> latestBatch() const;

    // Inserts finished jobs as found in the workspace's files (rebuildJobDatabase).
    Status insertFound(const std::vector<JobRow>& rows);

private:
    struct Impl;
    explicit JobDatabase(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Replaces the database by one rebuilt from the workspace's files: a model.json is a done train
// job, a ranking file a done rank job, a results.csv a done inject job (its coverage as found), a
// comparison.csv a done compare job, profile files current for the model.json beside them a done
// profile job. Returns the number of jobs found.
Result<std::size_t> rebuildJobDatabase(const std::filesystem::path& workspace);

} // namespace netsurf
