#include "engine/compare/comparison.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

namespace netsurf {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double metricValue(const SweepRow& row, std::size_t metricIndex) {
    if (metricIndex == 0) return row.loss;
    if (metricIndex <= row.metrics.size()) return row.metrics[metricIndex - 1];
    return row.mismatchRate;
}

// Sorted distinct protections and BERs (> 0) of an experiment's rows.
std::pair<std::vector<double>, std::vector<double>> axesOf(const SweepResults& r) {
    std::set<double> p, b;
    for (const SweepRow& row : r.rows) {
        p.insert(row.protection);
        if (row.ber > 0) b.insert(row.ber);
    }
    return {{p.begin(), p.end()}, {b.begin(), b.end()}};
}

std::vector<double> intersect(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

// Index of v in the sorted axis, or npos.
std::size_t axisIndex(const std::vector<double>& axis, double v) {
    const auto it = std::lower_bound(axis.begin(), axis.end(), v);
    return it != axis.end() && *it == v ? std::size_t(it - axis.begin()) : std::size_t(-1);
}

// Cells of the grid the experiment covers (count per cell) and its rows outside the grid.
std::pair<std::vector<std::size_t>, std::size_t> coverage(const SweepResults& r, const Grid& g) {
    std::vector<std::size_t> count(g.size(), 0);
    std::size_t outside = 0;
    for (const SweepRow& row : r.rows) {
        const std::size_t i = axisIndex(g.protections, row.protection);
        const std::size_t j = axisIndex(g.bers, row.ber);
        if (i == std::size_t(-1) || j == std::size_t(-1))
            ++outside;
        else
            ++count[g.index(i, j)];
    }
    return {count, outside};
}

// The difference of ranker a to ranker b (VUS), paired over common complete repetitions when
// allowed and possible.
Estimate vusDifference(const Surface& a, const Surface& b, const Estimate& va, const Estimate& vb,
                       const std::vector<double>& w, bool paired, bool& usedPairs) {
    usedPairs = false;
    if (paired) {
        const std::vector<int> reps = completeReps(w, a, &b);
        if (reps.size() >= 2) {
            usedPairs = true;
            return pairedDifference(a, b, w, reps);
        }
    }
    return independentDifference(va, vb);
}

std::vector<RankerComparison> makeRankers(const std::vector<const Experiment*>& members) {
    std::map<std::string, int> uses, usesOfId;
    for (const Experiment* e : members) {
        ++uses[e->results.method + "-" + e->results.order];
        ++usesOfId[e->results.rankingId];
    }
    std::vector<RankerComparison> out;
    for (const Experiment* e : members) {
        const SweepResults& r = e->results;
        RankerComparison rc;
        rc.label = r.method + "-" + r.order;
        if (uses[rc.label] > 1) rc.label += "-" + r.rankingId;
        if (usesOfId[r.rankingId] > 1) rc.label += "-seed" + std::to_string(r.seed);
        rc.rankingId = r.rankingId;
        rc.method = r.method;
        rc.order = r.order;
        rc.seed = r.seed;
        rc.path = e->path;
        out.push_back(std::move(rc));
    }
    return out;
}

} // namespace

bool higherIsBetter(const std::string& metric) {
    static const std::set<std::string> lower{"loss", "mae", "mse", "rmse", "mismatch_rate"};
    return lower.count(metric) == 0;
}

std::vector<std::string> comparedMetrics(const SweepResults& results) {
    std::vector<std::string> m{"loss"};
    m.insert(m.end(), results.metricNames.begin(), results.metricNames.end());
    m.push_back("mismatch_rate");
    return m;
}

std::vector<double> cleanValues(const SweepResults& results) {
    std::vector<double> v{results.cleanLoss};
    v.insert(v.end(), results.cleanMetrics.begin(), results.cleanMetrics.end());
    v.resize(results.metricNames.size() + 1, std::numeric_limits<double>::quiet_NaN());
    v.push_back(0.0); // mismatch_rate: the clean model agrees with itself
    return v;
}

std::string defaultPrimaryMetric(const std::vector<std::string>& names) {
    for (const char* preferred : {"accuracy", "mae"})
        if (std::find(names.begin(), names.end(), preferred) != names.end()) return preferred;
    return names.empty() ? "loss" : names.front();
}

bool ComparisonKey::operator<(const ComparisonKey& o) const {
    return std::tie(benchmark, quantization, pruning, modelChecksum, evalSplit, evalDataChecksum,
                    mode, population, metricNames) <
           std::tie(o.benchmark, o.quantization, o.pruning, o.modelChecksum, o.evalSplit,
                    o.evalDataChecksum, o.mode, o.population, o.metricNames);
}

bool ComparisonKey::operator==(const ComparisonKey& o) const {
    return !(*this < o) && !(o < *this);
}

ComparisonKey comparisonKey(const SweepResults& r) {
    return {.benchmark = r.benchmark,
            .quantization = r.quantization,
            .pruning = r.pruning,
            .modelChecksum = r.modelChecksum,
            .evalSplit = r.evalSplit,
            .evalDataChecksum = r.evalDataChecksum,
            .mode = r.mode,
            .population = r.population,
            .metricNames = r.metricNames};
}

std::string describe(const ComparisonKey& k) {
    std::string s = "split " + k.evalSplit + ", data " + k.evalDataChecksum.substr(0, 12) + ", " +
                    (k.mode == SweepMode::MonteCarlo ? "montecarlo" : "exhaustive") +
                    ", population " + k.population + ", model " + k.modelChecksum.substr(0, 12);
    return s;
}

std::vector<std::vector<const Experiment*>> groupExperiments(const std::vector<Experiment>& all) {
    std::map<ComparisonKey, std::vector<const Experiment*>> groups;
    for (const Experiment& e : all)
        groups[comparisonKey(e.results)].push_back(&e);
    std::vector<std::vector<const Experiment*>> out;
    for (auto& [key, members] : groups) {
        std::sort(members.begin(), members.end(), [](const Experiment* a, const Experiment* b) {
            return std::tie(a->results.method, a->results.order, a->results.rankingId, a->path) <
                   std::tie(b->results.method, b->results.order, b->results.rankingId, b->path);
        });
        out.push_back(std::move(members));
    }
    return out;
}

Result<GridSelection> commonGrid(const std::vector<const Experiment*>& members) {
    GridSelection sel;
    for (std::size_t m = 0; m < members.size(); ++m) {
        auto [p, b] = axesOf(members[m]->results);
        sel.grid.protections = m == 0 ? p : intersect(sel.grid.protections, p);
        sel.grid.bers = m == 0 ? b : intersect(sel.grid.bers, b);
    }
    if (sel.grid.size() == 0)
        return Error::data("no (protection, BER > 0) grid is common to the " +
                           std::to_string(members.size()) + " experiments of the group");
    for (const Experiment* e : members) {
        const auto [count, outside] = coverage(e->results, sel.grid);
        const auto missing = std::size_t(std::count(count.begin(), count.end(), 0));
        if (missing > 0) {
            sel.warnings.push_back(e->path.string() + ": lacks " + std::to_string(missing) +
                                   " of the " + std::to_string(sel.grid.size()) +
                                   " cells of the common grid; left out of the comparison");
            continue;
        }
        if (outside > 0)
            sel.warnings.push_back(e->path.string() + ": " + std::to_string(outside) +
                                   " rows outside the common grid ignored");
        sel.members.push_back(e);
    }
    if (sel.members.empty()) return Error::data("no experiment covers the common grid");
    return sel;
}

Surface extractSurface(const SweepResults& r, const Grid& g, std::size_t metricIndex) {
    std::vector<std::vector<std::pair<int, double>>> cells(g.size());
    for (const SweepRow& row : r.rows) {
        const std::size_t i = axisIndex(g.protections, row.protection);
        const std::size_t j = axisIndex(g.bers, row.ber);
        if (i != std::size_t(-1) && j != std::size_t(-1))
            cells[g.index(i, j)].emplace_back(row.rep, metricValue(row, metricIndex));
    }
    Surface s(g.size());
    for (std::size_t c = 0; c < cells.size(); ++c) {
        std::stable_sort(cells[c].begin(), cells[c].end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& [rep, v] : cells[c]) {
            s[c].reps.push_back(rep);
            s[c].values.push_back(v);
        }
    }
    return s;
}

MetricTable metricTable(const Surface& s, const Grid& grid, SweepMode mode) {
    auto functional = [&](const std::vector<double>& w) {
        if (mode == SweepMode::Exhaustive) return propagatedFunctional(s, w, true);
        const std::vector<int> reps = completeReps(w, s);
        return reps.size() >= 2 ? perRepFunctional(s, w, reps) : propagatedFunctional(s, w, false);
    };
    MetricTable t;
    t.cells = cellEstimates(s);
    for (std::size_t i = 0; i < grid.protections.size(); ++i)
        t.aucOverBer.push_back(functional(aucOverBerWeights(grid, i)));
    for (std::size_t j = 0; j < grid.bers.size(); ++j)
        t.aucOverProtection.push_back(functional(aucOverProtectionWeights(grid, j)));
    t.vus = functional(vusWeights(grid));
    return t;
}

MetricSummary summarize(const std::string& metric, const std::vector<RankerComparison>& rankers,
                        const std::vector<Surface>& surfaces, std::size_t metricIndex,
                        const Grid& grid, bool paired) {
    MetricSummary out{metric, higherIsBetter(metric), {}};
    auto vusOf = [&](std::size_t r) { return rankers[r].metrics[metricIndex].vus; };
    std::vector<std::size_t> order(rankers.size());
    for (std::size_t r = 0; r < order.size(); ++r)
        order[r] = r;
    const double sign = out.higherIsBetter ? -1 : 1; // sort key: smaller is better
    auto key = [&](std::size_t r) {
        const double v = vusOf(r).value;
        return std::isnan(v) ? kInf : sign * v;
    };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::make_pair(key(a), rankers[a].label) < std::make_pair(key(b), rankers[b].label);
    });
    const std::vector<double> w = vusWeights(grid);
    for (std::size_t pos = 0; pos < order.size(); ++pos) {
        const std::size_t r = order[pos], best = order.front();
        SummaryRow row{r, int(pos) + 1, vusOf(r), tInterval(0, 0, kInf), false, true};
        if (r != best)
            row.diffToBest = vusDifference(surfaces[r], surfaces[best], vusOf(r), vusOf(best), w,
                                           paired, row.paired);
        row.indistinguishable = indistinguishable(row.diffToBest);
        out.rows.push_back(row);
    }
    return out;
}

Result<GroupComparison> compareGroup(const std::vector<const Experiment*>& members) {
    if (members.empty()) return Error::internal("compareGroup: empty group");
    auto sel = commonGrid(members);
    if (!sel) return sel.error();
    GroupComparison g;
    g.key = comparisonKey(sel->members.front()->results);
    g.grid = sel->grid;
    g.warnings = sel->warnings;
    g.metrics = comparedMetrics(sel->members.front()->results);
    g.clean = cleanValues(sel->members.front()->results);
    g.rankers = makeRankers(sel->members);
    bool oneSeed = true;
    for (const RankerComparison& r : g.rankers)
        oneSeed = oneSeed && r.seed == g.rankers[0].seed;
    g.paired = g.key.mode == SweepMode::MonteCarlo && oneSeed;
    if (g.key.mode == SweepMode::MonteCarlo && !oneSeed)
        g.warnings.push_back("Monte-Carlo experiments with different seeds (" + describe(g.key) +
                             "): differences are not paired");
    std::vector<std::vector<Surface>> surfaces(g.metrics.size());
    for (std::size_t q = 0; q < g.metrics.size(); ++q)
        for (std::size_t r = 0; r < g.rankers.size(); ++r) {
            surfaces[q].push_back(extractSurface(sel->members[r]->results, g.grid, q));
            g.rankers[r].metrics.push_back(metricTable(surfaces[q][r], g.grid, g.key.mode));
        }
    for (std::size_t q = 0; q < g.metrics.size(); ++q)
        g.summaries.push_back(summarize(g.metrics[q], g.rankers, surfaces[q], q, g.grid, g.paired));
    return g;
}

} // namespace netsurf
