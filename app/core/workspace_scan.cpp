#include "app/core/workspace_scan.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <tuple>

#include "engine/core/file_io.h"
#include "engine/inject/results_store.h"
#include "engine/model/benchmarks.h"
#include "engine/runner/job_database.h"

namespace netsurf::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<std::string> subdirs(const fs::path& dir, const std::string& prefix) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_directory() && e.path().filename().string().rfind(prefix, 0) == 0)
            out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// Rows per (protection, BER) of a results file (the first two columns of each data line).
std::map<std::pair<double, double>, std::size_t> cellCounts(const fs::path& file,
                                                            std::size_t& rows) {
    std::map<std::pair<double, double>, std::size_t> out;
    std::ifstream in(file);
    std::string line;
    std::getline(in, line); // header
    std::getline(in, line); // columns
    rows = 0;
    while (std::getline(in, line)) {
        double p = 0, b = 0;
        const char* s = line.data();
        const char* end = s + line.size();
        auto r1 = std::from_chars(s, end, p);
        if (r1.ec != std::errc() || r1.ptr == end) continue;
        auto r2 = std::from_chars(r1.ptr + 1, end, b);
        if (r2.ec != std::errc()) continue;
        ++out[{p, b}];
        ++rows;
    }
    return out;
}

// Repetitions one cell needs (SPEC §4).
double needed(double protection, double ber, std::size_t bits, const std::string& mode, int reps) {
    if (mode == "montecarlo") return reps;
    const double s = double(bits) - std::floor(double(bits) * protection + 1e-9);
    const double f = std::max(1.0, std::nearbyint(s * ber)); // round half to even (default mode)
    return std::ceil(s / f);
}

double coverageOf(const ScannedExperiment& e, std::size_t bits, const json* params,
                  const std::map<std::pair<double, double>, std::size_t>& cells) {
    std::vector<std::pair<double, double>> grid;
    int reps = 0;
    for (const auto& [cell, n] : cells)
        reps = std::max(reps, int(n));
    if (params && params->is_object() && params->contains("ber") &&
        params->contains("protection")) {
        for (double p : (*params)["protection"].get<std::vector<double>>())
            for (double b : (*params)["ber"].get<std::vector<double>>())
                grid.emplace_back(p, b);
        reps = params->value("reps", reps);
    } else {
        for (const auto& [cell, n] : cells)
            grid.push_back(cell);
    }
    double want = 0, have = 0;
    for (const auto& cell : grid) {
        const double need = needed(cell.first, cell.second, bits, e.mode, reps);
        const auto it = cells.find(cell);
        want += need;
        have += it == cells.end() ? 0.0 : std::min(need, double(it->second));
    }
    return want > 0 ? std::clamp(have / want, 0.0, 1.0) : 0.0;
}

ScannedRanking& rankingFor(ScannedModel& m, const std::string& method, const std::string& order,
                           std::uint64_t seed) {
    const std::string key = method + "-" + order + "-s" + std::to_string(seed);
    for (ScannedRanking& r : m.rankings)
        if (r.key == key) return r;
    m.rankings.push_back({key, method, order, seed});
    return m.rankings.back();
}

} // namespace

JobParams readJobParams(const fs::path& workspace) {
    JobParams out;
    if (!fs::exists(JobDatabase::pathFor(workspace))) return out;
    auto db = JobDatabase::open(workspace, true);
    if (!db) return out;
    auto jobs = (*db)->jobs();
    if (!jobs) return out;
    for (const JobRow& j : *jobs)
        if (j.kind == "inject") out[j.id] = json::parse(j.params, nullptr, false);
    return out;
}

ScannedModel scanModel(const fs::path& workspace, const std::string& benchmark,
                       const std::string& schemeDir, const std::string& pruningDir,
                       const JobParams& params) {
    ScannedModel m{benchmark, schemeDir, pruningDir};
    m.dir = workspace / benchmark / schemeDir / pruningDir;
    m.trained = fs::exists(m.dir / "model.json");
    int q[3] = {0, 0, 0};
    if (std::sscanf(schemeDir.c_str(), "q%d_%d_%d", &q[0], &q[1], &q[2]) == 3)
        if (auto s = QuantScheme::make(q[0], q[1], q[2])) m.scheme = *s;
    m.pruning = std::atof(pruningDir.substr(6).c_str());
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(m.dir / "rankings", ec))
        if (e.path().extension() == ".csv") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
        const json h = readJsonHeader(f);
        if (!h.is_object() || h.value("format", "") != "netsurf-ranking") continue;
        ScannedRanking& r =
            rankingFor(m, h.value("method", ""), h.value("order", ""), h.value("seed", 0ULL));
        r.path = f;
        r.bits = h.value("bits", std::size_t(0));
    }
    for (const fs::path& f : findResultsFiles(m.dir)) {
        const json h = readJsonHeader(f);
        if (!h.is_object() || h.value("version", 0) != 2) continue;
        ScannedRanking& r =
            rankingFor(m, h.value("method", ""), h.value("order", ""), h.value("seed", 0ULL));
        ScannedExperiment e{h.value("mode", "") + "-" + h.value("eval_split", ""),
                            h.value("mode", ""), h.value("eval_split", ""), f};
        const auto cells = cellCounts(f, e.rows);
        const auto it = params.find("inject:" + m.key() + "/" + r.key + "/" + e.key);
        e.coverage = coverageOf(e, r.bits, it == params.end() ? nullptr : &it->second, cells);
        r.experiments.push_back(std::move(e));
    }
    return m;
}

std::vector<ScannedModel> scanWorkspace(const fs::path& workspace, const JobParams& params) {
    std::vector<ScannedModel> out;
    for (const std::string& b : benchmarkNames())
        for (const std::string& s : subdirs(workspace / b, "q"))
            for (const std::string& p : subdirs(workspace / b / s, "prune_"))
                out.push_back(scanModel(workspace, b, s, p, params));
    return out;
}

} // namespace netsurf::app
