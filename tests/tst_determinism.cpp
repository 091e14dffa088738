// Same seed, same build, same numbers on every machine (issue: a machine with a 48 KiB L1 cache
// trained other models): training and evaluation under two different Eigen cache-size settings
// give identical bytes, and `evaluate`, the oracle's clean loss and a sweep's clean values agree
// exactly.
#include "test_support.h"

#include <Eigen/Core>
#include <fstream>

#include "engine/core/number_format.h"
#include "engine/core/parallel.h"
#include "engine/core/product_blocking.h"
#include "engine/core/rng.h"
#include "engine/inject/faulty_eval.h"
#include "engine/model/evaluate.h"
#include "engine/model/input_grid.h"
#include "engine/rank/oracle.h"
#include "engine/storage/model_file.h"
#include "engine/train/trainer.h"

using namespace netsurf;

namespace {

// MNIST-like stand-in: 784 "pixels" on 256 decimal grey levels (k/255, mostly background), 10
// classes that depend on the pixels. The depth 784 is above Eigen's depth block, so the
// first layer's sums are split by the cache-size heuristic.
Dataset pixels(int train, int test) {
    Dataset d;
    d.name = "pixels";
    d.task = TaskKind::Classification;
    d.inputShape = {28, 28};
    d.classes = 10;
    auto fill = [](MatrixRM& X, Eigen::VectorXd& y, int n, std::uint64_t key) {
        X.setZero(n, 784);
        y.resize(n);
        for (int i = 0; i < n; ++i) {
            y[i] = i % 10;
            for (int j = 0; j < 784; ++j) {
                const std::uint64_t h = hashKey(key, std::uint64_t(i), std::uint64_t(j));
                if (h % 5 == 0 || (j % 10 == i % 10 && h % 3 == 0))
                    X(i, j) = double((h >> 8) % 256) / 255.0;
            }
        }
    };
    fill(d.trainX, d.trainY, train, 1);
    fill(d.testX, d.testY, test, 2);
    return d;
}

BenchmarkSpec mnistSpec(int epochs) {
    BenchmarkSpec s = *benchmarkSpec("mnist_fnn");
    s.epochs = epochs;
    s.pruning = {1, 1, 2};
    return s;
}

// Everything a training run writes, as bytes: model.json (without wall times and dates) and
// history.csv (without the seconds column), plus the test evaluation.
struct RunBytes {
    std::string model, history, evaluation;
};

RunBytes trainAndEvaluate(const Dataset& d, const QuantScheme& q, std::ptrdiff_t l1) {
    Eigen::setCpuCacheSizes(l1, 2 * 1024 * 1024, 64 * 1024 * 1024); // "another machine"
    RunBytes out;
    NullProgressSink sink;
    runInArena(2, [&] {
        const Splits sp = makeSplits(d, 3);
        auto r = trainModel(mnistSpec(2), q, 0.25, d, sp, {0, 3}, sink);
        QVERIFY(r.ok());
        for (const EpochRecord& e : r->history) // every double exactly, not history.csv's %.10g
            out.history += shortestDouble(e.loss) + " " + shortestDouble(e.valLoss) + " " +
                           shortestDouble(e.metrics[0].second) + "\n";
        const EvalResult e = evaluateModel(r->model, sp.test.X, sp.test.y);
        out.evaluation = shortestDouble(e.loss) + " " + shortestDouble(e.metrics[0].second);
        QTemporaryDir dir;
        const auto path = test::tempPath(dir, "model.json");
        ModelFile file;
        file.model = r->model;
        file.pruning = 0.25;
        file.testLoss = e.loss;
        file.testMetrics = e.metrics;
        QVERIFY(saveModelFile(path, file).ok());
        std::ifstream in(path);
        out.model.assign(std::istreambuf_iterator<char>(in), {});
    });
    return out;
}

} // namespace

class TestDeterminism : public QObject {
    Q_OBJECT
private slots:
    // The simulation is effective: unpinned, Eigen really sums a 784-deep product differently
    // under the two settings (so the test below would see a machine-dependent engine).
    void eigenOrderFollowsCacheSizes() {
        const Dataset d = pixels(256, 8);
        MatrixRM W(784, 64);
        for (Eigen::Index i = 0; i < W.size(); ++i)
            W.data()[i] = toUnit(hashKey(9, std::uint64_t(i))) - 0.5;
        const MatrixRM X = d.trainX.array() * 0.7 + 0.1;
        Eigen::setCpuCacheSizes(48 * 1024, 2 * 1024 * 1024, 64 * 1024 * 1024);
        const MatrixRM a = X * W;
        Eigen::setCpuCacheSizes(32 * 1024, 2 * 1024 * 1024, 64 * 1024 * 1024);
        const MatrixRM b = X * W;
        QVERIFY(a != b);
        QVERIFY((a - b).cwiseAbs().maxCoeff() < 1e-12);
        pinProductBlocking();
        QCOMPARE(Eigen::l1CacheSize(), kProductL1Bytes);
    }

    void sameBytesUnderTwoCacheSizes_data() {
        QTest::addColumn<QString>("scheme");
        QTest::newRow("q<6,2,1> (dyadic input grid)") << "q<6,2,1>";
        QTest::newRow("q<16,1,1> (grid too coarse: fixed order alone)") << "q<16,1,1>";
    }
    void sameBytesUnderTwoCacheSizes() {
        QFETCH(QString, scheme);
        const QuantScheme q = *QuantScheme::parse(scheme.toStdString());
        const Dataset d = pixels(600, 200);
        const RunBytes a = trainAndEvaluate(d, q, 48 * 1024);
        const RunBytes b = trainAndEvaluate(d, q, 64 * 1024);
        const RunBytes c = trainAndEvaluate(d, q, 32 * 1024);
        QVERIFY(!a.model.empty() && a.history.size() > 40);
        QVERIFY(a.model == b.model && a.model == c.model);
        QCOMPARE(a.history, b.history);
        QCOMPARE(a.history, c.history);
        QCOMPARE(a.evaluation, b.evaluation);
    }

    // evaluate, the oracle's clean loss and the faulty evaluators' clean values are the same
    // doubles (one input grid, one set of layer functions, one loss reduction).
    void evaluateOracleAndSweepAgreeExactly() {
        const Dataset d = pixels(1500, 300);
        NullProgressSink sink;
        runInArena(2, [&] {
            const Splits sp = makeSplits(d, 3);
            auto r = trainModel(mnistSpec(1), QuantScheme(), 0.25, d, sp, {0, 3}, sink);
            QVERIFY(r.ok());
            for (const Split* s : {&sp.train, &sp.test}) {
                const EvalResult e = evaluateModel(r->model, s->X, s->y);
                const OracleEvaluator oracle(r->model, evaluationInputs(r->model, s->X), s->y);
                const FastFaultyEvaluator fast(r->model, s->X, s->y);
                const DenseFaultyEvaluator dense(r->model, s->X, s->y);
                QCOMPARE(oracle.cleanLoss(), e.loss);
                QCOMPARE(fast.clean().loss, e.loss);
                QCOMPARE(dense.clean().loss, e.loss);
                QCOMPARE(fast.clean().metrics, e.metrics);
                QCOMPARE(fast.evaluate({}).loss, e.loss);
            }
        });
    }
};

QTEST_GUILESS_MAIN(TestDeterminism)
#include "tst_determinism.moc"
