#pragma once
// The experiments (results files) of a model directory as the GUI lists them, and how a running
// batch's inject job is matched to one (its job id ends with the experiment's jobKey()).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace netsurf::app {

struct ExperimentInfo {
    std::filesystem::path resultsPath;
    std::string method, order, mode, evalSplit;
    std::uint64_t seed = 0;
    std::size_t rows = 0; // data lines in the file

    // "<method>-<order>-s<seed>/<mode>-<split>": the end of its batch inject job's id
    // (engine/runner/batch_jobs.h).
    std::string jobKey() const;
    // "qpolargrad (plane) · exhaustive · test"
    std::string label() const;
};

// Format-2 experiments below <model dir>/experiments, in path order (unreadable files skipped).
std::vector<ExperimentInfo> listExperiments(const std::filesystem::path& modelDir);

} // namespace netsurf::app
