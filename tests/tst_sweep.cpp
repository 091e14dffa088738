// Injection sweeps: flip planning (exhaustive coverage, Monte-Carlo nesting and pairing),
// protected and pruned bits, the results store (round trip, truncated/corrupt rows), and the
// sweep itself (1 vs 2 threads, cancel + resume = uninterrupted).
#include "test_models.h"
#include "test_support.h"

#include <numeric>
#include <set>

#include "engine/core/file_io.h"
#include "engine/inject/results_store.h"
#include "engine/inject/sweep.h"
#include "engine/inject/sweep_file.h"
#include "engine/rank/rank_context.h"

using namespace netsurf;

namespace {

std::vector<std::uint32_t> identityOrder(std::size_t n, std::uint64_t key) {
    return keyedPermutation(std::uint32_t(n), key);
}

SweepConfig grid(SweepMode mode) {
    SweepConfig c;
    c.mode = mode;
    c.bers = {0.01, 0.05, 0.2};
    c.protections = {0.0, 0.1, 0.4};
    c.reps = 7;
    c.seed = 5;
    return c;
}

SweepResults identity() {
    SweepResults r;
    r.rankingId = "abc123";
    r.method = "grad";
    r.order = "plane";
    r.population = "all";
    r.benchmark = "tiny";
    r.quantization = "q<6,2,1>";
    r.pruning = 0.25;
    r.evalSplit = "test";
    r.modelChecksum = "sum";
    r.evalDataChecksum = "0123456789abcdef";
    r.metricNames = {"accuracy"};
    r.cleanLoss = 0.1;
    r.cleanMetrics = {0.9};
    return r;
}

SweepRow row(double p, double ber, int rep) {
    SweepRow r;
    r.protection = p;
    r.ber = ber;
    r.rep = rep;
    r.flips = std::uint64_t(rep + 1);
    r.trueBer = ber * 1.01;
    r.loss = 0.1 + 1.0 / 3.0 * rep;
    r.metrics = {0.9 - 0.01 * rep};
    r.mismatchRate = 0.125;
    return r;
}

using SweepFixture = test::RankedTiny;

std::vector<SweepRow> sweepWith(const SweepFixture& f, const SweepConfig& c, int threads) {
    std::optional<Result<std::vector<SweepRow>>> r;
    NullProgressSink sink;
    runInArena(threads, [&] {
        const DenseFaultyEvaluator ev(f.model, f.data.testX, f.data.testY);
        r.emplace(runSweep(ev, f.ranking, c, {}, {}, {}, sink, {}));
    });
    if (!r->ok()) qFatal("%s", r->error().message.c_str());
    return **r;
}

bool sameRows(const std::vector<SweepRow>& a, const std::vector<SweepRow>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].protection != b[i].protection || a[i].ber != b[i].ber || a[i].rep != b[i].rep ||
            a[i].flips != b[i].flips || a[i].loss != b[i].loss || a[i].metrics != b[i].metrics ||
            a[i].mismatchRate != b[i].mismatchRate)
            return false;
    return true;
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT
private slots:
    void exhaustiveFlipsEverySusceptibleBitOnce() {
        const std::size_t T = 1000;
        const auto order = identityOrder(T, 1);
        const SweepConfig c = grid(SweepMode::Exhaustive);
        const FlipPlanner plan(order, c);
        for (double p : c.protections)
            for (std::size_t b = 0; b < c.bers.size(); ++b) {
                const std::size_t P = plan.protectedCount(p);
                QCOMPARE(P, std::size_t(std::floor(T * p + 1e-9)));
                std::set<std::uint32_t> prot(order.begin(), order.begin() + std::ptrdiff_t(P));
                std::vector<int> seen(T, 0);
                const int R = plan.repetitions(p, b);
                const std::size_t F = plan.flipsPerRep(p, b);
                QCOMPARE(std::size_t(R), (T - P + F - 1) / F);
                for (int r = 0; r < R; ++r) {
                    const auto ids = plan.flips(p, b, r);
                    QVERIFY(ids.size() == F || r == R - 1);
                    for (auto id : ids) {
                        QVERIFY(!prot.count(id));
                        ++seen[id];
                    }
                }
                for (std::uint32_t id = 0; id < T; ++id)
                    QCOMPARE(seen[id], prot.count(id) ? 0 : 1);
            }
    }
    void exhaustiveFlipsArePairedAcrossRankers() {
        // two rankers protecting the same set (different order inside it) see the same flips
        const std::size_t T = 500;
        auto a = identityOrder(T, 2);
        auto b = a;
        std::reverse(b.begin(), b.begin() + 50); // same top-50 set, different order
        const SweepConfig c = grid(SweepMode::Exhaustive);
        const FlipPlanner pa(a, c), pb(b, c);
        for (int r = 0; r < 3; ++r)
            QCOMPARE(pa.flips(0.1, 1, r), pb.flips(0.1, 1, r));
    }
    // SPEC §4: the permutation of a BER is keyed by its value, not its position in the list
    void exhaustiveFlipsAreKeyedByTheBerValue() {
        const auto order = identityOrder(1000, 6);
        SweepConfig two = grid(SweepMode::Exhaustive), one = two;
        two.bers = {0.01, 0.1};
        one.bers = {0.1};
        const FlipPlanner p2(order, two), p1(order, one);
        for (double p : two.protections) {
            QCOMPARE(p2.repetitions(p, 1), p1.repetitions(p, 0));
            QCOMPARE(p2.plan(p, 1).sequence, p1.plan(p, 0).sequence);
            for (int r = 0; r < p1.repetitions(p, 0); ++r)
                QCOMPARE(p2.flips(p, 1, r), p1.flips(p, 0, r));
            QVERIFY(p2.plan(p, 0).sequence != p2.plan(p, 1).sequence); // one per BER value
        }
    }
    // Repetition k of a Monte-Carlo grid is the same whatever K and the BER list are.
    void monteCarloRepetitionsDoNotDependOnTheirCount() {
        const auto order = identityOrder(3000, 7);
        SweepConfig few = grid(SweepMode::MonteCarlo), many = few;
        few.reps = 3;
        many.reps = 11;
        many.bers = {0.5, 0.05, 0.001, 0.01, 0.2};
        const FlipPlanner pf(order, few), pm(order, many);
        for (double p : few.protections)
            for (std::size_t b = 0; b < few.bers.size(); ++b) {
                const auto bm = std::size_t(
                    std::find(many.bers.begin(), many.bers.end(), few.bers[b]) - many.bers.begin());
                for (int k = 0; k < few.reps; ++k)
                    QCOMPARE(pf.flips(p, b, k), pm.flips(p, bm, k));
            }
    }
    void monteCarloIsNestedInBerAndPairedAcrossRankers() {
        const std::size_t T = 4000;
        const SweepConfig c = grid(SweepMode::MonteCarlo);
        const auto a = identityOrder(T, 3), b = identityOrder(T, 4);
        const FlipPlanner pa(a, c), pb(b, c);
        for (int k = 0; k < c.reps; ++k) {
            QCOMPARE(pa.repetitions(0.1, 0), c.reps);
            for (std::size_t i = 1; i < c.bers.size(); ++i) {
                const auto lo = pa.flips(0.1, i - 1, k), hi = pa.flips(0.1, i, k);
                QVERIFY(std::includes(hi.begin(), hi.end(), lo.begin(), lo.end()));
            }
            // bits unprotected by both rankers flip identically
            const auto fa = pa.flips(0.4, 2, k), fb = pb.flips(0.4, 2, k);
            std::set<std::uint32_t> protA(a.begin(), a.begin() + 1600),
                protB(b.begin(), b.begin() + 1600);
            std::vector<std::uint32_t> ca, cb;
            for (auto id : fa)
                if (!protB.count(id)) ca.push_back(id);
            for (auto id : fb)
                if (!protA.count(id)) cb.push_back(id);
            QCOMPARE(ca, cb);
            for (auto id : fa)
                QVERIFY(!protA.count(id));
        }
        // the realised BER is close to the nominal one
        std::size_t flips = 0;
        for (int k = 0; k < c.reps; ++k)
            flips += pa.flips(0.0, 2, k).size();
        QVERIFY(std::abs(double(flips) / (c.reps * double(T)) - 0.2) < 0.02);
    }
    void paramFlipsGroupBitsAndSkipPrunedEntries() {
        const Model model = test::trainTiny(1).model;
        const BitPopulation pop = makePopulation(model, Population::All);
        std::vector<std::uint32_t> all(pop.bits());
        std::iota(all.begin(), all.end(), 0u);
        const auto flips = toParamFlips(pop, all);
        QCOMPARE(flips.size(), pop.params.size());
        for (const ParamFlip& f : flips) {
            QCOMPARE(f.mask, 63u);                          // all six bits of q<6,2,1>
            QVERIFY(model.tensors[f.tensor].kept(f.index)); // pruned entries never flip
        }
        const auto one = toParamFlips(pop, {6 * 3 + 0, 6 * 3 + 5});
        QCOMPARE(one.size(), std::size_t(1));
        QCOMPARE(one[0].mask, (1u << 5) | 1u); // MSB ↔ mask bit m−1, LSB ↔ mask bit 0
    }
    void badGridsAreUsageErrors() {
        for (auto [bers, prots] : {std::pair<std::vector<double>, std::vector<double>>{{}, {0.1}},
                                   {{0.0}, {0.1}},
                                   {{1.5}, {0.1}},
                                   {{0.1}, {1.0}},
                                   {{0.1}, {-0.1}},
                                   {{0.1, 0.1}, {0.1}}}) {
            SweepConfig c;
            c.bers = bers;
            c.protections = prots;
            const Status st = validateSweepConfig(c);
            QVERIFY(!st.ok());
            QCOMPARE(st.error().kind, ErrorKind::Usage);
        }
        QVERIFY(validateSweepConfig(SweepConfig{}).ok());
    }
    void resultsStoreRoundTripAndDamage() {
        QTemporaryDir dir;
        const auto path = test::tempPath(dir, "exp/results.csv");
        SweepResults r = identity();
        r.rows = {row(0.1, 0.01, 0), row(0.1, 0.01, 1)};
        QVERIFY(writeResultsFile(path, r, 2).ok());
        QVERIFY(appendResultRows(path, r, {row(0.1, 0.05, 0), row(0.2, 0.01, 0)}).ok());
        std::vector<std::string> warnings;
        auto back = loadResultsFile(path, &warnings);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        QVERIFY(warnings.empty());
        QCOMPARE(back->rows.size(), std::size_t(4));
        QCOMPARE(back->rows[1].loss, row(0.1, 0.01, 1).loss); // 17 digits: exact
        QCOMPARE(back->quantization, std::string("q<6,2,1>"));
        QCOMPARE(back->metricNames, r.metricNames);
        // a killed run leaves a truncated last line; a corrupt row is reported by line number
        std::string text = *readFile(path);
        const std::size_t row4 = text.find("\n0.2") + 1;
        text = text.substr(0, row4) + "0.2,0.01,zero" + text.substr(text.find('\n', row4)) +
               "0.3,0.01,0,1,0.0";
        QVERIFY(atomicWriteFile(path, text).ok());
        warnings.clear();
        back = loadResultsFile(path, &warnings);
        QVERIFY(back.ok());
        QCOMPARE(back->rows.size(), std::size_t(3));
        QCOMPARE(warnings.size(), std::size_t(2));
        QVERIFY2(warnings[0].find("line 6") != std::string::npos, warnings[0].c_str());
        QVERIFY(warnings[1].find("truncated") != std::string::npos);
        // a file that is not a results file is an error naming it
        QVERIFY(atomicWriteFile(path, "protection,ber\n").ok());
        auto bad = loadResultsFile(path);
        QVERIFY(!bad.ok() && bad.error().message.find(path.string()) != std::string::npos);
    }
    void sweepIsIdenticalForOneAndTwoThreads() {
        const SweepFixture f;
        for (SweepMode mode : {SweepMode::Exhaustive, SweepMode::MonteCarlo}) {
            const SweepConfig c = grid(mode);
            const auto a = sweepWith(f, c, 1), b = sweepWith(f, c, 2);
            QVERIFY(sameRows(a, b));
            QVERIFY(a.size() > 20);
            for (const SweepRow& r : a)
                QVERIFY(r.flips >= 1 || mode == SweepMode::MonteCarlo);
        }
    }
    void cancelledAndResumedRunEqualsUninterrupted() {
        const SweepFixture f;
        const SweepConfig c = grid(SweepMode::Exhaustive);
        QTemporaryDir dir;
        const auto once = test::tempPath(dir, "once/results.csv");
        const auto twice = test::tempPath(dir, "twice/results.csv");
        SweepResults id = identity();
        NullProgressSink sink;
        runInArena(2, [&] {
            const DenseFaultyEvaluator ev(f.model, f.data.testX, f.data.testY);
            QVERIFY(runSweepToFile(ev, f.ranking, c, id, once, {}, sink, {}).ok());
            // interrupt after the second batch: a stop requested from the progress sink
            struct StopAfter : ProgressSink {
                std::stop_source src;
                int batches = 0;
                void progress(const Progress& p) override {
                    if (p.stage == "inject" && ++batches == 2) src.request_stop();
                }
            } stopper;
            auto cut =
                runSweepToFile(ev, f.ranking, c, id, twice, {}, stopper, stopper.src.get_token());
            QVERIFY(!cut.ok());
            QCOMPARE(cut.error().kind, ErrorKind::Cancelled);
            // a killed writer leaves half a line behind
            std::string text = *readFile(twice);
            QVERIFY(atomicWriteFile(twice, text + "0.4,0.2,3,12,0.0").ok());
            auto resumed = runSweepToFile(ev, f.ranking, c, id, twice, {}, sink, {});
            QVERIFY2(resumed.ok(), resumed.ok() ? "" : resumed.error().message.c_str());
            QVERIFY(resumed->reusedRows > 0 && resumed->computedRows > 0);
            QCOMPARE(resumed->warnings.size(), std::size_t(1));
        });
        auto a = loadResultsFile(once), b = loadResultsFile(twice);
        QVERIFY(a.ok() && b.ok());
        QVERIFY(sameRows(a->rows, b->rows));
        // the same file written by another ranking is refused, naming it
        SweepResults other = id;
        other.rankingId = "zzz";
        runInArena(1, [&] {
            const DenseFaultyEvaluator ev(f.model, f.data.testX, f.data.testY);
            auto r = runSweepToFile(ev, f.ranking, c, other, twice, {}, sink, {});
            QVERIFY(!r.ok() && r.error().message.find(twice.string()) != std::string::npos);
        });
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
