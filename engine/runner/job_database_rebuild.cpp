// rebuildJobDatabase: the job database made anew from the workspace's files (the files are the
// source of truth). Job ids follow batch_jobs.h.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"
#include "engine/core/sha256.h"
#include "engine/jobs/profile_job.h"
#include "engine/model/benchmarks.h"
#include "engine/runner/job_database.h"

namespace netsurf {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<fs::path> sortedEntries(const fs::path& dir, bool directories) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (directories ? e.is_directory() : e.is_regular_file()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string str(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string rankKey(const json& h) {
    return str(h, "method") + "-" + str(h, "order") + "-s" +
           std::to_string(h.value("seed", std::uint64_t(0)));
}

// profile_post.json when both profile files are current for the model.json beside them (any
// number of rows: the config that asked for them is not known here), else null.
json currentProfile(const fs::path& dir) {
    auto sum = sha256File(dir / "model.json");
    if (!sum || !profileFilesCurrent(dir, *sum, std::nullopt)) return nullptr;
    auto text = readFile(dir / "profile_post.json");
    return text ? json::parse(*text, nullptr, false) : json();
}

// The jobs of one model directory <benchmark>/<scheme dir>/<pruning dir>.
void scanModel(const fs::path& dir, const std::string& key, std::vector<JobRow>& rows) {
    const std::string trainId = "train:" + key;
    const json base = {{"benchmark", dir.parent_path().parent_path().filename().string()},
                       {"scheme_dir", dir.parent_path().filename().string()},
                       {"pruning_dir", dir.filename().string()}};
    if (fs::exists(dir / "model.json")) rows.push_back({trainId, "train", "done", {}, base.dump()});
    if (const json p = currentProfile(dir); !p.is_null()) {
        json params = base;
        params["samples"] = p.value("samples_requested", std::size_t(0));
        rows.push_back({"profile:" + key, "profile", "done", {trainId}, params.dump(), "", "", 0,
                        "", str(p, "engine_version")});
    }
    for (const fs::path& f : sortedEntries(dir / "rankings", false)) {
        const json h = readJsonHeader(f);
        if (f.extension() != ".csv" || str(h, "format") != "netsurf-ranking") continue;
        rows.push_back({"rank:" + key + "/" + rankKey(h),
                        "rank",
                        "done",
                        {trainId},
                        base.dump(),
                        "",
                        str(h, "date"),
                        0,
                        "",
                        str(h, "netsurf_version")});
    }
    std::vector<std::string> injects;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir / "experiments", ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->path().filename() != "results.csv") continue;
        const json h = readJsonHeader(it->path());
        if (str(h, "format") != "netsurf-results") continue;
        const std::string id =
            "inject:" + key + "/" + rankKey(h) + "/" + str(h, "mode") + "-" + str(h, "eval_split");
        if (std::any_of(rows.begin(), rows.end(), [&](const JobRow& r) { return r.id == id; }))
            continue;
        injects.push_back(id);
        rows.push_back({id,
                        "inject",
                        "done",
                        {"rank:" + key + "/" + rankKey(h)},
                        base.dump(),
                        "",
                        str(h, "date"),
                        0,
                        "",
                        str(h, "netsurf_version")});
    }
    if (fs::exists(dir / "comparison.csv"))
        rows.push_back({"compare:" + key, "compare", "done", injects, base.dump()});
}

} // namespace

Result<std::size_t> rebuildJobDatabase(const fs::path& workspace) {
    const fs::path path = JobDatabase::pathFor(workspace);
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::error_code ec;
        fs::remove(path.string() + suffix, ec);
        if (ec) return Error::data("cannot remove " + path.string() + suffix + ": " + ec.message());
    }
    auto db = JobDatabase::open(workspace);
    if (!db) return db.error();
    std::vector<JobRow> rows;
    for (const std::string& bench : benchmarkNames())
        for (const fs::path& scheme : sortedEntries(workspace / bench, true))
            for (const fs::path& prune : sortedEntries(scheme, true))
                scanModel(prune,
                          bench + "/" + scheme.filename().string() + "/" +
                              prune.filename().string(),
                          rows);
    if (auto st = (*db)->insertFound(rows); !st) return st.error();
    return rows.size();
}

} // namespace netsurf
