#pragma once
// The inputs of every evaluation of the Exact network — clean evaluation (`evaluate`, the
// stored test evaluation, validation during training), the faulty evaluators of a sweep and the
// ranking data (the oracle and every ranker): the normalized inputs rounded to a fine dyadic
// grid 2^−e.
//
// With inputs on that grid and weights on the scheme's grid, every product x·w and every partial
// sum of the first dense layer is an exact double, so its value does not depend on the order of
// summation (Eigen's blocking, a sparse patch, a plain loop in another language): `evaluate`,
// the oracle's clean loss and a sweep's clean values agree exactly, on every machine. Without
// it, inputs such as MNIST's 256 decimal grey levels put pre-activations within rounding noise
// of a quantized-ReLU tie, where the last bit of a sum decides the rounding. Later dense layers
// read quantized-ReLU outputs and are exact anyway for the benchmark schemes.
//
// e = ⌊53 − (m + 2) − log2((in + 2)·max|x| + 1)⌋ over the rows being evaluated (e = 33 for
// mnist_fnn at q<6,2,1>; inputs move by at most 2^−(e+1) ≈ 6e−11). When that grid would be
// coarse (2^−e > 2^−30·max|x|, e.g. q<16,1,1>) the inputs are left as they are and only the
// fixed summation order (product_blocking.h) makes the numbers reproducible. Training itself
// runs on the plain normalized inputs.
#include "engine/model/model.h"

namespace netsurf {

// Rounds X in place to multiples of 2^−e (round half to even) and returns e, or 0 when X is
// left unchanged (grid too coarse, empty or non-finite X).
int snapToInputGrid(MatrixRM& X, const QuantScheme& scheme);

// model.normalizer.apply(rawX) snapped with snapToInputGrid; the exponent goes to *grid.
MatrixRM evaluationInputs(const Model& model, const Eigen::Ref<const MatrixRM>& rawX,
                          int* grid = nullptr);

} // namespace netsurf
