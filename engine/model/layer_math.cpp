#include "engine/model/layer_math.h"

namespace netsurf {

namespace {

// buf[r·width + c] = exp(z[r, c] − max_c z[r, c]) for a rows×width block; returns buf's data.
// One contiguous buffer padded to whole packets, aligned: Eigen's packet exp computes every
// element (no scalar peel or tail).
const double* shiftedExp(const double* z, Eigen::Index rows, int width, Eigen::ArrayXd& buf) {
    const Eigen::Index size = rows * width, padded = paddedCount(size);
    if (buf.size() < padded) buf.resize(padded);
    double* e = buf.data();
    for (Eigen::Index r = 0; r < rows; ++r) {
        const double* zr = z + r * width;
        const double m = *std::max_element(zr, zr + width);
        for (int c = 0; c < width; ++c)
            e[r * width + c] = zr[c] - m;
    }
    std::fill(e + size, e + padded, 0.0);
    Eigen::Map<Eigen::ArrayXd, Eigen::AlignedMax> all(e, padded);
    all = all.exp();
    return e;
}

double rowSum(const double* e, int width) {
    double sum = 0;
    for (int c = 0; c < width; ++c)
        sum += e[c];
    return sum;
}

} // namespace

void softmaxRows(double* z, Eigen::Index rows, int width, Eigen::ArrayXd& buf) {
    const double* e = shiftedExp(z, rows, width, buf);
    for (Eigen::Index r = 0; r < rows; ++r) {
        double* zr = z + r * width;
        const double* er = e + r * width;
        const double sum = rowSum(er, width);
        for (int c = 0; c < width; ++c)
            zr[c] = er[c] / sum;
    }
}

double softmaxProbability(const double* z, int width, int k, Eigen::ArrayXd& buf) {
    const double* e = shiftedExp(z, 1, width, buf);
    return e[k] / rowSum(e, width);
}

void crossEntropyInPlace(Eigen::ArrayXd& buf, Eigen::Index count) {
    const Eigen::Index padded = paddedCount(count);
    buf.head(count) = buf.head(count).max(kMinProbability);
    buf.segment(count, padded - count).setOnes();
    Eigen::Map<Eigen::ArrayXd, Eigen::AlignedMax> l(buf.data(), padded);
    l = -l.log();
}

double crossEntropyOf(double p) {
    // One packet of four lanes (Eigen's generic packet log: the same value in any lane width).
    alignas(32) double b[4] = {std::max(p, kMinProbability), 1, 1, 1};
    Eigen::Map<Eigen::Array<double, 4, 1>, Eigen::Aligned32> l(b);
    l = -l.log();
    return b[0];
}

} // namespace netsurf
