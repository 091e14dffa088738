// Oracle ranking: the incremental ΔL of every bit agrees with a full re-evaluation on tiny nets
// of every layer kind, results are identical for 1 and 2 threads, a hand-computed flip, and
// cancellation.
#include "test_support.h"

#include <stop_token>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/model/benchmarks.h"
#include "engine/model/loss.h"
#include "engine/model/network.h"
#include "engine/rank/oracle.h"
#include "engine/rank/rank_context.h"
#include "engine/train/trainer.h"

using namespace netsurf;

namespace {

// Keyed uniform draw in [lo, hi).
double draw(std::uint64_t a, std::uint64_t b, std::uint64_t c, double lo, double hi) {
    return lo + (hi - lo) * toUnit(hashKey(97, a, b, c));
}

// n rows of d features; classification: label i mod classes shifts the first features;
// regression (classes = 0): y = Σ_j x_j·(j+1)/d + noise.
Dataset makeData(int n, int d, int classes) {
    Dataset data;
    data.name = "synthetic";
    data.task = classes ? TaskKind::Classification : TaskKind::Regression;
    data.inputShape = {d};
    data.classes = classes;
    data.trainX.resize(n, d);
    data.trainY.resize(n);
    for (int i = 0; i < n; ++i) {
        double t = 0;
        for (int j = 0; j < d; ++j) {
            data.trainX(i, j) = draw(1, std::uint64_t(i), std::uint64_t(j), -1.0, 1.0) +
                                (classes && j < 3 ? 0.8 * (i % classes) : 0.0);
            t += data.trainX(i, j) * (j + 1) / d;
        }
        data.trainY[i] = classes ? double(i % classes) : t + draw(2, std::uint64_t(i), 0, 0, 0.3);
    }
    data.testX = data.trainX;
    data.testY = data.trainY;
    return data;
}

BenchmarkSpec spec(std::vector<LayerSpec> layers, LossKind loss) {
    BenchmarkSpec s;
    s.name = "tiny";
    s.dataset = "synthetic";
    s.layers = std::move(layers);
    s.loss = loss;
    return s;
}

// Glorot kernels, then keyed non-trivial biases, α, β, γ and moving statistics; every 5th kernel
// entry pruned and a few kept entries exactly 0 (for the nonzero population); quantized.
Model makeModel(const BenchmarkSpec& s, const QuantScheme& q, const Dataset& data) {
    Model m = buildModel(s, q, data, 3);
    m.normalizer = Normalizer::fit(data.trainX, q.minValue(), q.maxValue(), false);
    for (std::size_t t = 0; t < m.tensors.size(); ++t) {
        Tensor& tn = m.tensors[t];
        const auto r = [&](Eigen::Index i, double lo, double hi) {
            return draw(3, t, std::uint64_t(i), lo, hi);
        };
        for (Eigen::Index i = 0; i < tn.size(); ++i) {
            if (tn.role == "bias" || tn.role == "beta") tn.values[i] = r(i, -1.0, 1.0);
            if (tn.role == "alpha" || tn.role == "gamma") tn.values[i] = r(i, 0.5, 2.0);
            if (tn.role == "moving_mean") tn.values[i] = r(i, -1.0, 1.0);
            if (tn.role == "moving_variance") tn.values[i] = r(i, 0.3, 3.0);
            if (tn.role == "kernel" && i % 7 == 3) tn.values[i] = 0.0;
        }
        if (tn.role == "kernel") {
            tn.mask.assign(std::size_t(tn.size()), 1);
            for (std::size_t i = 0; i < tn.mask.size(); i += 5) tn.mask[i] = 0;
        }
    }
    m.quantizeInPlace();
    return m;
}

struct Net {
    Model model;
    MatrixRM X;
    Eigen::VectorXd y;
};

Net makeNet(const std::string& kind, const QuantScheme& q) {
    using K = LayerKind;
    if (kind == "regression") {
        const Dataset d = makeData(120, 5, 0);
        Model m = makeModel(spec({{K::Dense, 8}, {K::ApplyAlpha, 0, 10.0}, {K::QRelu},
                                  {K::Dense, 6}, {K::ApplyAlpha, 0, 10.0}, {K::QRelu},
                                  {K::Dense, 1}}, LossKind::MeanSquaredError), q, d);
        return {m, m.normalizer.apply(d.trainX), d.trainY};
    }
    // "wide": 10 classes, so the row phase runs Eigen packets (alignment-independent results)
    const int classes = kind == "wide" ? 10 : 3;
    const Dataset d = makeData(150, 6, classes);
    std::vector<LayerSpec> layers{{K::Dense, 8}, {K::ApplyAlpha, 0, 1.0}};
    if (kind == "batchnorm") layers.push_back({K::BatchNorm});
    layers.insert(layers.end(), {{K::QRelu}, {K::Dense, classes}, {K::Softmax}});
    Model m = makeModel(spec(layers, LossKind::CrossEntropy), q, d);
    return {m, m.normalizer.apply(d.trainX), d.trainY};
}

bool close(double a, double ref) { return std::abs(a - ref) <= 1e-9 + 1e-6 * std::abs(ref); }

OracleScores scoreWith(int threads, const OracleEvaluator& ev, const BitPopulation& pop) {
    NullProgressSink sink;
    std::optional<Result<OracleScores>> r;
    runInArena(threads, [&] { r.emplace(ev.scorePopulation(pop, sink, {})); });
    if (!r->ok()) qFatal("oracle failed: %s", r->error().message.c_str());
    return std::move(**r);
}

// Records the progress reports.
struct RecordingSink : ProgressSink {
    std::vector<Progress> reports;
    void progress(const Progress& p) override { reports.push_back(p); }
};

} // namespace

class TestOracle : public QObject {
    Q_OBJECT
private slots:
    void matchesFullReevaluation_data() {
        QTest::addColumn<QString>("net");
        QTest::addColumn<QString>("scheme");
        for (const char* net : {"alpha", "batchnorm", "wide", "regression"})
            for (const char* q : {"q<6,2,1>", "q<8,3,1>", "q<5,1,0>"})
                QTest::newRow((std::string(net) + " " + q).c_str()) << net << q;
    }
    // Every bit of the population: incremental ΔL (single bit without memo, and the population
    // sweep with memos and row blocks) equals L(flipped) − L by a full forward pass.
    void matchesFullReevaluation() {
        QFETCH(QString, net);
        QFETCH(QString, scheme);
        const Net n = makeNet(net.toStdString(), *QuantScheme::parse(scheme.toStdString()));
        const BitPopulation pop = makePopulation(n.model, Population::All);
        const OracleEvaluator ev(n.model, n.X, n.y);
        const double clean = exactMeanLoss(n.model, n.X, n.y);
        QVERIFY(std::abs(ev.cleanLoss() - clean) <= 1e-12 * std::abs(clean));
        const OracleScores all = scoreWith(2, ev, pop);
        const auto m = std::size_t(pop.bitsPerParam);
        double worst = 0, worstRel = 0, nonzero = 0;
        for (std::size_t p = 0; p < pop.params.size(); ++p) {
            for (std::size_t b = 0; b < m; ++b) {
                const double ref =
                    fullReevaluationDeltaLoss(n.model, n.X, n.y, pop.params[p], int(b), clean);
                const double inc = ev.deltaLoss(pop.params[p], int(b));
                const double swept = all.deltaLoss[p * m + b];
                const double diff = std::max(std::abs(inc - ref), std::abs(swept - ref));
                worst = std::max(worst, diff);
                if (ref != 0) worstRel = std::max(worstRel, diff / std::abs(ref));
                nonzero += ref != 0 ? 1 : 0;
                QVERIFY2(close(inc, ref) && close(swept, ref),
                         qPrintable(QString("param %1 bit %2: %3 / %4 vs %5")
                                        .arg(p).arg(b).arg(inc).arg(swept).arg(ref)));
            }
        }
        QVERIFY(nonzero > double(pop.bits()) / 4); // the flips do change the loss
        qDebug("%zu bits, max |incremental − full| = %.3g (relative %.3g)", pop.bits(), worst,
               worstRel);
    }
    void identicalForOneAndTwoThreads() {
        for (const char* kind : {"alpha", "batchnorm", "wide", "regression"}) {
            const Net n = makeNet(kind, QuantScheme());
            const BitPopulation pop = makePopulation(n.model, Population::All);
            const OracleEvaluator ev(n.model, n.X, n.y);
            const OracleScores a = scoreWith(1, ev, pop), b = scoreWith(2, ev, pop);
            QVERIFY(a.deltaLoss == b.deltaLoss);
            QCOMPARE(a.changedSamples, b.changedSamples);
        }
    }
    // Regression net ending in dense: the output bias b shifts every output o_s by δ, so
    // ΔL = (1/N) Σ ((o_s + δ − y_s)² − (o_s − y_s)²) = 2δ·mean(o − y) + δ².
    // With b = 1.375 = 001.011 in q<6,2,1>, the sign bit has δ = −4 and bit 3 δ = +0.5 (SPEC §1).
    void lastBiasFlipByHand() {
        Net n = makeNet("regression", QuantScheme());
        const int bias = n.model.tensorIndex("dense_2/bias");
        QVERIFY(bias >= 0);
        n.model.tensors[std::size_t(bias)].values[0] = 1.375;
        ForwardCache cache;
        forward(n.model, n.X, ForwardMode::Exact, cache);
        const double meanErr = (cache.output().col(0) - n.y).mean();
        const OracleEvaluator ev(n.model, n.X, n.y);
        const ParamRef p{std::uint32_t(bias), 0};
        for (const auto& [bit, delta] : {std::pair{0, -4.0}, std::pair{3, 0.5}}) {
            const double expected = 2 * delta * meanErr + delta * delta;
            const double got = ev.deltaLoss(p, bit);
            QVERIFY2(std::abs(got - expected) <= 1e-12 * std::max(1.0, std::abs(expected)),
                     qPrintable(QString("bit %1: %2 vs %3").arg(bit).arg(got).arg(expected)));
        }
    }
    // scoreOracle through a RankContext: per-bit signed ΔL in population order, for the
    // nonzero population too, with its diagnostics and throttled progress.
    void scoreOracleThroughContext() {
        const Net n = makeNet("batchnorm", QuantScheme());
        for (Population which : {Population::All, Population::NonZero}) {
            const BitPopulation pop = makePopulation(n.model, which);
            RankContext ctx{n.model, pop, n.X, n.y, 5, {}, {}};
            RecordingSink sink;
            std::optional<Result<MethodScores>> r;
            runInArena(2, [&] { r.emplace(scoreOracle(ctx, sink, {})); });
            QVERIFY2(r->ok(), r->ok() ? "" : r->error().message.c_str());
            const MethodScores& s = **r;
            QCOMPARE(s.kind, ScoreKind::PerBit);
            QCOMPARE(s.values.size(), pop.bits());
            const double clean = exactMeanLoss(n.model, n.X, n.y);
            const auto m = std::size_t(pop.bitsPerParam);
            for (std::size_t i = 0; i < s.values.size(); i += 7)
                QVERIFY(close(s.values[i], fullReevaluationDeltaLoss(n.model, n.X, n.y,
                                                                     pop.params[i / m],
                                                                     int(i % m), clean)));
            QCOMPARE(metricValue(s.diagnostics, "full_evaluations"), 0.0);
            const double frac = metricValue(s.diagnostics, "changed_sample_fraction");
            QVERIFY(frac > 0 && frac <= 1);
            QVERIFY(!sink.reports.empty() && sink.reports.size() <= 103);
            QCOMPARE(sink.reports.back().done, std::int64_t(pop.params.size()));
            QCOMPARE(sink.reports.back().stage, std::string("oracle"));
        }
    }
    void cancellation() {
        const Net n = makeNet("alpha", QuantScheme());
        const BitPopulation pop = makePopulation(n.model, Population::All);
        RankContext ctx{n.model, pop, n.X, n.y, 0, {}, {}};
        std::stop_source stopped;
        stopped.request_stop();
        NullProgressSink sink;
        auto r = scoreOracle(ctx, sink, stopped.get_token());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Cancelled);
        const OracleEvaluator ev(n.model, n.X, n.y);
        auto s = ev.scorePopulation(pop, sink, stopped.get_token());
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Cancelled);
    }
    // A trained model (realistic activations: most qrelu units active on some rows).
    void trainedModelMatchesFullReevaluation() {
        const Dataset d = makeData(300, 6, 2);
        const BenchmarkSpec s = spec({{LayerKind::Dense, 8}, {LayerKind::ApplyAlpha, 0, 1.0},
                                      {LayerKind::QRelu}, {LayerKind::Dense, 2},
                                      {LayerKind::Softmax}}, LossKind::CrossEntropy);
        BenchmarkSpec trained = s;
        trained.epochs = 4;
        trained.batchSize = 32;
        trained.pruning = {2, 2, 4};
        NullProgressSink sink;
        auto r = trainModel(trained, QuantScheme(), 0.25, d, makeSplits(d, 1), {0, 1}, sink);
        QVERIFY(r.ok());
        const Model& model = r->model;
        const MatrixRM X = model.normalizer.apply(d.trainX);
        const BitPopulation pop = makePopulation(model, Population::All);
        const OracleEvaluator ev(model, X, d.trainY);
        const OracleScores all = scoreWith(2, ev, pop);
        const double clean = exactMeanLoss(model, X, d.trainY);
        const auto m = std::size_t(pop.bitsPerParam);
        for (std::size_t i = 0; i < all.deltaLoss.size(); ++i) {
            const double ref =
                fullReevaluationDeltaLoss(model, X, d.trainY, pop.params[i / m], int(i % m), clean);
            QVERIFY2(close(all.deltaLoss[i], ref),
                     qPrintable(QString("bit %1: %2 vs %3").arg(i).arg(all.deltaLoss[i]).arg(ref)));
        }
    }
};

QTEST_GUILESS_MAIN(TestOracle)
#include "tst_oracle.moc"
