// Element-wise, softmax and dense kernels shared by the faulty evaluators (see
// faulty_eval_kernels.h). Everything is single-threaded: the sweep parallelizes over repetitions.
#include "engine/inject/faulty_eval_kernels.h"

#include <stdexcept>

namespace netsurf::faulty {

void applyColumn(const ElementOp& op, int c, const double* x, double* y, Eigen::Index n) {
    switch (op.kind) {
    case LayerKind::ApplyAlpha: {
        // y = clip(fma(α_c, x, β_c), lo, hi)
        const double a = op.a[c], b = op.b[c], lo = op.lo, hi = op.hi;
        for (Eigen::Index r = 0; r < n; ++r)
            y[r] = applyAlphaValue(x[r], a, b, lo, hi);
        break;
    }
    case LayerKind::BatchNorm: {
        // y = fma((x − μ_c)·s_c, γ_c, β_c)
        const double mu = op.a[c], s = op.s[std::size_t(c)], g = op.g[c], b = op.b[c];
        for (Eigen::Index r = 0; r < n; ++r)
            y[r] = batchnormValue(x[r], mu, s, g, b);
        break;
    }
    case LayerKind::QRelu:
        for (Eigen::Index r = 0; r < n; ++r)
            y[r] = qreluValue(op, x[r]);
        break;
    case LayerKind::Dense:
    case LayerKind::Softmax:
        throw std::logic_error("applyColumn: not an element-wise layer");
    }
}

void applyAlphaQrelu(const ElementOp& alpha, const ElementOp& q, int c, const double* x, double* y,
                     Eigen::Index n) {
    const double a = alpha.a[c], b = alpha.b[c], lo = alpha.lo, hi = alpha.hi;
    for (Eigen::Index r = 0; r < n; ++r)
        y[r] = qreluValue(q, applyAlphaValue(x[r], a, b, lo, hi));
}

void applyRows(const ElementOp& op, const double* x, double* y, Eigen::Index rows, int width) {
    for (Eigen::Index r = 0; r < rows; ++r) {
        const double* xr = x + r * width;
        double* yr = y + r * width;
        switch (op.kind) {
        case LayerKind::ApplyAlpha:
            for (int c = 0; c < width; ++c)
                yr[c] = applyAlphaValue(xr[c], op.a[c], op.b[c], op.lo, op.hi);
            break;
        case LayerKind::BatchNorm:
            for (int c = 0; c < width; ++c)
                yr[c] = batchnormValue(xr[c], op.a[c], op.s[std::size_t(c)], op.g[c], op.b[c]);
            break;
        case LayerKind::QRelu:
            for (int c = 0; c < width; ++c)
                yr[c] = qreluValue(op, xr[c]);
            break;
        case LayerKind::Dense:
        case LayerKind::Softmax:
            throw std::logic_error("applyRows: not an element-wise layer");
        }
    }
}

Flipper::Flipper(const QuantScheme& q)
    : m_q(q), m_scale(std::ldexp(1.0, q.f())), m_inv(std::ldexp(1.0, -q.f())), m_mod(1LL << q.m()),
      m_half(q.isSigned() ? 1LL << (q.m() - 1) : 1LL << q.m()) {}

double Flipper::flip(double w, std::uint32_t mask) const {
    const double k = w * m_scale; // exact (power of two)
    const double lo = m_q.isSigned() ? -double(m_half) : 0.0, hi = double(m_half) - 1.0;
    if (!(k >= lo && k <= hi) || k != std::nearbyint(k)) return m_q.flip(w, mask); // off grid
    long long c = static_cast<long long>(k) & (m_mod - 1);
    c ^= static_cast<long long>(mask) & (m_mod - 1);
    if (c >= m_half) c -= m_mod;
    const double v = double(c) * m_inv;
    return v == 0.0 ? 0.0 : v; // never −0, as QuantScheme::decode
}

void FaultyTensors::reset(const Model& model, std::span<const ParamFlip> flips) {
    m_model = &model;
    m_flips = flips;
    const std::size_t n = model.tensors.size();
    m_begin.assign(n, 0);
    m_end.assign(n, 0);
    m_ready.assign(n, 0);
    if (m_copy.size() < n) m_copy.resize(n);
    for (std::size_t k = 0; k < flips.size(); ++k) {
        const std::uint32_t t = flips[k].tensor;
        if (m_end[t] == 0) m_begin[t] = k;
        m_end[t] = k + 1;
    }
}

std::span<const ParamFlip> FaultyTensors::flipsOf(std::uint32_t tensor) const {
    return m_flips.subspan(m_begin[tensor], m_end[tensor] - m_begin[tensor]);
}

const double* FaultyTensors::values(std::uint32_t tensor) {
    const Tensor& t = m_model->tensors[tensor];
    if (m_end[tensor] == 0) return t.values.data();
    std::vector<double>& copy = m_copy[tensor];
    if (!m_ready[tensor]) {
        copy.assign(t.values.data(), t.values.data() + t.size());
        const Flipper flipper(m_model->scheme);
        for (const ParamFlip& f : flipsOf(tensor))
            copy[f.index] = flipper.flip(copy[f.index], f.mask);
        m_ready[tensor] = 1;
    }
    return copy.data();
}

ElementOp makeElementOp(const Model& model, const Layer& l, FaultyTensors& src) {
    ElementOp op;
    op.kind = l.kind;
    const QuantScheme& q = model.scheme;
    if (l.kind == LayerKind::ApplyAlpha) {
        op.a = src.values(std::uint32_t(l.alpha));
        op.b = src.values(std::uint32_t(l.beta));
        op.lo = q.minValue();
        op.hi = q.maxValue();
    } else if (l.kind == LayerKind::BatchNorm) {
        op.a = src.values(std::uint32_t(l.movingMean));
        const double* var = src.values(std::uint32_t(l.movingVariance));
        op.s.resize(std::size_t(l.out));
        for (int c = 0; c < l.out; ++c)
            op.s[std::size_t(c)] = batchnormScale(var[c], l.epsilon);
        op.g = src.values(std::uint32_t(l.gamma));
        op.b = src.values(std::uint32_t(l.beta));
    } else if (l.kind == LayerKind::QRelu) {
        // qrelu(x) = 2^(n−m)·clip(rint(x·2^(m−n)), 0, 2^m − 1)
        op.scale = std::ldexp(1.0, q.m() - q.n());
        op.kmax = std::ldexp(1.0, q.m()) - 1.0;
        op.step = std::ldexp(1.0, q.n() - q.m());
    }
    return op;
}

void denseLayer(const double* X, Eigen::Index rows, const Layer& l, const double* W,
                const double* b, double* Z) {
    // Z = X·W + b   (X: rows×in, W: in×out, b: 1×out)
    const ConstMapRM x(X, rows, l.in), w(W, l.in, l.out);
    MapRM z(Z, rows, l.out);
    z.noalias() = x * w;
    z.rowwise() += Eigen::Map<const Eigen::RowVectorXd>(b, l.out);
}

const double* forwardAll(const Model& model, const MatrixRM& X, FaultyTensors& src,
                         std::vector<double>& bufA, std::vector<double>& bufB,
                         Eigen::ArrayXd& expBuf, std::vector<MatrixRM>* acts) {
    const Eigen::Index n = X.rows();
    const double* cur = X.data();
    int width = int(X.cols());
    if (acts) acts->resize(model.layers.size());
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        // Output goes to whichever buffer does not hold the input (in place when it may be).
        std::vector<double>& outBuf = cur == bufA.data() ? bufB : bufA;
        double* out = grow(outBuf, std::size_t(n) * std::size_t(l.out));
        if (l.kind == LayerKind::Dense) {
            denseLayer(cur, n, l, src.values(std::uint32_t(l.kernel)),
                       src.values(std::uint32_t(l.bias)), out);
        } else if (l.kind == LayerKind::Softmax) {
            std::copy(cur, cur + n * width, out);
            softmaxRows(out, n, width, expBuf);
        } else {
            applyRows(makeElementOp(model, l, src), cur, out, n, width);
        }
        cur = out;
        width = l.out;
        if (acts) (*acts)[i] = ConstMapRM(cur, n, width);
    }
    return cur;
}

} // namespace netsurf::faulty
