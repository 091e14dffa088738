#pragma once
// A batch run of a workspace: the job graph of a BatchConfig run by a JobRunner, with the job
// database kept up to date (states, timings, errors, a heartbeat every two seconds).
//
// A running batch owns its workspace: it holds <workspace>/batch.lock (flock, released by the
// kernel however the process ends), and a second batch on the same workspace is refused with the
// holder's PID. Rerunning the same batch after kill -9, a reboot or a full disk continues where
// it stopped: every job reuses what its files already hold (nothing finished is recomputed,
// sweep rows are appended only once), and the database is reconciled first.
#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/core/file_lock.h"
#include "engine/runner/batch_jobs.h"
#include "engine/runner/job_database.h"

namespace netsurf {

struct BatchSessionOptions {
    std::filesystem::path workspace; // empty: defaultWorkspaceDir()
    DatasetOptions data;
    RunnerOptions runner;
};

// A job of the plan as the workspace stands: "done" (its result is there), "partial" (a sweep
// with rows) or "missing", and what is left of its estimated time.
struct PlannedJob {
    const JobSpec* spec = nullptr;
    std::string present;
    double remainingSeconds = 0;
};
std::vector<PlannedJob> planBatch(const std::vector<JobSpec>& jobs);

class BatchSession {
public:
    static Result<std::unique_ptr<BatchSession>> open(const BatchConfig& config,
                                                      const BatchSessionOptions& options);
    ~BatchSession();

    JobRunner& runner() { return *m_runner; }
    const JobRunner& runner() const { return *m_runner; }
    const std::string& batchId() const { return m_batchId; }
    const std::filesystem::path& workspace() const { return m_workspace; }
    // Notes from opening (e.g. jobs of an interrupted batch found running).
    const std::vector<std::string>& notes() const { return m_notes; }

    // Runs the graph (blocking); the database follows on a recorder thread. An error only when
    // the database cannot be written (the run is then cancelled); job failures are in the
    // summary and the database.
    Result<RunSummary> run(std::stop_token stop = {});

private:
    BatchSession() = default;
    std::optional<FileLock> m_lock;
    std::unique_ptr<JobDatabase> m_db;
    std::unique_ptr<JobRunner> m_runner;
    std::filesystem::path m_workspace;
    std::string m_batchId;
    std::vector<std::string> m_notes;
};

} // namespace netsurf
