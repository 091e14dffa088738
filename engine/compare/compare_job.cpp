#include "engine/compare/compare_job.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "engine/compare/compare_csv.h"
#include "engine/core/file_io.h"
#include "engine/core/message_text.h"
#include "engine/core/number_format.h"
#include "engine/core/parallel.h"
#include "engine/core/sha256.h"
#include "engine/inject/results_store.h"
#include "engine/storage/ranking_file.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

// Empty when the results belong to the selected model directory, else why not.
std::string identityMismatch(const SweepResults& r, const ModelSelector& sel) {
    if (r.benchmark != sel.benchmark) return "benchmark " + r.benchmark;
    if (r.quantization != sel.scheme.str()) return "scheme " + r.quantization;
    if (std::abs(r.pruning - sel.pruning) > 1e-12) return "pruning " + shortestDouble(r.pruning);
    if (r.rows.empty()) return "no rows";
    return {};
}

Result<std::vector<Experiment>> loadExperiments(const fs::path& modelDir, const ModelSelector& sel,
                                                CompareOutcome& out, ProgressSink& sink,
                                                std::stop_token stop) {
    const fs::path dir = modelDir / "experiments";
    const std::vector<fs::path> files = findResultsFiles(modelDir);
    if (files.empty())
        return Error::data("no experiments in " + dir.string() +
                           " (run an injection sweep for this model first)");
    std::vector<Experiment> all;
    std::string firstSkip; // why the first unusable file was skipped (the error when all are)
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (stop.stop_requested()) return Error::cancelled();
        sink.progress({"compare", std::int64_t(i), std::int64_t(files.size()),
                       "reading " + files[i].lexically_relative(dir).parent_path().string()});
        auto r = loadResultsFile(files[i], &out.warnings);
        const std::string why = r ? identityMismatch(*r, sel) : r.error().message;
        if (!why.empty()) {
            out.warnings.push_back(r ? "skipped " + files[i].string() + ": " + why
                                     : "skipped: " + why);
            if (firstSkip.empty()) firstSkip = out.warnings.back();
            continue;
        }
        all.push_back({files[i], std::move(*r)});
    }
    if (all.empty())
        return Error::data("no usable results.csv in " + dir.string() + " (" +
                           std::to_string(files.size()) + " unusable; the first " + firstSkip +
                           ")");
    return all;
}

// The summary metric of each group: the requested one, else the task's default.
Result<std::vector<std::size_t>> primaryMetrics(const std::vector<GroupComparison>& groups,
                                                const std::string& requested,
                                                std::vector<std::string>& warnings) {
    std::vector<std::size_t> out;
    bool found = requested.empty();
    std::set<std::string> available;
    for (const GroupComparison& g : groups) {
        const std::string want =
            requested.empty() ? defaultPrimaryMetric(g.key.metricNames) : requested;
        auto it = std::find(g.metrics.begin(), g.metrics.end(), want);
        if (it == g.metrics.end()) {
            it = std::find(g.metrics.begin(), g.metrics.end(),
                           defaultPrimaryMetric(g.key.metricNames));
            warnings.push_back("metric " + want + " not in " + describe(g.key) + "; using " + *it);
        } else {
            found = true;
        }
        available.insert(g.metrics.begin(), g.metrics.end());
        out.push_back(std::size_t(it - g.metrics.begin()));
    }
    if (!found) {
        std::string names;
        for (const auto& n : available)
            names += (names.empty() ? "" : ", ") + n;
        return Error::usage("unknown metric " + quoteValue(requested) + " (available: " + names +
                            ")");
    }
    return out;
}

// A ranking file name <method>-<order>-<id>.csv.
struct RankingName {
    std::string method, order, id;
    fs::path path;
};

std::vector<RankingName> rankingNames(const fs::path& modelDir) {
    std::vector<RankingName> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(rankingsDirectory(modelDir), ec)) {
        if (!e.is_regular_file() || e.path().extension() != ".csv") continue;
        const std::string stem = e.path().stem().string();
        const auto a = stem.find('-'), b = stem.find('-', a + 1);
        if (a == std::string::npos || b == std::string::npos ||
            stem.find('-', b + 1) != std::string::npos)
            continue;
        out.push_back(
            {stem.substr(0, a), stem.substr(a + 1, b - a - 1), stem.substr(b + 1), e.path()});
    }
    std::sort(out.begin(), out.end(),
              [](const RankingName& x, const RankingName& y) { return x.path < y.path; });
    return out;
}

struct LoadedOrder {
    std::string population, label, id;
    BitOrder order;
};

// Ranking files loaded once each for the current model (failures reported once).
class RankingCache {
public:
    RankingCache(const Model& model, std::string checksum, std::vector<std::string>& warnings)
        : m_model(model), m_checksum(std::move(checksum)), m_warnings(warnings) {}
    const LoadedOrder* get(const fs::path& path) {
        auto it = m_cache.find(path);
        if (it != m_cache.end()) return it->second ? &*it->second : nullptr;
        auto r = loadRankingFile(path, m_model, m_checksum);
        std::optional<LoadedOrder> entry;
        if (!r)
            m_warnings.push_back("ranking overlap: " + r.error().message);
        else
            entry = LoadedOrder{toString(r->config.population),
                                std::string(toString(r->config.method)) + "-" +
                                    toString(effectiveOrder(r->config)),
                                r->id, bitOrder(r->rows, r->population.bitsPerParam)};
        const auto pos = m_cache.emplace(path, std::move(entry)).first;
        return pos->second ? &*pos->second : nullptr;
    }

private:
    const Model& m_model;
    std::string m_checksum;
    std::vector<std::string>& m_warnings;
    std::map<fs::path, std::optional<LoadedOrder>> m_cache;
};

// The rankings compared for one population: ids in label order, and their grid protections.
struct PopulationRankers {
    std::vector<std::pair<std::string, std::string>> rankers; // (label, id)
    std::vector<double> protections;
};

std::map<std::string, PopulationRankers> rankersByPopulation(const CompareOutcome& out,
                                                             const std::string& checksum) {
    std::map<std::string, PopulationRankers> pops;
    std::set<std::string> seen;
    for (const GroupComparison& g : out.groups) {
        if (g.key.modelChecksum != checksum) continue;
        PopulationRankers& p = pops[g.key.population];
        p.protections.insert(p.protections.end(), g.grid.protections.begin(),
                             g.grid.protections.end());
        for (const RankerComparison& r : g.rankers)
            if (seen.insert(r.rankingId).second) p.rankers.emplace_back(r.label, r.rankingId);
    }
    for (auto& [pop, p] : pops)
        std::sort(p.rankers.begin(), p.rankers.end());
    return pops;
}

// The reference of `method` (and `order` unless empty) for a population: a ranking with
// experiments first (in label order), then the other files by name.
const LoadedOrder* findReference(const std::vector<RankingName>& files, const std::string& method,
                                 const std::string& order, const std::string& population,
                                 const PopulationRankers& p, RankingCache& cache) {
    std::vector<const RankingName*> candidates;
    for (const auto& [label, id] : p.rankers)
        for (const RankingName& f : files)
            if (f.id == id && f.method == method && (order.empty() || f.order == order))
                candidates.push_back(&f);
    for (const RankingName& f : files)
        if (f.method == method && (order.empty() || f.order == order)) candidates.push_back(&f);
    for (const RankingName* f : candidates)
        if (const LoadedOrder* o = cache.get(f->path); o && o->population == population) return o;
    return nullptr;
}

void addOverlap(CompareOutcome& out, const std::string& kind, const LoadedOrder& ranker,
                const LoadedOrder& ref, const std::vector<double>& levels,
                const BootstrapConfig& bootstrap) {
    if (ranker.id == ref.id) return;
    if (!isSamePopulation(ranker.order, ref.order)) {
        out.warnings.push_back("ranking overlap: " + ranker.label + " (" + ranker.id + ") and " +
                               ref.label + " (" + ref.id + ") rank different bits; skipped");
        return;
    }
    out.overlaps.push_back({ranker.population, kind, ref.label, ref.id, ranker.label, ranker.id,
                            overlapAtLevels(ranker.order, ref.order, levels, bootstrap,
                                            overlapKey(bootstrap.seed, ranker.id, ref.id))});
}

void overlapsForPopulation(CompareOutcome& out, const std::string& population,
                           const PopulationRankers& p, const std::vector<RankingName>& files,
                           RankingCache& cache, const CompareRequest& req, std::stop_token stop) {
    const LoadedOrder* base = findReference(files, req.baseline, "", population, p, cache);
    const LoadedOrder* oracle = findReference(files, "oracle", "global", population, p, cache);
    if (!base)
        out.warnings.push_back("no " + req.baseline + " ranking of population " + population +
                               " in " + rankingsDirectory(out.modelDir).string() +
                               "; baseline overlap skipped");
    const std::vector<double> levels = overlapLevels(p.protections);
    for (const auto& [label, id] : p.rankers) {
        if (stop.stop_requested()) return;
        auto f = std::find_if(files.begin(), files.end(),
                              [&](const RankingName& n) { return n.id == id; });
        const LoadedOrder* r = f == files.end() ? nullptr : cache.get(f->path);
        if (!r) {
            out.warnings.push_back("ranking overlap: no usable ranking file for " + label + " (" +
                                   id + ")");
            continue;
        }
        if (base) addOverlap(out, "baseline", *r, *base, levels, req.bootstrap);
        if (oracle) addOverlap(out, "oracle", *r, *oracle, levels, req.bootstrap);
    }
}

// Overlap tables for the groups of the current model; skipped (warning) without a model.
void computeOverlaps(CompareOutcome& out, const CompareRequest& req, ProgressSink& sink,
                     std::stop_token stop) {
    auto file = loadSelectedModel(req.model);
    auto checksum = sha256File(modelPathFor(req.model));
    if (!file || !checksum) {
        out.warnings.push_back("ranking overlap skipped: " +
                               (!file ? file.error().message : checksum.error().message));
        return;
    }
    for (const GroupComparison& g : out.groups)
        if (g.key.modelChecksum != *checksum)
            out.warnings.push_back("results for another model file (" + describe(g.key) +
                                   ", current model " + checksum->substr(0, 12) +
                                   ") compared separately, without ranking overlap");
    RankingCache cache(file->model, *checksum, out.warnings);
    const std::vector<RankingName> files = rankingNames(out.modelDir);
    sink.progress({"compare", 0, 1, "ranking overlap"});
    runInArena(req.threads, [&] {
        for (const auto& [pop, p] : rankersByPopulation(out, *checksum))
            overlapsForPopulation(out, pop, p, files, cache, req, stop);
    });
}

} // namespace

Result<CompareOutcome> computeComparison(const CompareRequest& req, ProgressSink& sink,
                                         std::stop_token stop) {
    if (auto m = parseRankMethod(req.baseline); !m)
        return Error::usage("--baseline: " + m.error().message);
    CompareOutcome out;
    out.modelDir = modelPathFor(req.model).parent_path();
    auto experiments = loadExperiments(out.modelDir, req.model, out, sink, stop);
    if (!experiments) return experiments.error();
    for (const auto& members : groupExperiments(*experiments)) {
        auto g = compareGroup(members);
        if (!g) {
            out.warnings.push_back("not compared: " + g.error().message);
            continue;
        }
        out.warnings.insert(out.warnings.end(), g->warnings.begin(), g->warnings.end());
        out.groups.push_back(std::move(*g));
    }
    if (out.groups.empty())
        return Error::data("no comparable experiments in " + out.modelDir.string());
    auto primary = primaryMetrics(out.groups, req.metric, out.warnings);
    if (!primary) return primary.error();
    out.primary = std::move(*primary);
    if (stop.stop_requested()) return Error::cancelled();
    if (req.rankingOverlap) computeOverlaps(out, req, sink, stop);
    if (stop.stop_requested()) return Error::cancelled();
    return out;
}

Result<CompareOutcome> runCompareJob(const CompareRequest& req, ProgressSink& sink,
                                     std::stop_token stop) {
    auto computed = computeComparison(req, sink, stop);
    if (!computed) return computed.error();
    CompareOutcome& out = *computed;
    out.comparisonCsv = out.modelDir / "comparison.csv";
    out.rankingCsv = out.modelDir / "ranking_comparison.csv";
    if (auto st = atomicWriteFile(out.comparisonCsv, comparisonCsv(out.groups)); !st)
        return st.error();
    if (auto st = atomicWriteFile(out.rankingCsv, rankingComparisonCsv(out.overlaps)); !st)
        return st.error();
    sink.progress({"compare", 1, 1, "done"});
    return out;
}

} // namespace netsurf
