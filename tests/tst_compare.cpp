// compare (SPEC §5): Student-t quantiles against tables and closed forms, AUC / VUS on
// hand-computed grids, CI propagation (exhaustive) vs per-repetition (Monte-Carlo) intervals,
// paired differences, metric direction, grouping, overlap levels, bootstrap determinism and
// the compare job end to end on a tiny model.
#include "test_support.h"

#include "test_models.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include "engine/compare/compare_job.h"
#include "engine/core/file_io.h"
#include "engine/core/sha256.h"
#include "engine/inject/results_store.h"
#include "engine/rank/rank_context.h"
#include "engine/storage/ranking_file.h"
#include "engine/storage/workspace.h"

using namespace netsurf;
namespace fs = std::filesystem;

namespace {

bool near(double a, double b, double tol) {
    return std::abs(a - b) <= tol;
}
QString mismatch(const char* expr, double a, double b) {
    return QString("%1 = %2, expected %3").arg(expr).arg(a, 0, 'g', 15).arg(b, 0, 'g', 15);
}
#define QNEAR(a, b, tol) QVERIFY2(near((a), (b), (tol)), qPrintable(mismatch(#a, (a), (b))))

// Cells with repetitions 0..n−1.
Surface surface(const std::vector<std::vector<double>>& cells) {
    Surface s;
    for (const auto& v : cells) {
        CellSamples c;
        for (std::size_t r = 0; r < v.size(); ++r)
            c.reps.push_back(int(r));
        c.values = v;
        s.push_back(c);
    }
    return s;
}

double functionalOf(const Surface& s, const std::vector<double>& w) {
    return propagatedFunctional(s, w).value;
}

using AccuracyFn = std::function<double(double p, double ber, int rep)>;

// Synthetic results of one ranker: accuracy from `acc`, loss = mismatch_rate = 1 − accuracy.
SweepResults results(const std::string& method, const std::string& id, SweepMode mode,
                     std::uint64_t seed, const std::vector<double>& ps,
                     const std::vector<double>& bers, int reps, const AccuracyFn& acc,
                     const std::string& split = "test") {
    SweepResults r{.rankingId = id,
                   .method = method,
                   .order = "global",
                   .population = "all",
                   .mode = mode,
                   .seed = seed,
                   .benchmark = "tiny",
                   .quantization = QuantScheme().str(),
                   .evalSplit = split,
                   .pruning = 0.25,
                   .modelChecksum = "abc",
                   .evalDataChecksum = "da7a0123456789abcdef",
                   .metricNames = {"accuracy"},
                   .cleanLoss = 0,
                   .cleanMetrics = {1.0}};
    for (double p : ps)
        for (double b : bers)
            for (int k = 0; k < reps; ++k) {
                const double a = acc(p, b, k);
                r.rows.push_back({p, b, k, 1, b, 1 - a, {a}, 1 - a});
            }
    return r;
}

// Deterministic noise in [−1, 1) keyed by (a, b).
double noise(std::uint64_t a, std::uint64_t b) {
    return 2 * toUnit(hashKey(a, b)) - 1;
}

Ranking rankTiny(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y, RankMethod method,
                 RankOrder order, const std::string& checksum) {
    Ranking r;
    r.config = {method, order, Population::All, 3, 0};
    r.population = makePopulation(model, Population::All);
    RankContext ctx{model, r.population, X, y, 3, {}, {}};
    NullProgressSink sink;
    runInArena(2, [&] {
        auto s = scoreFunction(method)(ctx, sink, {});
        if (!s) qFatal("%s", s.error().message.c_str());
        r.rows = orderBits(model, r.population, *s, r.config);
    });
    r.modelChecksum = checksum;
    r.id = rankingId(r.config, checksum);
    return r;
}

} // namespace

class TestCompare : public QObject {
    Q_OBJECT
private slots:
    void studentTQuantileTable_data() {
        QTest::addColumn<double>("dof");
        QTest::addColumn<double>("exact"); // R qt(0.975, dof)
        QTest::addColumn<double>("table"); // printed tables (3 decimals)
        QTest::newRow("1") << 1.0 << 12.7062047361747 << 12.706;
        QTest::newRow("2") << 2.0 << 4.30265272974946 << 4.303;
        QTest::newRow("5") << 5.0 << 2.57058183563631 << 2.571;
        QTest::newRow("10") << 10.0 << 2.22813885198627 << 2.228;
        QTest::newRow("30") << 30.0 << 2.04227245630124 << 2.042;
        QTest::newRow("100") << 100.0 << 1.98397151852355 << 1.984;
        QTest::newRow("inf") << qInf() << 1.95996398454005 << 1.960;
    }
    void studentTQuantileTable() {
        QFETCH(double, dof);
        QFETCH(double, exact);
        QFETCH(double, table);
        QNEAR(tCritical95(dof), exact, 1e-9 * exact);
        QNEAR(tCritical95(dof), table, 5e-4);
        QNEAR(studentTQuantile(0.025, dof), -exact, 1e-9 * exact);
    }
    void studentTClosedFormsAndRoundTrip() {
        for (double p : {0.6, 0.9, 0.975, 0.999, 0.1}) {
            QNEAR(studentTQuantile(p, 1), std::tan(M_PI * (p - 0.5)), 1e-9);
            QNEAR(studentTQuantile(p, 2), (2 * p - 1) / std::sqrt(2 * p * (1 - p)), 1e-10);
        }
        for (double dof : {0.5, 2.5, 7.3, 1234.5, 99999.0})
            for (double p : {0.7, 0.975, 0.9999})
                QNEAR(studentTUpperTail(studentTQuantile(p, dof), dof), 1 - p, 1e-12);
        // the series above 1e5 continues the exact branch, and tends to the normal quantile
        QNEAR(tCritical95(1e5), tCritical95(100001.0), 1e-9);
        QNEAR(tCritical95(1e12), normalQuantile(0.975), 1e-11);
        QVERIFY(std::isnan(tCritical95(0)) && std::isnan(studentTQuantile(1.0, 3)));
        QCOMPARE(studentTQuantile(0.5, 4), 0.0);
    }
    // 2 × 3 grid, protections {0, 0.5}, BER {1e-4, 1e-3, 1e-1}: u = {−4, −3, −1}, L_u = 3.
    void aucAndVusOnHandComputedGrid() {
        const Grid g{{0, 0.5}, {1e-4, 1e-3, 1e-1}};
        const auto wu = trapezoidWeights({-4, -3, -1});
        QNEAR(wu[0], 1.0 / 6, 1e-15);
        QNEAR(wu[1], 0.5, 1e-15);
        QNEAR(wu[2], 1.0 / 3, 1e-15);
        // two repetitions around each value so that the cell means are exactly these
        const std::vector<double> m{0.9, 0.8, 0.2, 0.95, 0.9, 0.5};
        std::vector<std::vector<double>> cells;
        for (double v : m)
            cells.push_back({v - 0.01, v + 0.01});
        const Surface s = surface(cells);
        // by hand: p=0: ((0.9+0.8)/2·1 + (0.8+0.2)/2·2)/3 = 1.85/3; p=0.5: 2.325/3
        QNEAR(functionalOf(s, aucOverBerWeights(g, 0)), 1.85 / 3, 1e-12);
        QNEAR(functionalOf(s, aucOverBerWeights(g, 1)), 2.325 / 3, 1e-12);
        // over protection per BER: the mean of the two rows
        QNEAR(functionalOf(s, aucOverProtectionWeights(g, 0)), 0.925, 1e-12);
        QNEAR(functionalOf(s, aucOverProtectionWeights(g, 1)), 0.85, 1e-12);
        QNEAR(functionalOf(s, aucOverProtectionWeights(g, 2)), 0.35, 1e-12);
        // VUS: ((0.925+0.85)/2·1 + (0.85+0.35)/2·2)/3 = 2.0875/3, both orders of integration
        const MetricTable t = metricTable(s, g, SweepMode::Exhaustive);
        QNEAR(t.vus.value, 2.0875 / 3, 1e-12);
        QNEAR(trapezoidMean({-4, -3, -1}, {0.925, 0.85, 0.35}), 2.0875 / 3, 1e-12);
        QNEAR(trapezoidMean({0, 0.5}, {t.aucOverBer[0].value, t.aucOverBer[1].value}), 2.0875 / 3,
              1e-12);
        QCOMPARE(t.cells.size(), std::size_t(6));
        QNEAR(t.cells[4].value, 0.9, 1e-12);
    }
    void vusOfConstantLinearAndDegenerateSurfaces() {
        const Grid g{{0, 0.1, 0.3, 1.0}, {1e-5, 1e-4, 1e-2, 0.5}};
        auto fill = [&](const std::function<double(double, double)>& f) {
            std::vector<std::vector<double>> cells;
            for (double p : g.protections)
                for (double b : g.bers)
                    cells.push_back({f(p, std::log10(b))});
            return surface(cells);
        };
        const auto w = vusWeights(g);
        QNEAR(functionalOf(fill([](double, double) { return 0.73; }), w), 0.73, 1e-14);
        // a bilinear surface is integrated exactly: the mean over the domain is the value at
        // the centre (p̄ = 0.5, ū = (−5 + log10 0.5)/2)
        const double ubar = (-5 + std::log10(0.5)) / 2;
        auto lin = [](double p, double u) { return 1 + 2 * p - 0.5 * u + 0.3 * p * u; };
        QNEAR(functionalOf(fill(lin), w), lin(0.5, ubar), 1e-12);
        // a single point is its own AUC / VUS; one protection → VUS = AUC over log10 BER
        const Grid one{{0.2}, {1e-3}};
        QNEAR(functionalOf(surface({{0.42}}), vusWeights(one)), 0.42, 0);
        const Grid row{{0.2}, {1e-4, 1e-3, 1e-1}};
        const Surface r = surface({{0.9}, {0.8}, {0.2}});
        QNEAR(functionalOf(r, vusWeights(row)), 1.85 / 3, 1e-12);
        QNEAR(functionalOf(r, aucOverProtectionWeights(row, 1)), 0.8, 0);
    }
    void ciPropagationExhaustive() {
        const Grid g{{0.1}, {1e-3, 1e-2}}; // weights ½, ½
        // exhaustive: A {1,2,3} (se 1/√3), B {2,4} (se 1): se² = ¼·⅓ + ¼·1 = ⅓,
        // ν = (⅓)² / ((1/12)²/2 + (¼)²/1) = 288/171
        const Surface ex = surface({{1, 2, 3}, {2, 4}});
        const Estimate pe = metricTable(ex, g, SweepMode::Exhaustive).vus;
        QNEAR(pe.value, 2.5, 1e-14);
        QNEAR(pe.se, std::sqrt(1.0 / 3), 1e-14);
        QNEAR(pe.dof, 288.0 / 171, 1e-12);
        QNEAR(pe.high - pe.value, tCritical95(288.0 / 171) * std::sqrt(1.0 / 3), 1e-12);
        // one repetition: exact in exhaustive mode, no interval in Monte-Carlo mode
        const Surface single = surface({{0.5}, {0.7}});
        const Estimate e1 = metricTable(single, g, SweepMode::Exhaustive).vus;
        QVERIFY(e1.se == 0 && e1.low == e1.value && e1.high == e1.value);
        QNEAR(e1.value, 0.6, 1e-15);
        QVERIFY(!metricTable(single, g, SweepMode::MonteCarlo).vus.hasInterval());
    }
    void ciPerRepetitionMonteCarloAndDifferences() {
        const Grid g{{0.1}, {1e-3, 1e-2}}; // weights ½, ½
        const Estimate pe = metricTable(surface({{1, 2, 3}, {2, 4}}), g, SweepMode::Exhaustive).vus;
        // Monte-Carlo: per repetition F_r = ½(A_r + B_r) = {2, 2.5, 4.5}: mean 3, sd √1.75, ν 2
        const Surface mc = surface({{1, 2, 3}, {3, 3, 6}});
        const Estimate pm = metricTable(mc, g, SweepMode::MonteCarlo).vus;
        QNEAR(pm.value, 3, 1e-14);
        QNEAR(pm.std, std::sqrt(1.75), 1e-14);
        QNEAR(pm.se, std::sqrt(1.75 / 3), 1e-14);
        QCOMPARE(pm.dof, 2.0);
        QNEAR(pm.low, 3 - 4.30265272974946 * std::sqrt(1.75 / 3), 1e-9);
        // the same data propagated as if the cells were independent: another interval
        const Estimate pp = propagatedFunctional(mc, vusWeights(g));
        QNEAR(pp.value, 3, 1e-14);
        QVERIFY(pp.se != pm.se);
        // independent difference: se² adds, Welch–Satterthwaite dof
        const Estimate d = independentDifference(pe, pm);
        QNEAR(d.value, -0.5, 1e-14);
        QNEAR(d.se * d.se, 1.0 / 3 + 1.75 / 3, 1e-13);
        QNEAR(d.dof,
              std::pow(1.0 / 3 + 1.75 / 3, 2) /
                  (std::pow(1.0 / 3, 2) / (288.0 / 171) + std::pow(1.75 / 3, 2) / 2),
              1e-10);
    }
    // A is better than B by 0.01 in every repetition while the shared draws move both by
    // ±0.2: paired differences detect it, independent estimates cannot.
    void pairedDifferenceDetectsWhatIndependentCannot() {
        const std::vector<double> ps{0, 0.5}, bers{1e-3, 1e-2};
        auto base = [](double p, double b, int k) {
            return 0.7 + 0.2 * noise(std::uint64_t(k), 0) + 0.05 * p - 0.01 * std::log10(b);
        };
        auto better = [&](double p, double b, int k) {
            return base(p, b, k) + 0.01 + 0.002 * noise(std::uint64_t(k), 1);
        };
        std::vector<Experiment> ex;
        ex.push_back(
            {"a", results("qpolargrad", "a1", SweepMode::MonteCarlo, 9, ps, bers, 20, better)});
        ex.push_back({"b", results("grad", "b1", SweepMode::MonteCarlo, 9, ps, bers, 20, base)});
        auto g = compareGroup(groupExperiments(ex).front());
        QVERIFY(g.ok() && g->paired);
        const MetricSummary& s = g->summaries[1]; // accuracy
        QCOMPARE(s.metric, std::string("accuracy"));
        QCOMPARE(g->rankers[s.rows[0].ranker].method, std::string("qpolargrad"));
        QVERIFY(s.rows[0].indistinguishable && s.rows[1].paired);
        QVERIFY(!s.rows[1].indistinguishable);
        QNEAR(s.rows[1].diffToBest.value, -0.01, 0.002);
        // different seeds: nothing is paired, the difference drowns in the ±0.2 spread
        ex[1].results.seed = 10;
        auto u = compareGroup(groupExperiments(ex).front());
        QVERIFY(u.ok() && !u->paired && !u->summaries[1].rows[1].paired);
        QVERIFY(u->summaries[1].rows[1].indistinguishable);
        // identical rankers are indistinguishable whatever the pairing
        ex[1] = {"b", results("grad", "b1", SweepMode::MonteCarlo, 9, ps, bers, 20, base)};
        ex[0] = {"a", results("qpolargrad", "a1", SweepMode::MonteCarlo, 9, ps, bers, 20, base)};
        auto same = compareGroup(groupExperiments(ex).front());
        QVERIFY(same.ok() && same->summaries[1].rows[1].indistinguishable);
    }
    void orderingDirectionPerMetric() {
        QVERIFY(!higherIsBetter("loss") && !higherIsBetter("mae") &&
                !higherIsBetter("mismatch_rate"));
        QVERIFY(higherIsBetter("accuracy") && higherIsBetter("r2") && higherIsBetter("pearson"));
        QCOMPARE(defaultPrimaryMetric({"accuracy"}), std::string("accuracy"));
        QCOMPARE(defaultPrimaryMetric({"mae", "r2", "pearson"}), std::string("mae"));
        QCOMPARE(defaultPrimaryMetric({}), std::string("loss"));
        // regression: the ranker with the smaller mae (and larger r2) is best for both
        std::vector<Experiment> ex;
        for (const auto& [name, mae] : {std::pair{"good", 0.1}, std::pair{"bad", 0.4}}) {
            SweepResults r = results(name, name, SweepMode::Exhaustive, 1, {0, 0.5}, {1e-3}, 3,
                                     [](double, double, int k) { return 0.01 * k; });
            r.metricNames = {"mae", "r2", "pearson"};
            for (SweepRow& row : r.rows)
                row.metrics = {mae + row.loss, 1 - mae, 0.9};
            ex.push_back({name, r});
        }
        auto g = compareGroup(groupExperiments(ex).front());
        QVERIFY(g.ok());
        QCOMPARE(g->metrics,
                 (std::vector<std::string>{"loss", "mae", "r2", "pearson", "mismatch_rate"}));
        for (std::size_t q : {1, 2}) {
            QCOMPARE(g->rankers[g->summaries[q].rows[0].ranker].method, std::string("good"));
            QVERIFY(!g->summaries[q].rows[1].indistinguishable);
        }
        QVERIFY(g->summaries[1].rows[1].diffToBest.value > 0); // lower is better: bad − good > 0
        QVERIFY(g->summaries[2].rows[1].diffToBest.value < 0);
    }
    void groupingAndCommonGrid() {
        auto acc = [](double p, double, int k) { return 0.5 + p + 0.01 * k; };
        auto mk = [&](const char* m, const std::vector<double>& ps,
                      SweepMode mode = SweepMode::MonteCarlo, const char* split = "test") {
            return Experiment{m, results(m, m, mode, 1, ps, {1e-3, 1e-2}, 3, acc, split)};
        };
        std::vector<Experiment> ex{mk("grad", {0, .5}), mk("taylor", {0, .5, 1}),
                                   mk("grad", {0, .5}, SweepMode::MonteCarlo, "train"),
                                   mk("fisher", {0, .5}, SweepMode::Exhaustive)};
        const auto groups = groupExperiments(ex);
        QCOMPARE(groups.size(), std::size_t(3)); // test/montecarlo, train/montecarlo, exhaustive
        auto g = compareGroup(groups[0].size() == 2 ? groups[0] : groups[1]);
        QVERIFY(g.ok());
        QCOMPARE(g->grid.protections, (std::vector<double>{0, 0.5}));
        QCOMPARE(g->warnings.size(), std::size_t(1)); // taylor's protection-1 rows ignored
        // a member lacking a cell of the common grid is left out, with a warning
        ex[1].results.rows.erase(ex[1].results.rows.begin(), ex[1].results.rows.begin() + 3);
        auto h = compareGroup({&ex[0], &ex[1]});
        QVERIFY(h.ok() && h->rankers.size() == 1 && h->warnings.size() == 1);
        QVERIFY(!(comparisonKey(ex[0].results) == comparisonKey(ex[3].results)));
        QVERIFY(describe(g->key).find("montecarlo") != std::string::npos);
    }
    void overlapLevelsFromGrid() {
        QCOMPARE(overlapLevels({0, 0.1, 0.2, 0.5}).size(), std::size_t(10));
        QCOMPARE(overlapLevels({0, 0.1, 0.2, 0.5}).back(), 1.0);
        QCOMPARE(overlapLevels({0.25}), (std::vector<double>{0.25, 0.5, 0.75, 1}));
        QCOMPARE(overlapLevels({0, 0.3}), (std::vector<double>{0.3, 0.6, 0.9, 1}));
        QCOMPARE(overlapLevels({0}).size(), std::size_t(10));
        QCOMPARE(overlapLevels({0, 0.001}).size(), std::size_t(100)); // g ≥ 0.01
    }
    // the multiplicity form of a resample equals τ-b / ρ of the expanded sample (ties)
    void resampledTauRhoMatchesExpandedSample() {
        for (std::uint64_t key : {1, 2, 3}) {
            const auto perm = keyedPermutation(60, key);
            const std::vector<std::uint32_t> xOrder(perm.begin(), perm.end());
            std::vector<std::uint32_t> counts(60, 0), xPos(60);
            KeyedStream s(hashKey(key, 99));
            for (int i = 0; i < 60; ++i)
                ++counts[s.below(60)];
            for (std::uint32_t r = 0; r < 60; ++r)
                xPos[xOrder[r]] = r;
            std::vector<double> x, y;
            for (std::uint32_t i = 0; i < 60; ++i)
                for (std::uint32_t c = 0; c < counts[i]; ++c)
                    x.push_back(xPos[i]), y.push_back(i);
            const auto [tau, rho] = resampledTauRho(xOrder, counts);
            QNEAR(tau, kendallTauB(x, y), 1e-12);
            QNEAR(rho, spearmanRho(x, y), 1e-12);
        }
        QVERIFY(std::isnan(resampledTauRho({0, 1}, {2, 0}).first));
    }
    void overlapHandCasesAndBootstrapDeterminism() {
        // hand cases: identical and reversed orders
        BitOrder a(10), rev(10);
        for (std::uint32_t i = 0; i < 10; ++i)
            a[i] = i, rev[i] = 9 - i;
        const auto same = overlapAtLevels(a, a, {0.5}, {}, 0);
        QVERIFY(same[0].overlap.jaccard == 1 && same[0].overlap.kendallTau == 1);
        QCOMPARE(overlapAtLevels(a, rev, {0.5}, {}, 0)[0].overlap.jaccard, 0.0);
        // a noisy pair of orders of 2000 bits
        const auto p1 = keyedPermutation(2000, 11);
        BitOrder x(2000), y(2000);
        for (std::uint32_t i = 0; i < 2000; ++i)
            x[i] = i;
        y = x; // start equal, then perturb half the positions
        for (std::uint32_t i = 0; i < 2000; i += 2)
            std::swap(y[i], y[p1[i]]);
        const BootstrapConfig boot{true, 100, 5};
        std::vector<OverlapLevel> r1, r2, r3;
        const std::uint64_t key = overlapKey(5, "x", "y");
        runInArena(1, [&] { r1 = overlapAtLevels(x, y, {0.1, 0.5}, boot, key); });
        runInArena(2, [&] { r2 = overlapAtLevels(x, y, {0.1, 0.5}, boot, key); });
        runInArena(2, [&] {
            r3 = overlapAtLevels(x, y, {0.1, 0.5}, {true, 100, 6}, overlapKey(6, "x", "y"));
        });
        for (std::size_t l = 0; l < 2; ++l) {
            QCOMPARE(r1[l].jaccard.low, r2[l].jaccard.low);
            QCOMPARE(r1[l].kendallTau.high, r2[l].kendallTau.high);
            QCOMPARE(r1[l].spearman.low, r2[l].spearman.low);
            QVERIFY(r1[l].kendallTau.low <= r1[l].overlap.kendallTau &&
                    r1[l].overlap.kendallTau <= r1[l].kendallTau.high);
            QVERIFY(r1[l].jaccard.low <= r1[l].overlap.jaccard + 1e-12 &&
                    r1[l].overlap.jaccard <= r1[l].jaccard.high + 1e-12);
        }
        QVERIFY(r1[1].kendallTau.low != r3[1].kendallTau.low);
        QVERIFY(std::isnan(overlapAtLevels(x, y, {0.1}, {}, 0)[0].jaccard.low));
        QCOMPARE(percentileInterval({3, 1, 2, std::nan("")}).low, 1.05);
    }
    void compareJobEndToEnd();
    void computeComparisonWritesNothing();
};

namespace {

bool hasWarning(const CompareOutcome& o, const std::string& text) {
    return std::any_of(o.warnings.begin(), o.warnings.end(),
                       [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

void writeExperiment(const fs::path& modelDir, SweepResults r, const std::string& checksum) {
    r.modelChecksum = checksum;
    if (!writeResultsFile(resultsFilePath(modelDir, experimentId(r)), r, 1))
        qFatal("cannot write results");
}

// A workspace with the tiny model, rankings qpolargrad (global), random and oracle (global),
// Monte-Carlo results of the first two on the test split (qpolargrad better), a train-split
// experiment without a ranking file and a corrupt results file.
fs::path makeWorkspace(const ModelSelector& sel) {
    const fs::path modelPath = modelPathFor(sel), modelDir = modelPath.parent_path();
    ModelFile mf{test::trainTiny(2).model, 0.25, {}, 0, {}};
    if (!ensureDirectory(rankingsDirectory(modelDir)) || !saveModelFile(modelPath, mf))
        qFatal("cannot write the model");
    const std::string checksum = *sha256File(modelPath);
    const Dataset d = test::blobs();
    const MatrixRM X = mf.model.normalizer.apply(d.trainX.topRows(200));
    const Eigen::VectorXd y = d.trainY.head(200);
    const std::vector<double> ps{0, 0.25, 0.5}, bers{1e-3, 1e-2};
    for (RankMethod m : {RankMethod::QPolarGrad, RankMethod::Random, RankMethod::Oracle}) {
        const Ranking r = rankTiny(mf.model, X, y, m, RankOrder::Global, checksum);
        if (!saveRankingFile(rankingsDirectory(modelDir) / rankingFileName(r), mf.model, r,
                             {"tiny", 0.25, "now"}))
            qFatal("cannot write a ranking");
        if (m == RankMethod::Oracle) continue;
        const double q = m == RankMethod::Random ? 0.1 : 0.2;
        auto acc = [q](double p, double b, int k) {
            return 0.6 + q * p - 0.02 * std::log10(b) + 0.01 * noise(std::uint64_t(k), 0);
        };
        writeExperiment(modelDir,
                        results(toString(m), r.id, SweepMode::MonteCarlo, 4, ps, bers, 5, acc),
                        checksum);
    }
    writeExperiment(modelDir,
                    results(
                        "grad", "0123456789ab", SweepMode::MonteCarlo, 4, ps, bers, 3,
                        [](double, double, int) { return 0.5; }, "train"),
                    checksum);
    const fs::path broken = modelDir / "experiments" / "broken" / "montecarlo-test-seed0-x";
    if (!ensureDirectory(broken) || !atomicWriteFile(broken / "results.csv", "junk\n"))
        qFatal("cannot write the corrupt file");
    return modelDir;
}

} // namespace

void TestCompare::compareJobEndToEnd() {
    QTemporaryDir dir;
    const ModelSelector sel{"tiny", QuantScheme(), 0.25, dir.path().toStdString()};
    makeWorkspace(sel);
    NullProgressSink sink;
    CompareRequest req{sel, "qpolargrad", "", {true, 100, 1}, 2};
    auto out = runCompareJob(req, sink);
    QVERIFY2(out.ok(), out.ok() ? "" : out.error().message.c_str());
    QCOMPARE(out->groups.size(), std::size_t(2)); // test and train splits apart
    const std::size_t gi = out->groups[0].key.evalSplit == "test" ? 0 : 1;
    const GroupComparison& g = out->groups[gi];
    const MetricSummary& s = g.summaries[out->primary[gi]];
    QCOMPARE(s.metric, std::string("accuracy"));
    QCOMPARE(g.rankers[s.rows[0].ranker].method, std::string("qpolargrad"));
    QVERIFY(s.rows[1].paired && !s.rows[1].indistinguishable);
    // random vs the baseline and vs the oracle; qpolargrad vs the oracle (levels ¼, ½, ¾, 1)
    QCOMPARE(out->overlaps.size(), std::size_t(3));
    for (const auto& t : out->overlaps)
        QCOMPARE(t.levels.size(), std::size_t(4));
    QVERIFY(hasWarning(*out, "broken") && hasWarning(*out, "0123456789ab"));
    const std::string csv = *readFile(out->comparisonCsv), rc = *readFile(out->rankingCsv);
    QVERIFY(csv.rfind("split,mode,population,model,eval_data,ranker,id,", 0) == 0);
    QVERIFY(csv.find(",da7a01234567,qpolargrad-global,") != std::string::npos);
    QVERIFY(csv.find(",vus,") != std::string::npos &&
            csv.find(",auc_protection,") != std::string::npos);
    QVERIFY(rc.find(",oracle,oracle-global,") != std::string::npos);
    // deterministic: a second run writes the same files
    auto again = runCompareJob(req, sink);
    QVERIFY(again.ok() && *readFile(again->rankingCsv) == rc &&
            *readFile(again->comparisonCsv) == csv);
    req.metric = "nope";
    QCOMPARE(runCompareJob(req, sink).error().kind, ErrorKind::Usage);
}

// What the GUI shows: the same tables without any file written, without ranking files read when
// the overlap is not asked for, and the clean values per metric.
void TestCompare::computeComparisonWritesNothing() {
    QTemporaryDir dir;
    const ModelSelector sel{"tiny", QuantScheme(), 0.25, dir.path().toStdString()};
    const fs::path modelDir = makeWorkspace(sel);
    NullProgressSink sink;
    const CompareRequest req{.model = sel, .rankingOverlap = false};
    auto shown = computeComparison(req, sink);
    QVERIFY2(shown.ok(), shown.ok() ? "" : shown.error().message.c_str());
    QVERIFY(shown->overlaps.empty() && shown->comparisonCsv.empty());
    QVERIFY(!fs::exists(modelDir / "comparison.csv"));
    QVERIFY(!fs::exists(modelDir / "ranking_comparison.csv"));
    auto written = runCompareJob({.model = sel}, sink);
    QVERIFY(written.ok() && fs::exists(written->comparisonCsv));
    QCOMPARE(written->overlaps.size(), std::size_t(3));
    QCOMPARE(shown->groups.size(), written->groups.size());
    for (std::size_t g = 0; g < shown->groups.size(); ++g) {
        const GroupComparison &a = shown->groups[g], &b = written->groups[g];
        QCOMPARE(a.clean, (std::vector<double>{0.0, 1.0, 0.0})); // loss, accuracy, mismatch
        QCOMPARE(a.rankers.size(), b.rankers.size());
        for (std::size_t r = 0; r < a.rankers.size(); ++r)
            QCOMPARE(a.rankers[r].metrics[1].vus.value, b.rankers[r].metrics[1].vus.value);
    }
    std::stop_source stop;
    stop.request_stop();
    QVERIFY(computeComparison(req, sink, stop.get_token()).error().kind == ErrorKind::Cancelled);
}

QTEST_GUILESS_MAIN(TestCompare)
#include "tst_compare.moc"
