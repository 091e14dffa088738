#include "widgets/compare/overview_data.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <tuple>

#include "engine/storage/workspace.h"

namespace netsurf::widgets {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> subdirectories(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_directory()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// "q6_2_1" → q<6,2,1>; the directory must be the scheme's own name (dirName()).
std::optional<QuantScheme> schemeOfDir(const std::string& name) {
    int m = 0, n = 0, s = 0;
    char end = 0;
    if (std::sscanf(name.c_str(), "q%d_%d_%d%c", &m, &n, &s, &end) != 3) return std::nullopt;
    auto q = QuantScheme::make(m, n, s);
    if (!q || q->dirName() != name) return std::nullopt;
    return *q;
}

// "prune_0.125" → 0.125; the directory must be the pruning's own name (pruningDirName()).
std::optional<double> pruningOfDir(const std::string& name) {
    if (name.rfind("prune_", 0) != 0) return std::nullopt;
    try {
        const double p = std::stod(name.substr(6));
        if (pruningDirName(p) == name) return p;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

// The group of a model shown in the overview: the most rankers, the first of those.

OverviewModel reduce(const ModelSelector& sel, const GroupComparison& g) {
    OverviewModel m{sel, describe(g.key), g.key.benchmark, g.metrics, g.key.metricNames, {}};
    for (const RankerComparison& r : g.rankers) {
        OverviewRanker o{r.label, r.method, r.order, {}, {}};
        for (const MetricTable& t : r.metrics) {
            o.vus.push_back(t.vus);
            std::vector<double> means;
            for (const Estimate& c : t.cells)
                means.push_back(c.value);
            o.cellMeans.push_back(std::move(means));
        }
        m.rankers.push_back(std::move(o));
    }
    std::sort(m.rankers.begin(), m.rankers.end(), [](const auto& a, const auto& b) {
        return std::make_tuple(rankerOrderKey(a.method, a.order), a.label) <
               std::make_tuple(rankerOrderKey(b.method, b.order), b.label);
    });
    return m;
}

} // namespace

std::size_t shownGroupIndex(const CompareOutcome& o) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < o.groups.size(); ++i)
        if (o.groups[i].rankers.size() > o.groups[best].rankers.size()) best = i;
    return best;
}

OverviewModel overviewModelOf(const ModelSelector& model, const CompareOutcome& outcome) {
    return reduce(model, outcome.groups[shownGroupIndex(outcome)]);
}

std::pair<int, int> rankerOrderKey(const std::string& method, const std::string& order) {
    const auto& all = allRankMethods();
    int i = int(all.size());
    for (std::size_t k = 0; k < all.size(); ++k)
        if (method == toString(all[k])) i = int(k);
    return {i, order == "plane" ? 0 : 1};
}

std::vector<ModelSelector> modelsWithExperiments(const fs::path& workspace) {
    std::vector<ModelSelector> out;
    for (const fs::path& b : subdirectories(workspace))
        for (const fs::path& s : subdirectories(b)) {
            const auto scheme = schemeOfDir(s.filename().string());
            if (!scheme) continue;
            for (const fs::path& p : subdirectories(s)) {
                const auto pruning = pruningOfDir(p.filename().string());
                if (pruning && fs::is_directory(p / "experiments"))
                    out.push_back({b.filename().string(), *scheme, *pruning, workspace});
            }
        }
    std::sort(out.begin(), out.end(), [](const ModelSelector& a, const ModelSelector& b) {
        return std::make_tuple(a.benchmark, a.scheme.m(), -a.scheme.n(), -a.scheme.s(), a.pruning) <
               std::make_tuple(b.benchmark, b.scheme.m(), -b.scheme.n(), -b.scheme.s(), b.pruning);
    });
    return out;
}

Result<OverviewData> loadOverviewData(const fs::path& workspace, std::atomic<int>& done,
                                      std::stop_token stop) {
    OverviewData d;
    d.workspace = workspace;
    d.computedOn = std::this_thread::get_id();
    NullProgressSink sink;
    for (const ModelSelector& sel : modelsWithExperiments(workspace)) {
        if (stop.stop_requested()) return Error::cancelled();
        auto o = computeComparison({.model = sel, .rankingOverlap = false}, sink, stop);
        ++done;
        if (!o) {
            if (o.error().kind == ErrorKind::Cancelled) return o.error();
            d.warnings.push_back(o.error().message);
            continue;
        }
        d.models.push_back(overviewModelOf(sel, *o));
    }
    return d;
}

} // namespace netsurf::widgets
