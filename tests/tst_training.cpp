// Training: seeded run beats a fixed accuracy, identical weights for 1 and 2 threads, and the
// model file round-trips bit-identically.
#include "test_support.h"
#include "test_models.h"

#include "engine/bench/train_bench.h"
#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/model/evaluate.h"
#include "engine/core/file_io.h"
#include "engine/storage/model_file.h"
#include "engine/train/trainer.h"

using namespace netsurf;

namespace {

using test::blobs;
using test::tinySpec;
TrainResult trainWith(int threads) { return test::trainTiny(threads); }

} // namespace

class TestTraining : public QObject {
    Q_OBJECT
private slots:
    void beatsFixedAccuracyAndReachesSparsity() {
        const TrainResult r = trainWith(2);
        const Dataset d = blobs();
        const EvalResult e = evaluateModel(r.model, d.testX, d.testY);
        QVERIFY2(metricValue(e.metrics, "accuracy") > 0.9,
                 qPrintable(QString::number(metricValue(e.metrics, "accuracy"))));
        QVERIFY(std::abs(r.model.kernelSparsity() - 0.25) < 0.02);
        for (const Tensor& t : r.model.tensors)
            if (t.trainable)
                for (Eigen::Index i = 0; i < t.size(); ++i)
                    QVERIFY(r.model.scheme.isRepresentable(t.values[i]));
    }
    void identicalWeightsForOneAndTwoThreads() {
        const TrainResult a = trainWith(1), b = trainWith(2);
        QCOMPARE(a.model.tensors.size(), b.model.tensors.size());
        for (std::size_t i = 0; i < a.model.tensors.size(); ++i)
            QVERIFY(a.model.tensors[i].values == b.model.tensors[i].values);
        QCOMPARE(a.history.back().loss, b.history.back().loss);
    }
    void modelFileRoundTripIsBitIdentical() {
        QTemporaryDir dir;
        const auto path = test::tempPath(dir, "model.json");
        ModelFile f;
        f.model = trainWith(2).model;
        f.pruning = 0.25;
        QVERIFY(saveModelFile(path, f).ok());
        auto g = loadModelFile(path);
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().message.c_str());
        for (std::size_t i = 0; i < f.model.tensors.size(); ++i) {
            QVERIFY(f.model.tensors[i].values == g->model.tensors[i].values);
            QVERIFY(f.model.tensors[i].mask == g->model.tensors[i].mask);
        }
        // A truncated file is a data error naming the file.
        auto text = readFile(path);
        QVERIFY(text.ok());
        QVERIFY(atomicWriteFile(path, text->substr(0, text->size() / 2)).ok());
        auto bad = loadModelFile(path);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().kind, ErrorKind::Data);
        QVERIFY(bad.error().message.find(path.string()) != std::string::npos);
    }
    // An undefined metric (NaN, e.g. Pearson of a constant output) is written as null and read
    // back as NaN instead of making the file unreadable.
    void nanMetricRoundTrips() {
        QTemporaryDir dir;
        const auto path = test::tempPath(dir, "model.json");
        ModelFile f;
        f.model = trainWith(1).model;
        f.testMetrics = {{"pearson", std::nan("")}, {"mae", 1.5}};
        QVERIFY(saveModelFile(path, f).ok());
        auto g = loadModelFile(path);
        QVERIFY2(g.ok(), g.ok() ? "" : g.error().message.c_str());
        QVERIFY(std::isnan(metricValue(g->testMetrics, "pearson")));
        QCOMPARE(metricValue(g->testMetrics, "mae"), 1.5);
    }
    // The plain whole-batch reference and the chunked parallel path compute the same gradients
    // (up to summation order).
    void referenceExecutionMatchesParallelGradients() {
        const Dataset d = blobs();
        Model m = trainWith(2).model;
        const MatrixRM X = m.normalizer.apply(d.testX);
        for (ForwardMode mode : {ForwardMode::Training, ForwardMode::Surrogate}) {
            Gradients g[2];
            double loss[2];
            int k = 0;
            for (Execution e : {Execution::Parallel, Execution::Reference}) {
                ForwardCache cache;
                MatrixRM dOut;
                runInArena(2, [&] { forward(m, X, mode, cache, e); });
                loss[k] = lossSum(m.loss, cache.output(), d.testY, &dOut);
                g[k] = zeroGradients(m);
                runInArena(2, [&] { backward(m, cache, dOut, 1.0, g[k]); });
                ++k;
            }
            QVERIFY(std::abs(loss[0] - loss[1]) <= 1e-12 * std::abs(loss[0]));
            for (std::size_t i = 0; i < g[0].size(); ++i) {
                if (g[0][i].size() == 0) continue;
                const double diff = (g[0][i] - g[1][i]).cwiseAbs().maxCoeff();
                const double scale = std::max(1.0, g[0][i].cwiseAbs().maxCoeff());
                QVERIFY2(diff <= 1e-12 * scale, qPrintable(QString::fromStdString(
                                                     m.tensors[i].name + " differs by ") +
                                                 QString::number(diff)));
            }
        }
    }
    void benchTrainReportsThreeRuns() {
        const Dataset d = blobs();
        TrainBenchOptions opt;
        opt.epochs = 2;
        opt.repeats = 1;
        opt.threads = 2;
        opt.pruning = 0.25;
        NullProgressSink sink;
        auto r = benchTraining(tinySpec(), QuantScheme(), d, opt, sink);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->runs.size(), std::size_t(3));
        QCOMPARE(r->runs[0].execution, Execution::Reference);
        QCOMPARE(r->runs[2].threads, 2);
        QCOMPARE(r->rows, makeSplits(d, 0).train.size());
        // dense 6→8 (Z, dW) and 8→2 (Z, dW, dX): 2·(6·8·2 + 8·2·3)
        QCOMPARE(r->flopsPerSample, 288.0);
        for (const auto& run : r->runs) {
            QVERIFY(run.samplesPerSecond > 0);
            QCOMPARE(run.stepSeconds.size(), std::size_t(1));
        }
        QCOMPARE(r->weights, r->runs.size() ? std::size_t(8 * 6 + 8 + 8 + 8 + 2 * 8 + 2) : 0);
        opt.epochs = 0;
        QCOMPARE(benchTraining(tinySpec(), QuantScheme(), d, opt, sink).error().kind,
                 ErrorKind::Usage);
    }
};

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"
