#include "engine/jobs/rank_quality_job.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "engine/core/file_io.h"
#include "engine/storage/ranking_file.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> rankingFiles(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().extension() == ".csv") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

// The oracle (global order) for a population: loaded or computed through the rank job, which
// also hands back the model and its checksum.
Result<RankOutcome> oracleFor(Population pop, const RankQualityRequest& req, ProgressSink& sink,
                              std::stop_token stop) {
    RankRequest r;
    r.model = req.model;
    r.methods = {RankMethod::Oracle};
    r.order = RankOrder::Global;
    r.population = pop;
    r.seed = req.seed;
    r.samples = req.samples;
    r.threads = req.threads;
    r.data = req.data;
    return runRankJob(r, sink, stop);
}

std::string qualityCsv(const RankQualityOutcome& o) {
    std::string s = "method,order,population,id,bits";
    for (double f : defaultQualityFractions()) {
        char b[32];
        std::snprintf(b, sizeof b, ",precision_at_%g", f * 100);
        s += b;
    }
    s += ",kendall_tau_b,spearman,file\n";
    char buf[64];
    for (const auto& r : o.rows) {
        s += r.method + "," + r.order + "," + r.population + "," + r.id + "," +
             std::to_string(r.quality.bits);
        for (const auto& p : r.quality.precision) {
            std::snprintf(buf, sizeof buf, ",%.6f", p.precision);
            s += buf;
        }
        std::snprintf(buf, sizeof buf, ",%.6f,%.6f", r.quality.kendallTau, r.quality.spearman);
        s += buf;
        s += "," + r.path.filename().string() + "\n";
    }
    return s;
}

} // namespace

Result<RankQualityOutcome> runRankQualityJob(const RankQualityRequest& req, ProgressSink& sink,
                                             std::stop_token stop) {
    RankQualityOutcome out;
    std::map<Population, RankedFile> oracles;
    // The oracle of `all` always; the one of `nonzero` when such a ranking is present.
    auto all = oracleFor(Population::All, req, sink, stop);
    if (!all) return all.error();
    oracles.emplace(Population::All, std::move(all->rankings.front()));
    out.oracles.push_back(oracles.at(Population::All).path);
    const ModelFile* file = &all->file;
    const std::string* checksum = &all->modelChecksum;
    const fs::path modelPath = all->modelPath;
    for (const fs::path& path : rankingFiles(rankingsDirectory(modelPath.parent_path()))) {
        auto r = loadRankingFile(path, file->model, *checksum);
        if (!r) {
            out.skipped.push_back(r.error().message);
            sink.warning("skipped: " + r.error().message);
            continue;
        }
        if (!oracles.count(r->config.population)) {
            auto o = oracleFor(r->config.population, req, sink, stop);
            if (!o) return o.error();
            out.oracles.push_back(o->rankings.front().path);
            oracles.emplace(r->config.population, std::move(o->rankings.front()));
        }
        const Ranking& ref = oracles.at(r->config.population).ranking;
        const int m = r->population.bitsPerParam;
        auto q = rankQuality(bitOrder(r->rows, m), bitOrder(ref.rows, m));
        if (!q) return Error::data(path.string() + ": " + q.error().message);
        out.rows.push_back({path, toString(r->config.method), toString(effectiveOrder(r->config)),
                            toString(r->config.population), r->id, std::move(*q)});
    }
    out.csvPath = modelPath.parent_path() / "ranking_quality.csv";
    if (auto st = atomicWriteFile(out.csvPath, qualityCsv(out)); !st) return st.error();
    return out;
}

} // namespace netsurf
