// Incremental exact evaluation of single-bit flips (SPEC §3 `oracle`).
//
// Clean pass (Exact, once): A_0 = X (N×in), A_{l+1} = layer_l(A_l), per-sample loss ℓ_s.
// A flip δ = q' − q of a parameter of layer l0 changes only column c of A_{l0+1}:
//   dense kernel W[i,c]   Z'[:,c] = Z[:,c] + δ·A_{l0}[:,i]
//   dense bias b[c]       Z'[:,c] = Z[:,c] + δ
//   apply_alpha α[c], β[c] Y'[:,c] = clip(X[:,c]·α'_c + β_c) or clip(X[:,c]·α_c + β'_c)
//   batchnorm γ[c], β[c]   Y'[:,c] = X̂[:,c]·γ'_c + β_c  or  X̂[:,c]·γ_c + β'_c
// Column phase: the element-wise layers that follow (apply_alpha, batchnorm, qrelu — the
// "chain", ending at layer k) act on that column alone (N-vectors). Rows whose value at
// A_{k+1}[:,c] did not change contribute nothing; after a qrelu most small perturbations vanish.
// Row phase: each changed row s runs through the rest of the network alone; the first dense layer
// sees a one-column input change, Z_next[s,:] + (v − A_{k+1}[s,c])·W_next[c,:], later layers are
// small dense row recomputes. ΔL = (1/N) Σ_{changed s} (ℓ'_s − ℓ_s).
// Memo: when A_{k+1}[:,c] is a qrelu output, v = level·step has at most 2^m values, so
// d_s(level) = ℓ'_s − ℓ_s is cached per (s, level) and shared by all flips with that target.
// Sweeps run in row blocks of ≤ kSweep rows with every flip per block, so the block's column
// data and memo rows stay in cache.
// Agreement with a full re-evaluation is to rounding, except where a pre-activation lies
// mathematically on a qrelu rounding tie (e.g. decimal pixel values): the patched sum and the
// recomputed one may then round to opposite sides (MNIST: ~1 row in 300 bits, |ΔL error| ~1e-9).
#include "engine/rank/oracle.h"

#include <algorithm>
#include <cmath>

#include "engine/model/layer_math.h"
#include "engine/model/loss.h"
#include "engine/model/network.h"

// The column sweeps are plain loops over N-vectors. GCC only if-converts and vectorizes their
// floor / compare-select bodies when FP operations may be assumed not to trap; no FP exception
// is ever enabled in the engine and the values computed are the same.
#if defined(__GNUC__) && !defined(__clang__)
#define NETSURF_SWEEP __attribute__((optimize("no-trapping-math")))
#else
#define NETSURF_SWEEP
#endif

namespace netsurf {

namespace {

constexpr Eigen::Index kSweep = 256; // rows per column buffer (= the largest blockRows())

enum class Role { Kernel, Bias, Alpha, AlphaBeta, Gamma, BnBeta };

using ConstMapRM = Eigen::Map<const MatrixRM>;

// min(max(x, lo), hi) as Eigen's cwiseMax(lo).cwiseMin(hi). Functions without NETSURF_SWEEP's
// optimize attribute (std::min/max, layer_math's inline functions) are not inlined into
// NETSURF_SWEEP functions, so those write layer_math's formulas out with this clip and the
// std::fma builtin.
NETSURF_SWEEP inline double clip(double x, double lo, double hi) {
    const double t = x < lo ? lo : x;
    return hi < t ? hi : t;
}

bool isElementwise(LayerKind k) {
    return k == LayerKind::ApplyAlpha || k == LayerKind::BatchNorm || k == LayerKind::QRelu;
}

// Per-call buffers: the column block and two rows of the widest layer. Eigen storage is always
// aligned the same way, so Eigen's split of a row operation into packets and scalar ends (and
// its reduction order) is the same in every call: results do not depend on heap addresses.
struct Scratch {
    Eigen::VectorXd column, rowA, rowB;
    Eigen::ArrayXd expBuf; // softmaxRows
};

} // namespace

struct OracleEvaluator::Impl {
    Model model;
    Eigen::VectorXd y;
    Eigen::Index n = 0;
    std::vector<MatrixRM> acts;        // clean A_l, row-major (A_0 dropped: rows never read)
    std::vector<Eigen::MatrixXd> cols; // clean A_l, column-major (column sweeps)
    std::vector<Eigen::MatrixXd> xhat; // batchnorm layers: X̂ = (X − μ)·invStd, column-major
    std::vector<Eigen::RowVectorXd> invStd;
    Eigen::VectorXd sampleLoss; // ℓ_s
    double cleanLoss = 0;
    std::vector<int> chainEnd;    // per layer l: last layer of the element-wise run after l
    std::vector<int> tensorLayer; // per tensor: owning layer (−1 none)
    std::vector<Role> tensorRole;
    int maxWidth = 0;
    // qrelu on the grid: level = clamp(roundHalfToEven(x·up), 0, maxLevel), y = level·down
    double up = 1, down = 1, maxLevel = 0;

    void build(const MatrixRM& X);
    double qrelu(double x) const;
    void startColumn(const OracleFlip& f, int c, Eigen::Index r0, Eigen::Index r1,
                     double* out) const;
    void chainLayer(int l, int c, Eigen::Index r0, Eigen::Index r1, double* v) const;
    int rowLayer(int l, double*& a, double*& b, int w, Scratch& sc) const;
    double rowLossChange(Eigen::Index s, int k, int c, double v, Scratch& sc) const;
    double lossOf(const double* out, Eigen::Index s) const;
    void accumulate(OracleTarget t, Eigen::Index r0, Eigen::Index r1, const double* v, double* memo,
                    double& sum, std::uint32_t& count, Scratch& sc) const;
};

// Same function as QuantScheme::qrelu (round half to even, clamp, NaN → 0), inlined and
// branch-free so the column sweeps vectorize: frac > ½ rounds up, frac = ½ rounds to even.
NETSURF_SWEEP inline double OracleEvaluator::Impl::qrelu(double x) const {
    const double t = x * up; // exact: up = 2^(m−n)
    const double fl = std::floor(t);
    const double frac = t - fl;
    const double half = 0.5 * fl;
    const bool odd = half != std::floor(half);
    const bool roundUp = (frac > 0.5) | ((frac == 0.5) & odd);
    double k = roundUp ? fl + 1.0 : fl;
    k = k > 0.0 ? k : 0.0; // also NaN → 0
    k = k < maxLevel ? k : maxLevel;
    return k * down;
}

void OracleEvaluator::Impl::build(const MatrixRM& X) {
    ForwardCache cache;
    forward(model, X, ForwardMode::Exact, cache);
    n = X.rows();
    const std::size_t L = model.layers.size();
    cols.resize(L + 1);
    xhat.resize(L);
    invStd.resize(L);
    for (std::size_t l = 0; l <= L; ++l)
        cols[l] = cache.acts[l];
    for (std::size_t l = 0; l < L; ++l) {
        if (model.layers[l].kind != LayerKind::BatchNorm) continue;
        xhat[l] = cache.layers[l].xhat;
        invStd[l] = cache.layers[l].invStd;
    }
    cache.acts[0].resize(0, 0);
    acts = std::move(cache.acts);
    sampleLoss = perSampleLoss(model.loss, acts[L], y);
    cleanLoss = n ? lossSum(model.loss, acts[L], y) / double(n) : 0.0;
}

OracleEvaluator::OracleEvaluator(const Model& model, const MatrixRM& X, const Eigen::VectorXd& y)
    : m_impl(std::make_unique<Impl>()) {
    Impl& d = *m_impl;
    d.model = model;
    d.y = y;
    const QuantScheme& q = model.scheme;
    d.up = std::ldexp(1.0, q.m() - q.n());
    d.down = q.qreluStep();
    d.maxLevel = std::ldexp(1.0, q.m()) - 1.0;
    d.build(X);
    const int L = int(model.layers.size());
    d.chainEnd.assign(std::size_t(L), 0);
    for (int l = L - 1; l >= 0; --l)
        d.chainEnd[std::size_t(l)] =
            l + 1 < L && isElementwise(model.layers[std::size_t(l) + 1].kind)
                ? d.chainEnd[std::size_t(l) + 1]
                : l;
    d.tensorLayer.assign(model.tensors.size(), -1);
    d.tensorRole.assign(model.tensors.size(), Role::Kernel);
    for (int l = 0; l < L; ++l) {
        const Layer& ly = model.layers[std::size_t(l)];
        const Role beta = ly.kind == LayerKind::BatchNorm ? Role::BnBeta : Role::AlphaBeta;
        for (const auto& [t, role] : {std::pair{ly.kernel, Role::Kernel},
                                      {ly.bias, Role::Bias},
                                      {ly.alpha, Role::Alpha},
                                      {ly.beta, beta},
                                      {ly.gamma, Role::Gamma}})
            if (t >= 0) {
                d.tensorLayer[std::size_t(t)] = l;
                d.tensorRole[std::size_t(t)] = role;
            }
        d.maxWidth = std::max({d.maxWidth, ly.in, ly.out});
    }
}

OracleEvaluator::~OracleEvaluator() = default;

std::size_t OracleEvaluator::samples() const {
    return std::size_t(m_impl->n);
}
double OracleEvaluator::cleanLoss() const {
    return m_impl->cleanLoss;
}
const Model& OracleEvaluator::model() const {
    return m_impl->model;
}

OracleTarget OracleEvaluator::target(ParamRef p) const {
    const Impl& d = *m_impl;
    const int l = d.tensorLayer[p.tensor];
    const int c = d.tensorRole[p.tensor] == Role::Kernel
                      ? int(p.index % std::uint32_t(d.model.layers[std::size_t(l)].out))
                      : int(p.index);
    return {d.chainEnd[std::size_t(l)], c};
}

OracleFlip OracleEvaluator::prepare(ParamRef p, int bit) const {
    const Impl& d = *m_impl;
    OracleFlip f;
    f.layer = d.tensorLayer[p.tensor];
    f.role = int(d.tensorRole[p.tensor]);
    f.row =
        f.role == int(Role::Kernel) ? int(p.index) / d.model.layers[std::size_t(f.layer)].out : 0;
    const double q = paramValue(d.model, p);
    f.qNew = d.model.scheme.flip(q, std::uint32_t(1) << (d.model.scheme.m() - 1 - bit));
    f.delta = f.qNew - q;
    return f;
}

// out[s − r0] = new A_{l+1}[s,c] for rows s ∈ [r0, r1) after flip f of a parameter of layer l.
NETSURF_SWEEP void OracleEvaluator::Impl::startColumn(const OracleFlip& f, int c, Eigen::Index r0,
                                                      Eigen::Index r1, double* out) const {
    const auto l = std::size_t(f.layer);
    const Layer& ly = model.layers[l];
    const Eigen::Index rows = r1 - r0;
    const double* z = cols[l + 1].col(c).data() + r0;
    const auto role = Role(f.role);
    // The column the parameter multiplies: input i of a kernel entry W[i, c], input c of an
    // element-wise layer (none for a bias, whose layer may have fewer inputs than outputs).
    const double* x = role == Role::Kernel ? cols[l].col(f.row).data() + r0
                      : role == Role::Bias ? nullptr
                                           : cols[l].col(c).data() + r0;
    const auto val = [&](int t) { return model.tensors[std::size_t(t)].values[c]; };
    const double lo = model.scheme.minValue(), hi = model.scheme.maxValue(), delta = f.delta;
    switch (role) {
    case Role::Kernel: // Z[:,c] + δ·A_l[:,i]; rows with A_l[s,i] = 0 keep Z exactly
        for (Eigen::Index s = 0; s < rows; ++s)
            out[s] = z[s] + delta * x[s];
        break;
    case Role::Bias:
        for (Eigen::Index s = 0; s < rows; ++s)
            out[s] = z[s] + delta;
        break;
    case Role::Alpha:
    case Role::AlphaBeta: { // clip(fma(α, x, β)) with one of α_c, β_c replaced
        const double a = role == Role::Alpha ? f.qNew : val(ly.alpha);
        const double b = role == Role::AlphaBeta ? f.qNew : val(ly.beta);
        for (Eigen::Index s = 0; s < rows; ++s)
            out[s] = clip(std::fma(a, x[s], b), lo, hi); // = applyAlphaValue
        break;
    }
    case Role::Gamma:
    case Role::BnBeta: { // fma(x̂, γ, β) with one of γ_c, β_c replaced (layer_math.h)
        const double* xh = xhat[l].col(c).data() + r0;
        const double g = role == Role::Gamma ? f.qNew : val(ly.gamma);
        const double b = role == Role::BnBeta ? f.qNew : val(ly.beta);
        for (Eigen::Index s = 0; s < rows; ++s)
            out[s] = std::fma(xh[s], g, b);
        break;
    }
    }
}

// Element-wise layer l on column c of rows [r0, r1), in place: v ← f_l(v). apply_alpha and
// batchnorm keep the clean output bit for bit where the input equals the clean input; the
// inlined qrelu reproduces the clean one exactly.
NETSURF_SWEEP void OracleEvaluator::Impl::chainLayer(int l, int c, Eigen::Index r0, Eigen::Index r1,
                                                     double* v) const {
    const Layer& ly = model.layers[std::size_t(l)];
    const Eigen::Index rows = r1 - r0;
    const double* in = cols[std::size_t(l)].col(c).data() + r0;
    const double* out = cols[std::size_t(l) + 1].col(c).data() + r0;
    const auto val = [&](int t) { return model.tensors[std::size_t(t)].values[c]; };
    if (ly.kind == LayerKind::ApplyAlpha) {
        const double a = val(ly.alpha), b = val(ly.beta);
        const double lo = model.scheme.minValue(), hi = model.scheme.maxValue();
        for (Eigen::Index s = 0; s < rows; ++s) {
            const double y = clip(std::fma(a, v[s], b), lo, hi); // = applyAlphaValue
            v[s] = v[s] == in[s] ? out[s] : y;
        }
    } else if (ly.kind == LayerKind::BatchNorm) { // y = fma((x − μ)·invStd, γ, β)
        const double mu = model.tensors[std::size_t(ly.movingMean)].values[c];
        const double is = invStd[std::size_t(l)][c], g = val(ly.gamma), b = val(ly.beta);
        for (Eigen::Index s = 0; s < rows; ++s) {
            const double y = std::fma((v[s] - mu) * is, g, b); // = batchnormValue
            v[s] = v[s] == in[s] ? out[s] : y;
        }
    } else {
        for (Eigen::Index s = 0; s < rows; ++s)
            v[s] = qrelu(v[s]);
    }
}

// Per-sample loss of one output row (as perSampleLoss): −log max(P_y, 1e-15) or (o − y)².
double OracleEvaluator::Impl::lossOf(const double* out, Eigen::Index s) const {
    if (model.loss == LossKind::CrossEntropy) return crossEntropyOf(out[Eigen::Index(y[s])]);
    const double e = out[0] - y[s];
    return e * e;
}

// Layer l on one row, a (1×w) → a (1×out); b is scratch. Returns out.
int OracleEvaluator::Impl::rowLayer(int l, double*& a, double*& b, int w, Scratch& sc) const {
    using Row = Eigen::Map<Eigen::RowVectorXd>;
    const Layer& ly = model.layers[std::size_t(l)];
    const auto vec = [&](int t) {
        return Eigen::Map<const Eigen::RowVectorXd>(model.tensors[std::size_t(t)].values.data(),
                                                    ly.out);
    };
    if (ly.kind == LayerKind::Dense) { // z = a·W + bias   (1×in · in×out)
        const ConstMapRM W(model.tensors[std::size_t(ly.kernel)].values.data(), ly.in, ly.out);
        Row(b, ly.out).noalias() = Row(a, w) * W + vec(ly.bias);
        std::swap(a, b);
    } else if (ly.kind == LayerKind::ApplyAlpha) {
        const double lo = model.scheme.minValue(), hi = model.scheme.maxValue();
        const auto al = vec(ly.alpha), be = vec(ly.beta);
        for (int j = 0; j < w; ++j)
            a[j] = applyAlphaValue(a[j], al[j], be[j], lo, hi);
    } else if (ly.kind == LayerKind::BatchNorm) {
        const auto mu = vec(ly.movingMean), g = vec(ly.gamma), be = vec(ly.beta);
        const auto& is = invStd[std::size_t(l)];
        for (int j = 0; j < w; ++j)
            a[j] = batchnormValue(a[j], mu[j], is[j], g[j], be[j]);
    } else if (ly.kind == LayerKind::QRelu) {
        for (int j = 0; j < w; ++j)
            a[j] = qrelu(a[j]);
    } else { // softmax (layer_math.h)
        softmaxRows(a, 1, w, sc.expBuf);
    }
    return ly.out;
}

// ℓ'_s − ℓ_s when A_{k+1}[s,c] becomes v: the rest of the network on row s alone. A dense layer
// right after sees a one-column input change: Z[s,:] + Δ·W[c,:] (Δ = v − A_{k+1}[s,c]). A final
// softmax with cross-entropy only needs P_y = e_y / Σ_j e_j.
double OracleEvaluator::Impl::rowLossChange(Eigen::Index s, int k, int c, double v,
                                            Scratch& sc) const {
    using Row = Eigen::Map<Eigen::RowVectorXd>;
    double *a = sc.rowA.data(), *b = sc.rowB.data();
    const int L = int(model.layers.size());
    int l = k + 1, w = int(acts[std::size_t(l)].cols());
    if (l < L && model.layers[std::size_t(l)].kind == LayerKind::Dense) {
        const Layer& ly = model.layers[std::size_t(l)];
        const ConstMapRM W(model.tensors[std::size_t(ly.kernel)].values.data(), ly.in, ly.out);
        w = ly.out;
        Row(a, w) = acts[std::size_t(l) + 1].row(s) + (v - acts[std::size_t(l)](s, c)) * W.row(c);
        ++l;
    } else {
        Row(a, w) = acts[std::size_t(l)].row(s);
        a[c] = v;
    }
    for (; l < L; ++l) {
        if (l + 1 == L && model.layers[std::size_t(l)].kind == LayerKind::Softmax &&
            model.loss == LossKind::CrossEntropy) // only P_y is needed
            return crossEntropyOf(softmaxProbability(a, w, int(y[s]), sc.expBuf)) -
                   sampleLoss[s];
        w = rowLayer(l, a, b, w, sc);
    }
    return lossOf(a, s) - sampleLoss[s];
}

// sum += ℓ'_s − ℓ_s over rows s ∈ [r0, r1) (0 where A_{k+1}[s,c] is unchanged); count += the
// changed rows. Without a memo: changed rows in order. With a memo every row is looked up
// (unchanged rows read a shared 0) into four partial sums (rows 4i + j → p_j, the tail
// → p0), added per block as (p0 + p1) + (p2 + p3): no unpredictable branch, no serial add chain.
void OracleEvaluator::Impl::accumulate(OracleTarget t, Eigen::Index r0, Eigen::Index r1,
                                       const double* v, double* memo, double& sum,
                                       std::uint32_t& count, Scratch& sc) const {
    const double* clean = cols[std::size_t(t.layer) + 1].col(t.column).data();
    if (!memo) {
        for (Eigen::Index s = r0; s < r1; ++s) {
            if (v[s - r0] == clean[s]) continue;
            ++count;
            sum += rowLossChange(s, t.layer, t.column, v[s - r0], sc);
        }
        return;
    }
    std::uint32_t changed = 0;
    const auto levels = std::size_t(maxLevel) + 1;
    double zero = 0.0;
    const auto lookup = [&](Eigen::Index s) {
        const double x = v[s - r0];
        const auto level = std::size_t(x * up); // exact: x is on the qrelu grid
        const bool moved = x != clean[s];
        // unchanged rows read the local zero instead of a memo line (branch-free select)
        double* e = moved ? memo + std::size_t(s - r0) * levels + level : &zero;
        if (std::isnan(*e)) [[unlikely]]
            *e = rowLossChange(s, t.layer, t.column, x, sc);
        changed += moved;
        return *e;
    };
    double p0 = 0, p1 = 0, p2 = 0, p3 = 0;
    Eigen::Index s = r0;
    for (; s + 4 <= r1; s += 4) {
        p0 += lookup(s);
        p1 += lookup(s + 1);
        p2 += lookup(s + 2);
        p3 += lookup(s + 3);
    }
    for (; s < r1; ++s)
        p0 += lookup(s);
    sum += (p0 + p1) + (p2 + p3);
    count += changed;
}

void OracleEvaluator::blockSums(OracleTarget t, const OracleFlip* flips, std::size_t count,
                                Eigen::Index r0, Eigen::Index r1, double* memo, double* sums,
                                std::uint32_t* changed) const {
    const Impl& d = *m_impl;
    Scratch sc;
    sc.column.resize(kSweep);
    sc.rowA.resize(d.maxWidth);
    sc.rowB.resize(d.maxWidth);
    std::fill(sums, sums + count, 0.0);
    std::fill(changed, changed + count, 0u);
    const std::size_t levels = memo ? memoLevels(t) : 0;
    for (Eigen::Index b0 = r0; b0 < r1; b0 += kSweep) {
        const Eigen::Index b1 = std::min(r1, b0 + kSweep);
        double* blockMemo = memo ? memo + std::size_t(b0 - r0) * levels : nullptr;
        for (std::size_t i = 0; i < count; ++i) {
            d.startColumn(flips[i], t.column, b0, b1, sc.column.data());
            for (int l = flips[i].layer + 1; l <= t.layer; ++l)
                d.chainLayer(l, t.column, b0, b1, sc.column.data());
            d.accumulate(t, b0, b1, sc.column.data(), blockMemo, sums[i], changed[i], sc);
        }
    }
}

double OracleEvaluator::deltaLoss(ParamRef p, int bit) const {
    const OracleFlip f = prepare(p, bit);
    double sum = 0;
    std::uint32_t changed = 0;
    blockSums(target(p), &f, 1, 0, m_impl->n, nullptr, &sum, &changed);
    return m_impl->n ? sum / double(m_impl->n) : 0.0;
}

} // namespace netsurf
