#include "engine/model/input_grid.h"

#include <cmath>

namespace netsurf {

int snapToInputGrid(MatrixRM& X, const QuantScheme& scheme) {
    const double xmax = X.size() ? X.cwiseAbs().maxCoeff() : 0.0;
    if (!(xmax > 0) || !std::isfinite(xmax)) return 0;
    const double terms = double(X.cols() + 2) * xmax + 1.0;
    const int e = int(std::floor(53.0 - (scheme.m() + 2) - std::log2(terms)));
    if (std::ldexp(1.0, -e) > std::ldexp(xmax, -30)) return 0; // grid too coarse: leave X
    X = X.unaryExpr([e](double x) { return std::ldexp(std::nearbyint(std::ldexp(x, e)), -e); });
    return e;
}

MatrixRM evaluationInputs(const Model& model, const Eigen::Ref<const MatrixRM>& rawX, int* grid) {
    MatrixRM X = model.normalizer.apply(rawX);
    const int e = snapToInputGrid(X, model.scheme);
    if (grid) *grid = e;
    return X;
}

} // namespace netsurf
