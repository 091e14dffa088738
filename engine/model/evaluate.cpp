#include "engine/model/evaluate.h"

#include "engine/core/parallel.h"
#include "engine/model/input_grid.h"

namespace netsurf {

EvalResult evaluateModel(const Model& model, const MatrixRM& rawX, const Eigen::VectorXd& y,
                         ForwardMode mode) {
    constexpr std::size_t kChunk = 1024;
    const std::size_t n = std::size_t(rawX.rows());
    EvalResult r;
    r.samples = n;
    r.outputs.resize(rawX.rows(), model.outputs);
    const MatrixRM X = evaluationInputs(model, rawX);
    parallelChunks(n, kChunk, [&](std::size_t, std::size_t r0, std::size_t r1) {
        const auto rows = Eigen::Index(r1 - r0);
        ForwardCache cache;
        forward(model, X.middleRows(Eigen::Index(r0), rows), mode, cache);
        r.outputs.middleRows(Eigen::Index(r0), rows) = cache.output();
    });
    r.loss = meanLoss(model.loss, r.outputs, y);
    r.metrics = computeMetrics(model.task, r.outputs, y);
    return r;
}

} // namespace netsurf
