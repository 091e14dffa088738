// Rankings framework: population, plane/global order, the simple and first-order methods
// (scores on the right tensor/index/bit), thread independence, ranking files.
#include "test_support.h"
#include "test_models.h"

#include <map>

#include "engine/core/file_io.h"
#include "engine/model/loss.h"
#include "engine/rank/rank_context.h"
#include "engine/rank/ranking.h"
#include "engine/storage/ranking_file.h"

using namespace netsurf;

namespace {

struct Fixture {
    Model model = test::trainTiny(2).model;
    MatrixRM X;
    Eigen::VectorXd y;
    Fixture() {
        const Dataset d = test::blobs();
        X = model.normalizer.apply(d.trainX.topRows(200));
        y = d.trainY.head(200);
    }
};

Ranking rank(const Fixture& f, RankMethod method, RankOrder order, int threads = 2,
             std::uint64_t seed = 3, Population pop = Population::All) {
    Ranking r;
    r.config = {method, order, pop, seed, 0};
    r.population = makePopulation(f.model, pop);
    RankContext ctx{f.model, r.population, f.X, f.y, seed, {}, {}};
    NullProgressSink sink;
    runInArena(threads, [&] {
        auto s = scoreFunction(method)(ctx, sink, {});
        if (!s) qFatal("%s", s.error().message.c_str());
        r.rows = orderBits(f.model, r.population, *s, r.config);
    });
    r.modelChecksum = "abc";
    r.id = rankingId(r.config, r.modelChecksum);
    return r;
}

// Per-tensor gradient of mean loss + penalty on the surrogate, computed directly.
Gradients directGradient(const Fixture& f) {
    ForwardCache c;
    forward(f.model, f.X, ForwardMode::Surrogate, c);
    MatrixRM dOut;
    lossSum(f.model.loss, c.output(), f.y, &dOut);
    dOut /= double(f.X.rows());
    Gradients g = zeroGradients(f.model);
    backward(f.model, c, dOut, 1.0, g);
    return g;
}

bool samePermutation(const Ranking& a, const Ranking& b) {
    if (a.rows.size() != b.rows.size()) return false;
    for (std::size_t i = 0; i < a.rows.size(); ++i)
        if (a.rows[i].param != b.rows[i].param || a.rows[i].bit != b.rows[i].bit) return false;
    return true;
}

} // namespace

class TestRankings : public QObject {
    Q_OBJECT
    Fixture f;
private slots:
    void populationSkipsPrunedAndOptionallyZeros() {
        const BitPopulation all = makePopulation(f.model, Population::All);
        const BitPopulation nz = makePopulation(f.model, Population::NonZero);
        std::size_t kept = 0, nonzero = 0;
        for (const Tensor& t : f.model.tensors)
            if (t.trainable)
                for (Eigen::Index i = 0; i < t.size(); ++i) {
                    kept += t.kept(i);
                    nonzero += t.kept(i) && t.values[i] != 0.0;
                }
        QCOMPARE(all.params.size(), kept);
        QCOMPARE(nz.params.size(), nonzero);
        QVERIFY(kept < f.model.trainableParameterCount()); // pruning 0.25 removed some
        QCOMPARE(all.bits(), kept * 6);
        QCOMPARE(parsePopulation("most").error().kind, ErrorKind::Usage);
    }
    void everyMethodHasAName() {
        QCOMPARE(allRankMethods().size(), std::size_t(14));
        for (RankMethod m : allRankMethods()) QCOMPARE(*parseRankMethod(toString(m)), m);
        auto bad = parseRankMethod("gradient");
        QVERIFY(!bad.ok() && bad.error().message.find("qpolargrad") != std::string::npos);
        QVERIFY(!parseRankOrder("local").ok());
    }
    void planeOrderPutsEveryMsbFirst() {
        for (RankMethod m : {RankMethod::Grad, RankMethod::WeightAbsValue, RankMethod::GradDelta,
                             RankMethod::BitwiseMsb}) {
            const Ranking r = rank(f, m, RankOrder::Plane);
            QCOMPARE(r.rows.size(), r.population.bits());
            for (std::size_t i = 1; i < r.rows.size(); ++i) {
                QVERIFY(r.rows[i - 1].bit <= r.rows[i].bit);
                if (r.rows[i - 1].bit == r.rows[i].bit)
                    QVERIFY(r.rows[i - 1].score >= r.rows[i].score);
            }
        }
        const Ranking lsb = rank(f, RankMethod::BitwiseLsb, RankOrder::Global);
        QCOMPARE(int(lsb.rows.front().bit), 5);
        QCOMPARE(int(lsb.rows.back().bit), 0);
    }
    void gradScoresLandOnTheRightParameters() {
        const Gradients g = directGradient(f);
        const Ranking plane = rank(f, RankMethod::Grad, RankOrder::Plane);
        const Ranking global = rank(f, RankMethod::Grad, RankOrder::Global);
        for (const Ranking* r : {&plane, &global})
            for (const RankedBit& b : r->rows) {
                const ParamRef& p = r->population.params[b.param];
                const double v = f.model.tensors[p.tensor].values[p.index];
                double want = std::abs(g[p.tensor][p.index]);
                if (r == &global) want *= std::abs(f.model.scheme.delta(v, b.bit));
                QVERIFY(std::abs(b.score - want) <= 1e-12 * std::max(1.0, want));
            }
    }
    void weightAbsValueGlobalScoreIsValueTimesDelta() {
        const Ranking r = rank(f, RankMethod::WeightAbsValue, RankOrder::Global);
        for (const RankedBit& b : r.rows) {
            const double v = paramValue(f.model, r.population.params[b.param]);
            QCOMPARE(b.score, std::abs(v) * std::abs(f.model.scheme.delta(v, b.bit)));
        }
    }
    void gradNormIsWithinUnitIntervalPerTensor() {
        const Ranking r = rank(f, RankMethod::GradNorm, RankOrder::Plane);
        std::map<std::uint32_t, std::pair<double, double>> range;
        for (const RankedBit& b : r.rows) {
            auto& [lo, hi] = range.try_emplace(r.population.params[b.param].tensor, 1.0, 0.0)
                                 .first->second;
            lo = std::min(lo, b.score);
            hi = std::max(hi, b.score);
        }
        for (const auto& [t, lh] : range) {
            QCOMPARE(lh.first, 0.0);
            QVERIFY(lh.second == 1.0 || lh.second == 0.0);
        }
    }
    void seededMethodsAreReproducible() {
        for (RankMethod m : {RankMethod::Random, RankMethod::BitwiseMsb}) {
            QVERIFY(samePermutation(rank(f, m, RankOrder::Plane, 2, 3),
                                    rank(f, m, RankOrder::Plane, 1, 3)));
            QVERIFY(!samePermutation(rank(f, m, RankOrder::Plane, 2, 3),
                                     rank(f, m, RankOrder::Plane, 2, 4)));
        }
        // random is one permutation of the whole population: every bit exactly once
        const Ranking r = rank(f, RankMethod::Random, RankOrder::Plane);
        std::vector<int> seen(r.population.bits(), 0);
        for (const RankedBit& b : r.rows) ++seen[b.param * 6 + b.bit];
        QVERIFY(std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; }));
        QVERIFY(r.rows[0].bit != r.rows[1].bit || r.rows[1].bit != r.rows[2].bit ||
                r.rows[2].bit != r.rows[3].bit); // not plane-sorted
    }
    void identicalForOneAndTwoThreads() {
        for (RankMethod m : {RankMethod::Grad, RankMethod::GradNorm, RankMethod::GradDelta})
            for (RankOrder o : {RankOrder::Plane, RankOrder::Global}) {
                const Ranking a = rank(f, m, o, 1), b = rank(f, m, o, 2);
                QVERIFY(samePermutation(a, b));
                for (std::size_t i = 0; i < a.rows.size(); ++i)
                    QCOMPARE(a.rows[i].score, b.rows[i].score);
            }
    }
    void rankingFileRoundTripAndRefusals() {
        QTemporaryDir dir;
        const Ranking r = rank(f, RankMethod::GradDelta, RankOrder::Global);
        const auto path = test::tempPath(dir, rankingFileName(r));
        QVERIFY(rankingFileName(r).rfind("graddelta-global-", 0) == 0);
        QVERIFY(saveRankingFile(path, f.model, r, {"tiny", 0.25, "now"}).ok());
        auto back = loadRankingFile(path, f.model, "abc");
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        QVERIFY(samePermutation(r, *back));
        for (std::size_t i = 0; i < r.rows.size(); ++i) QCOMPARE(back->rows[i].score, r.rows[i].score);
        QCOMPARE(back->id, r.id);
        // another model's ranking is refused, naming the file
        auto other = loadRankingFile(path, f.model, "def");
        QVERIFY(!other.ok() && other.error().message.find("another model") != std::string::npos);
        QVERIFY(other.error().message.find(path.string()) != std::string::npos);
        // a corrupt row is reported with its line number
        std::string text = *readFile(path);
        const std::size_t line5 = [&] {
            std::size_t p = 0;
            for (int k = 0; k < 4; ++k) p = text.find('\n', p) + 1;
            return p;
        }();
        std::string corrupt = text;
        corrupt.replace(line5, text.find(',', line5) - line5, "x");
        QVERIFY(atomicWriteFile(path, corrupt).ok());
        auto bad = loadRankingFile(path, f.model, "abc");
        QVERIFY(!bad.ok() && bad.error().message.find("line 5") != std::string::npos);
        // a truncated file is reported too
        QVERIFY(atomicWriteFile(path, text.substr(0, text.size() / 2)).ok());
        QVERIFY(!loadRankingFile(path, f.model, "abc").ok());
        QCOMPARE(loadRankingFile(path, f.model, "abc").error().kind, ErrorKind::Data);
    }
};

QTEST_GUILESS_MAIN(TestRankings)
#include "tst_rankings.moc"
