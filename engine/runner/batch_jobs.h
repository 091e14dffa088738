#pragma once
// The job graph of a batch (batch_config.h): per model (benchmark, scheme, pruning) one train
// job and, after it, a profile job (unless the config turns profiles off); per ranking (method, order — methods that ignore the order rank once) a rank job after
// the train job and an inject job after the rank job; per model a compare job after its inject
// jobs. Nothing trains or ranks as a side effect: the rank job requires the trained model and
// the inject job the ranking. Every job reuses what the workspace already holds, so a graph run
// again after a crash does only the missing work.
//
// Job ids name what a job computes (stable across runs; the job database is keyed by them):
//   train:<benchmark>/<scheme dir>/<pruning dir>
//   rank:<benchmark>/<scheme dir>/<pruning dir>/<method>-<order>-s<seed>
//   inject:<benchmark>/<scheme dir>/<pruning dir>/<method>-<order>-s<seed>/<mode>-<split>
//   compare:<benchmark>/<scheme dir>/<pruning dir>
//   profile:<benchmark>/<scheme dir>/<pruning dir>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/runner/batch_config.h"
#include "engine/runner/job_runner.h"

namespace netsurf {

struct BatchJobsOptions {
    std::filesystem::path workspace; // empty: defaultWorkspaceDir()
    DatasetOptions data;
};

std::vector<JobSpec> buildBatchJobs(const BatchConfig& config, const BatchJobsOptions& options);

// "<benchmark>/<scheme dir>/<pruning dir>", the model part of the job ids above.
std::string modelKey(const std::string& benchmark, const QuantScheme& scheme, double pruning);

// Rough wall time (seconds, on this machine's cores) of each kind of job, from the costs measured
// in docs/benchmarks.md, for progress weights, ETAs and --dry-run; within a factor of a few.
double estimateTrainSeconds(const std::string& benchmark, int epochs);
double estimateRankSeconds(const std::string& benchmark, RankMethod method);
// samples: rows of the training split the profile uses (0 = all).
double estimateProfileSeconds(const std::string& benchmark, std::size_t samples);
double estimateInjectSeconds(const std::string& benchmark, const SweepConfig& sweep,
                             const std::string& evalSplit);

} // namespace netsurf
