#include "engine/model/layer_math.h"

namespace netsurf {

void softmaxRows(double* z, Eigen::Index rows, int width, Eigen::ArrayXd& buf) {
    // e = z − max z per row, in one contiguous buffer padded to whole packets.
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
    // Aligned start and a size that is a multiple of the packet size: Eigen's packet exp
    // computes every element (no scalar peel or tail).
    Eigen::Map<Eigen::ArrayXd, Eigen::AlignedMax> all(e, padded);
    all = all.exp();
    for (Eigen::Index r = 0; r < rows; ++r) {
        double* zr = z + r * width;
        const double* er = e + r * width;
        double sum = 0;
        for (int c = 0; c < width; ++c)
            sum += er[c];
        for (int c = 0; c < width; ++c)
            zr[c] = er[c] / sum;
    }
}

void crossEntropyInPlace(Eigen::ArrayXd& buf, Eigen::Index count) {
    const Eigen::Index padded = paddedCount(count);
    buf.head(count) = buf.head(count).max(kMinProbability);
    buf.segment(count, padded - count).setOnes();
    Eigen::Map<Eigen::ArrayXd, Eigen::AlignedMax> l(buf.data(), padded);
    l = -l.log();
}

double crossEntropyOf(double p) {
    alignas(64) double b[8] = {std::max(p, kMinProbability), 1, 1, 1, 1, 1, 1, 1};
    Eigen::Map<Eigen::Array<double, 8, 1>, Eigen::Aligned64> l(b);
    l = -l.log();
    return b[0];
}

} // namespace netsurf
