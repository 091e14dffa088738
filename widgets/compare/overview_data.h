#pragma once
// What the sweep overview shows, computed off the GUI thread (plain C++, no Qt): for every model
// of a workspace that has experiments, the engine's comparison (computeComparison, no file
// written, no ranking file read) reduced to the VUS of each ranker per metric and the cell means
// of its grid. A model with several groups of experiments (splits, modes, populations) shows the
// group with the most rankers (the first of those in the engine's key order).
#include <atomic>
#include <filesystem>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "engine/compare/compare_job.h"

namespace netsurf::widgets {

struct OverviewRanker {
    std::string label, method, order;
    std::vector<Estimate> vus;                  // per metric
    std::vector<std::vector<double>> cellMeans; // per metric: the mean of every grid cell
};

struct OverviewModel {
    ModelSelector model;
    std::string group; // describe() of the group shown
    std::string benchmark;
    std::vector<std::string> metrics;     // "loss", the task's metrics, "mismatch_rate"
    std::vector<std::string> metricNames; // the task's metrics
    std::vector<OverviewRanker> rankers;
};

struct OverviewData {
    std::filesystem::path workspace;
    std::vector<OverviewModel> models; // in (benchmark, scheme, pruning) order
    std::vector<std::string> warnings; // models that could not be compared, and why
    std::thread::id computedOn;        // the thread that computed it (the tests assert it)
};

// The model directories <benchmark>/<scheme dir>/<pruning dir> of a workspace with an
// experiments directory, as selectors (benchmark, scheme, pruning order).
std::vector<ModelSelector> modelsWithExperiments(const std::filesystem::path& workspace);

// Compares every model of modelsWithExperiments, counting the models done in `done`.
// Cancelled when the stop token fires.
Result<OverviewData> loadOverviewData(const std::filesystem::path& workspace,
                                      std::atomic<int>& done, std::stop_token stop);

// The group a model's overview shows: the one with the most rankers (the first of those).
std::size_t shownGroupIndex(const CompareOutcome& outcome);
// What the overview keeps of a model's comparison (its shown group; outcome has ≥ 1 group).
OverviewModel overviewModelOf(const ModelSelector& model, const CompareOutcome& outcome);

// Sort key of a ranker in every overview plot: the methods in the engine's order (random …
// oracle), plane before global.
std::pair<int, int> rankerOrderKey(const std::string& method, const std::string& order);

} // namespace netsurf::widgets
