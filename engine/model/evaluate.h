#pragma once
// Clean evaluation of a model on a split: the evaluation inputs (normalized, on the dyadic input
// grid of input_grid.h) through the Exact forward pass (double precision), processed in fixed
// row chunks in parallel, reduced in chunk order.
#include "engine/model/loss.h"
#include "engine/model/network.h"

namespace netsurf {

struct EvalResult {
    std::size_t samples = 0;
    double loss = 0;   // mean data loss (no range penalty)
    Metrics metrics;
    MatrixRM outputs;  // N×outputs (probabilities or regression outputs)
};

// rawX: N×inputs, not normalized (evaluationInputs is applied). An empty split gives NaN loss
// and metrics.
EvalResult evaluateModel(const Model& model, const MatrixRM& rawX, const Eigen::VectorXd& y,
                         ForwardMode mode = ForwardMode::Exact);

} // namespace netsurf
