#include "widgets/compare/compare_data.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "engine/core/sha256.h"
#include "engine/storage/ranking_file.h"

namespace netsurf::widgets {

namespace fs = std::filesystem;

namespace {

// id → ranking file (<method>-<order>-<id>.csv), by name.
std::map<std::string, fs::path> rankingFiles(const fs::path& modelDir) {
    std::map<std::string, fs::path> out;
    std::set<fs::path> sorted;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(rankingsDirectory(modelDir), ec))
        if (e.is_regular_file() && e.path().extension() == ".csv") sorted.insert(e.path());
    for (const fs::path& p : sorted) {
        const std::string stem = p.stem().string();
        const auto dash = stem.rfind('-');
        if (dash != std::string::npos) out.emplace(stem.substr(dash + 1), p);
    }
    return out;
}

// The rankers of the groups of the current model: id → label (first group that has it).
std::vector<std::pair<std::string, std::string>> comparedRankers(const CompareOutcome& o,
                                                                 const std::string& checksum,
                                                                 std::vector<double>& protections) {
    std::vector<std::pair<std::string, std::string>> out;
    std::set<std::string> seen;
    for (const GroupComparison& g : o.groups) {
        if (g.key.modelChecksum != checksum) continue;
        protections.insert(protections.end(), g.grid.protections.begin(), g.grid.protections.end());
        for (const RankerComparison& r : g.rankers)
            if (seen.insert(r.rankingId).second) out.emplace_back(r.rankingId, r.label);
    }
    return out;
}

std::optional<RankingEntry> loadEntry(const fs::path& path, const ModelFile& file,
                                      const std::string& checksum, const std::string& label,
                                      std::vector<std::string>& warnings) {
    auto r = loadRankingFile(path, file.model, checksum);
    if (!r) {
        warnings.push_back(r.error().message);
        return std::nullopt;
    }
    const std::string order = toString(effectiveOrder(r->config));
    return RankingEntry{label.empty() ? std::string(toString(r->config.method)) + "-" + order
                                      : label,
                        r->id,
                        toString(r->config.method),
                        order,
                        toString(r->config.population),
                        r->seconds,
                        bitOrder(r->rows, r->population.bitsPerParam),
                        true,
                        rankingScores(r->rows)};
}

std::vector<double> levelsOf(const std::vector<double>& protections) {
    std::vector<double> l = overlapLevels(protections);
    l.insert(l.end(), defaultQualityFractions().begin(), defaultQualityFractions().end());
    std::sort(l.begin(), l.end());
    l.erase(
        std::unique(l.begin(), l.end(), [](double a, double b) { return std::abs(a - b) < 1e-9; }),
        l.end());
    return l;
}

// The rankings of the compared rankers and the first oracle (global order) by file name.
Result<std::shared_ptr<RankingSet>> loadRankings(const CompareOutcome& o, const ModelSelector& sel,
                                                 std::stop_token stop,
                                                 std::vector<std::string>& warnings) {
    auto file = loadSelectedModel(sel);
    if (!file) return file.error();
    auto checksum = sha256File(modelPathFor(sel));
    if (!checksum) return checksum.error();
    auto set = std::make_shared<RankingSet>();
    std::vector<double> protections;
    const auto rankers = comparedRankers(o, *checksum, protections);
    const auto files = rankingFiles(o.modelDir);
    for (const auto& [id, label] : rankers) {
        if (stop.stop_requested()) return Error::cancelled();
        const auto f = files.find(id);
        if (f == files.end()) {
            warnings.push_back("no ranking file for " + label + " (" + id + ")");
            continue;
        }
        if (auto e = loadEntry(f->second, *file, *checksum, label, warnings))
            set->rankings.push_back(std::move(*e));
    }
    for (const auto& [id, path] : files) {
        if (path.filename().string().rfind("oracle-global-", 0) != 0) continue;
        if (const RankingEntry* e = set->find(id)) {
            set->oracle = int(e - set->rankings.data());
            break;
        }
        if (auto e = loadEntry(path, *file, *checksum, "", warnings)) {
            e->compared = false;
            set->rankings.push_back(std::move(*e));
            set->oracle = int(set->rankings.size() - 1);
            break;
        }
    }
    set->levels = levelsOf(protections);
    return set;
}

std::string baselineOf(const RankingSet& set, const std::string& method) {
    for (const char* order : {"plane", "global"})
        for (const RankingEntry& e : set.rankings)
            if (e.compared && e.method == method && e.order == order) return e.id;
    for (const RankingEntry& e : set.rankings)
        if (e.compared) return e.id;
    return {};
}

} // namespace

std::vector<double> rankingScores(const std::vector<RankedBit>& rows) {
    std::vector<double> scores;
    scores.reserve(rows.size());
    for (const RankedBit& b : rows)
        scores.push_back(b.score);
    return scores;
}

const RankingEntry* RankingSet::find(const std::string& id) const {
    for (const RankingEntry& e : rankings)
        if (e.id == id) return &e;
    return nullptr;
}

std::vector<OverlapCurve> overlapsAgainst(const RankingSet& set, const std::string& referenceId,
                                          std::stop_token stop) {
    std::vector<OverlapCurve> out;
    const RankingEntry* ref = set.find(referenceId);
    if (!ref) return out;
    for (const RankingEntry& e : set.rankings) {
        if (stop.stop_requested()) return {};
        if (!e.compared || e.id == referenceId || e.population != ref->population ||
            !isSamePopulation(e.bits, ref->bits))
            continue;
        out.push_back({e.label, e.id, overlapAtLevels(e.bits, ref->bits, set.levels, {}, 0)});
    }
    return out;
}

Result<CompareData> loadCompareData(const ModelSelector& model, const std::string& baseline,
                                    std::stop_token stop) {
    NullProgressSink sink;
    auto outcome = computeComparison({.model = model, .rankingOverlap = false}, sink, stop);
    if (!outcome) return outcome.error();
    CompareData d;
    d.computedOn = std::this_thread::get_id();
    d.outcome = std::move(*outcome);
    d.warnings = d.outcome.warnings;
    auto set = loadRankings(d.outcome, model, stop, d.warnings);
    if (!set && set.error().kind == ErrorKind::Cancelled) return set.error();
    if (!set) {
        d.warnings.push_back("ranking overlap skipped: " + set.error().message);
        d.rankings = std::make_shared<RankingSet>();
        return d;
    }
    d.rankings = *set;
    d.baselineId = baselineOf(*d.rankings, baseline);
    if (stop.stop_requested()) return Error::cancelled();
    return d;
}

OverlapCurves computeOverlapCurves(const RankingSet& set, const std::string& baselineId,
                                   bool withPrecision, std::stop_token stop) {
    OverlapCurves c;
    if (withPrecision && set.oracle >= 0)
        c.precision = overlapsAgainst(set, set.rankings[std::size_t(set.oracle)].id, stop);
    c.overlap = overlapsAgainst(set, baselineId, stop);
    return c;
}

} // namespace netsurf::widgets
