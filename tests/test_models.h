#pragma once
// Tiny deterministic datasets and models shared by the engine tests.
#include <QtGlobal>
#include <optional>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/model/benchmarks.h"
#include "engine/rank/rank_context.h"
#include "engine/rank/ranking.h"
#include "engine/train/trainer.h"

namespace netsurf::test {

// Two Gaussian-ish blobs in 6 dimensions (deterministic, keyed draws): 600 train, 200 test.
inline Dataset blobs() {
    Dataset d;
    d.name = "blobs";
    d.task = TaskKind::Classification;
    d.inputShape = {6};
    d.classes = 2;
    auto fill = [](MatrixRM& X, Eigen::VectorXd& y, int n, std::uint64_t key) {
        X.resize(n, 6);
        y.resize(n);
        for (int i = 0; i < n; ++i) {
            y[i] = i % 2;
            for (int j = 0; j < 6; ++j)
                X(i, j) = (y[i] ? 1.0 : -1.0) * (j < 3 ? 1.0 : 0.0) +
                          1.2 * (toUnit(hashKey(key, std::uint64_t(i), std::uint64_t(j))) - 0.5);
        }
    };
    fill(d.trainX, d.trainY, 600, 1);
    fill(d.testX, d.testY, 200, 2);
    return d;
}

// 6 → dense 8 → apply_alpha → qrelu → dense 2 → softmax, 8 epochs, pruning from epoch 2 to 6.
inline BenchmarkSpec tinySpec() {
    BenchmarkSpec s;
    s.name = "tiny";
    s.dataset = "blobs";
    s.layers = {{LayerKind::Dense, 8},
                {LayerKind::ApplyAlpha, 0, 1.0},
                {LayerKind::QRelu},
                {LayerKind::Dense, 2},
                {LayerKind::Softmax}};
    s.batchSize = 32;
    s.epochs = 8;
    s.pruning = {2, 2, 6};
    return s;
}

inline TrainResult trainTiny(int threads, double pruning = 0.25,
                             const QuantScheme& scheme = QuantScheme()) {
    const Dataset d = blobs();
    const Splits sp = makeSplits(d, 7);
    NullProgressSink sink;
    std::optional<Result<TrainResult>> r;
    runInArena(threads, [&] {
        r.emplace(trainModel(tinySpec(), scheme, pruning, d, sp, {0, 7}, sink));
    });
    if (!r->ok()) qFatal("training failed: %s", r->error().message.c_str());
    return std::move(**r);
}

inline double draw(std::uint64_t a, std::uint64_t b, std::uint64_t c, double lo, double hi) {
    return lo + (hi - lo) * toUnit(hashKey(41, a, b, c));
}

// Stand-in data of a benchmark's shape: n rows, d features (a fraction `zeros` of them 0, like
// image background), `classes` labels (0: regression target).
inline Dataset standIn(int n, int d, int classes, double zeros, double scale) {
    Dataset data;
    data.name = "stand-in";
    data.task = classes ? TaskKind::Classification : TaskKind::Regression;
    data.inputShape = d == 784 ? std::vector<int>{28, 28} : std::vector<int>{d};
    data.classes = classes;
    data.trainX.resize(n, d);
    data.trainY.resize(n);
    for (int i = 0; i < n; ++i) {
        double t = 0;
        for (int j = 0; j < d; ++j) {
            const bool zero = draw(1, std::uint64_t(i), std::uint64_t(j), 0, 1) < zeros;
            data.trainX(i, j) =
                zero ? 0.0 : scale * draw(2, std::uint64_t(i), std::uint64_t(j), 0, 1);
            t += data.trainX(i, j) * (j % 3 - 1);
        }
        data.trainY[i] = classes ? double(i % classes) : t + draw(3, std::uint64_t(i), 0, 0, 1);
    }
    data.testX = data.trainX;
    data.testY = data.trainY;
    return data;
}

struct Case {
    Model model;
    Dataset data;
};

// A benchmark architecture on stand-in data: non-trivial biases, α, β, γ and moving statistics,
// every 7th kernel entry pruned (masked), quantized.
inline Case makeCase(const std::string& bench, const QuantScheme& q) {
    Dataset d = bench == "autompg"            ? standIn(120, 9, 0, 0.1, 100.0)
                : bench == "smartpixel_small" ? standIn(400, 13, 3, 0.5, 25.0)
                                              : standIn(300, 784, 10, 0.8, 1.0);
    const BenchmarkSpec spec = *benchmarkSpec(bench);
    Model m = buildModel(spec, q, d, 5);
    m.normalizer = Normalizer::fit(d.trainX, q.minValue(), q.maxValue(), spec.globalInputRange);
    for (std::size_t t = 0; t < m.tensors.size(); ++t) {
        Tensor& tn = m.tensors[t];
        for (Eigen::Index i = 0; i < tn.size(); ++i) {
            const auto r = [&](double lo, double hi) {
                return draw(4, t, std::uint64_t(i), lo, hi);
            };
            if (tn.role == "bias" || tn.role == "beta" || tn.role == "moving_mean")
                tn.values[i] = r(-1, 1);
            if (tn.role == "alpha" || tn.role == "gamma") tn.values[i] = r(0.25, 1.5);
            if (tn.role == "moving_variance") tn.values[i] = r(0.3, 3);
        }
        if (tn.role == "kernel") {
            tn.mask.assign(std::size_t(tn.size()), 1);
            for (std::size_t i = 3; i < tn.mask.size(); i += 7)
                tn.mask[i] = 0;
        }
    }
    m.quantizeInPlace();
    return {std::move(m), std::move(d)};
}

// The tiny model (trained on 2 threads), its blobs data and its grad ranking (plane order, id
// "tinygrad"): what the sweep and experiment tests inject into.
struct RankedTiny {
    Model model = trainTiny(2).model;
    Dataset data = blobs();
    Ranking ranking;
    RankedTiny() {
        ranking.config = {RankMethod::Grad, RankOrder::Plane, Population::All, 0, 0};
        ranking.population = makePopulation(model, Population::All);
        const MatrixRM X = model.normalizer.apply(data.trainX);
        RankContext ctx{model, ranking.population, X, data.trainY, 0, {}, {}};
        NullProgressSink sink;
        auto s = scoreGrad(ctx, sink, {});
        ranking.rows = orderBits(model, ranking.population, *s, ranking.config);
        ranking.id = "tinygrad";
    }
};

} // namespace netsurf::test
