#pragma once
// The engine's job runner: a graph of typed jobs with explicit dependencies, run in-process.
//
//   - A job starts when every job it depends on is done. A job that fails, is cancelled or is
//     skipped makes its dependents `skipped` (with the reason); independent jobs go on.
//   - Independent jobs run concurrently within one thread budget: a job is started with a share
//     of the threads no other running job holds (its TBB arena gets exactly that many), so the
//     running jobs never ask for more threads than the budget together.
//   - Per-job and global cancellation through stop tokens; a pending job cancelled never starts.
//   - Whatever a job throws is caught at the job boundary and becomes that job's error.
//   - Subscribers (EventQueue) get every state change, coalesced progress (job and graph
//     fraction, ETA from the jobs' estimated cost) and the typed partial results the jobs emit.
// Jobs are idempotent: a job whose result is already in the workspace finishes at once (the
// engine's train / rank / inject reuse what exists), so rerunning a graph after a crash only
// does what is missing.
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/runner/event_queue.h"

namespace netsurf {

struct JobContext {
    std::string jobId;
    int threads = 1;      // the job's share of the runner's budget (pass it to the engine)
    std::stop_token stop; // this job's cancellation (also set by a global cancel)
    ProgressSink* progress = nullptr; // → JobProgress / JobMessage events
    std::function<void(JobEventData)> publish = [](JobEventData) {}; // typed partial results
};

struct JobOutcome {
    bool reusedFiles = false; // the result was already in the workspace
};

using JobFunction = std::function<Result<JobOutcome>(JobContext&)>;

struct JobSpec {
    std::string id;
    JobKind kind = JobKind::Train;
    std::vector<std::string> dependsOn;
    nlohmann::json params = nlohmann::json::object(); // what the job computes (database, dry run)
    double estimatedSeconds = 1;                      // weight in the graph's progress and ETA
    JobFunction run;
};

// Ids non-empty and unique, dependencies present, no cycle; a usage error naming the job.
Status validateJobGraph(const std::vector<JobSpec>& jobs);

struct RunnerOptions {
    int threads = 0;           // the whole budget (0 = all hardware threads)
    int maxConcurrentJobs = 4; // at most this many jobs at once (each gets ≥ 1 thread)
};

struct JobState {
    std::string id;
    JobKind kind = JobKind::Train;
    JobStatus status = JobStatus::Pending;
    std::vector<std::string> dependsOn;
    std::string error;
    double seconds = 0;
    bool reusedFiles = false;
};

struct RunSummary {
    std::size_t done = 0, reused = 0, failed = 0, cancelled = 0, skipped = 0;
    double seconds = 0;
    bool complete() const { return failed == 0 && cancelled == 0 && skipped == 0; }
};

class JobRunner {
public:
    // `jobs` must pass validateJobGraph.
    explicit JobRunner(std::vector<JobSpec> jobs, RunnerOptions options = {});
    ~JobRunner();
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    // Subscribe before run() (not while it runs); events of the run go to every queue.
    std::shared_ptr<EventQueue> subscribe(std::size_t capacity = 20000,
                                          std::function<void()> wake = {});

    // Runs the graph to the end on worker threads and returns when every job is final; `stop`
    // cancels everything (like cancelAll).
    RunSummary run(std::stop_token stop = {});
    void cancel(const std::string& jobId); // any thread; unknown ids are ignored
    void cancelAll();                      // any thread

    std::vector<JobState> states() const; // a consistent snapshot
    const std::vector<JobSpec>& jobs() const { return m_specs; }
    int threadBudget() const { return m_budget; }

private:
    struct Impl;
    std::vector<JobSpec> m_specs;
    RunnerOptions m_options;
    int m_budget = 1;
    std::unique_ptr<Impl> m_impl;
};

} // namespace netsurf
