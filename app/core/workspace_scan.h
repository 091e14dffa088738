#pragma once
// What a workspace holds, read from its files for the workspace tree: models, their rankings and
// the experiments of each ranking with their coverage. Plain C++ (the tree model wraps it).
//
// Coverage of an experiment = its rows / the repetitions its grid needs: exhaustive Σ ⌈S/F⌉ over
// the cells (S susceptible bits, F flips per repetition, SPEC §4), Monte-Carlo K per cell. The
// grid is the one its batch inject job asked for when the job database knows it, else the cells
// present in the file.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/quant/quant_scheme.h"

namespace netsurf::app {

struct ScannedExperiment {
    std::string key; // "<mode>-<split>" (the end of its inject job id)
    std::string mode, split;
    std::filesystem::path path;
    std::size_t rows = 0;
    double coverage = 0; // 0..1
    bool operator==(const ScannedExperiment&) const = default;
};

struct ScannedRanking {
    std::string key; // "<method>-<order>-s<seed>"
    std::string method, order;
    std::uint64_t seed = 0;
    std::filesystem::path path; // empty when only its experiments exist
    std::size_t bits = 0;
    std::vector<ScannedExperiment> experiments;
    bool operator==(const ScannedRanking&) const = default;
};

struct ScannedModel {
    std::string benchmark, schemeDir, pruningDir; // directory names
    QuantScheme scheme;
    double pruning = 0;
    std::filesystem::path dir;
    bool trained = false;
    std::vector<ScannedRanking> rankings;
    std::string key() const { return benchmark + "/" + schemeDir + "/" + pruningDir; }
    bool operator==(const ScannedModel&) const = default;
};

// Inject job id → its parameters (from the job database, when there is one).
using JobParams = std::map<std::string, nlohmann::json>;
JobParams readJobParams(const std::filesystem::path& workspace);

// Every model directory <workspace>/<benchmark>/<q…>/<prune_…> (benchmarks in engine order,
// schemes and prunings sorted).
std::vector<ScannedModel> scanWorkspace(const std::filesystem::path& workspace,
                                        const JobParams& params);
ScannedModel scanModel(const std::filesystem::path& workspace, const std::string& benchmark,
                       const std::string& schemeDir, const std::string& pruningDir,
                       const JobParams& params);

} // namespace netsurf::app
