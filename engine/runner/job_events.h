#pragma once
// What a running job graph tells its subscribers (the CLI's progress display, the GUI's job
// controller): events tagged with the job id — state changes, progress, and typed partial
// results as they are produced (each batch of sweep rows, numbered and lossless; each training
// epoch; each finished ranking). Engine values only: no Qt, no threads of the subscriber.
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "engine/inject/sweep_results.h"
#include "engine/train/trainer.h"

namespace netsurf {

enum class JobKind { Train, Rank, Inject, Compare, Profile };
const char* toString(JobKind kind); // "train", "rank", "inject", "compare", "profile"

// pending → running → done | failed | cancelled; pending → skipped when a dependency did not
// finish (failed, cancelled or skipped itself).
enum class JobStatus { Pending, Running, Done, Failed, Cancelled, Skipped };
const char* toString(JobStatus status); // "pending", …, "skipped"
bool isFinal(JobStatus status);         // done, failed, cancelled or skipped

struct JobStateChanged {
    JobStatus status = JobStatus::Pending;
    std::string error;  // failed: the engine's one-sentence message; skipped: which dependency
    double seconds = 0; // final states: wall time of the run (0 when it never ran)
    bool reusedFiles = false; // done: the result was already in the workspace
};

// Progress of one job and of the whole graph. Coalesced: a subscriber that is slower than the
// job sees fewer of these, never a stale one after a newer one.
struct JobProgress {
    std::string stage; // engine stage ("train", "oracle", "inject", …)
    std::int64_t done = 0, total = 0;
    std::string detail;       // engine's short text ("epoch 3/40 loss 0.41")
    double jobFraction = 0;   // 0..1 of this job
    double graphFraction = 0; // 0..1 of the estimated work of the whole graph
    double etaSeconds = -1;   // of the graph; −1 while unknown
};

// A batch of rows as appended to results.csv (the rows in the file, in file order). `batch`
// counts 0, 1, 2, … per job: a gap means lost rows, which the queue never produces — it sends
// JobResync instead.
struct SweepRowsProduced {
    std::uint64_t batch = 0;
    std::filesystem::path resultsPath;
    std::vector<SweepRow> rows;
};

struct EpochFinished {
    EpochRecord record;
    int epochs = 0; // configured
};

struct RankingFinished {
    std::string method, order, rankingId;
    std::filesystem::path path;
    std::size_t bits = 0;
    double seconds = 0;
    bool reused = false;
};

// Engine warnings and notes of a job (the log panel; the CLI prints them).
struct JobMessage {
    std::string text;
    bool warning = true;
};

// The subscriber fell behind and lossless events were dropped: reload this job's results from
// its files (jobId empty: every job). Sent once, before anything newer.
struct JobResync {
    std::string reason;
};

using JobEventData = std::variant<JobStateChanged, JobProgress, SweepRowsProduced, EpochFinished,
                                  RankingFinished, JobMessage, JobResync>;

struct JobEvent {
    std::string jobId;
    JobEventData data;
};

} // namespace netsurf
