#include "app/core/experiments.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/inject/results_store.h"

namespace netsurf::app {

std::string ExperimentInfo::jobKey() const {
    return method + "-" + order + "-s" + std::to_string(seed) + "/" + mode + "-" + evalSplit;
}

std::string ExperimentInfo::label() const {
    return method + " (" + order + ") · " + mode + " · " + evalSplit;
}

std::vector<ExperimentInfo> listExperiments(const std::filesystem::path& modelDir) {
    std::vector<ExperimentInfo> out;
    for (const std::filesystem::path& file : findResultsFiles(modelDir)) {
        std::ifstream in(file);
        std::string line;
        if (!std::getline(in, line) || line.rfind("# ", 0) != 0) continue;
        const auto h = nlohmann::json::parse(line.substr(2), nullptr, false);
        if (!h.is_object() || h.value("version", 0) != 2) continue;
        ExperimentInfo e{file,
                         h.value("method", ""),
                         h.value("order", ""),
                         h.value("mode", ""),
                         h.value("eval_split", ""),
                         h.value("seed", std::uint64_t(0))};
        for (std::string l; std::getline(in, l);)
            e.rows += !l.empty();
        e.rows = e.rows > 0 ? e.rows - 1 : 0; // the column line
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace netsurf::app
