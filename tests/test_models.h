#pragma once
// Tiny deterministic datasets and models shared by the engine tests.
#include <optional>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
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
    s.layers = {{LayerKind::Dense, 8}, {LayerKind::ApplyAlpha, 0, 1.0}, {LayerKind::QRelu},
                {LayerKind::Dense, 2}, {LayerKind::Softmax}};
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

} // namespace netsurf::test
