#include "engine/model/evaluate.h"

#include <limits>

#include "engine/core/parallel.h"

namespace netsurf {

EvalResult evaluateModel(const Model& model, const MatrixRM& rawX, const Eigen::VectorXd& y,
                         ForwardMode mode) {
    constexpr std::size_t kChunk = 1024;
    const std::size_t n = std::size_t(rawX.rows());
    EvalResult r;
    r.samples = n;
    r.outputs.resize(rawX.rows(), model.outputs);
    std::vector<double> chunkLoss((n + kChunk - 1) / kChunk, 0.0);
    parallelChunks(n, kChunk, [&](std::size_t c, std::size_t r0, std::size_t r1) {
        const auto rows = Eigen::Index(r1 - r0);
        ForwardCache cache;
        forward(model, model.normalizer.apply(rawX.middleRows(Eigen::Index(r0), rows)), mode,
                cache);
        r.outputs.middleRows(Eigen::Index(r0), rows) = cache.output();
        chunkLoss[c] = lossSum(model.loss, cache.output(), y.segment(Eigen::Index(r0), rows));
    });
    double total = 0;
    for (double l : chunkLoss) total += l;
    r.loss = n ? total / double(n) : std::numeric_limits<double>::quiet_NaN();
    r.metrics = computeMetrics(model.task, r.outputs, y);
    return r;
}

} // namespace netsurf
