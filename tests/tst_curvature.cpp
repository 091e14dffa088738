// Curvature rankers (SPEC §3 fisher, hessian, hessiandelta, taylor): exact Hessian-vector
// products against central differences of surrogate gradients, power-iteration eigenpairs
// against a dense eigensolver, the per-sample Fisher against a brute-force loop, the Hessian
// diagonal (exact and Hutchinson), thread-count independence and score placement.
#include "test_support.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/model/benchmarks.h"
#include "engine/model/loss.h"
#include "engine/rank/fisher.h"
#include "engine/rank/hvp.h"

using namespace netsurf;

namespace {

struct Problem {
    Model model;
    MatrixRM X;
    Eigen::VectorXd y;
};

// A tiny model with seeded parameters off the grid (as in tst_gradients), data uniform in
// [−xScale, xScale], labels i mod C (classification) or uniform targets in [0, 10).
Problem makeProblem(int inputs, const std::vector<LayerSpec>& layers, LossKind loss, int rows,
                    double xScale, std::uint64_t seed) {
    BenchmarkSpec spec;
    spec.name = "curvature";
    spec.layers = layers;
    spec.loss = loss;
    Dataset d;
    d.task = loss == LossKind::CrossEntropy ? TaskKind::Classification : TaskKind::Regression;
    d.inputShape = {inputs};
    d.trainX = MatrixRM::Zero(1, inputs);
    Problem p{buildModel(spec, QuantScheme(), d, seed), {}, {}};
    KeyedStream rng(hashKey(seed, 99));
    for (Tensor& t : p.model.tensors)
        for (double& v : t.values) {
            const double u = rng.uniform();
            if (t.role == "kernel") v = 2.0 * u - 1.0;
            else if (t.role == "alpha") v = 0.5 + 1.5 * u;
            else if (t.role == "gamma") v = (u < 0.2 ? -1.0 : 1.0) * (0.5 + u);
            else if (t.role == "moving_variance") v = 0.3 + 2.0 * u;
            else v = u - 0.5;
        }
    p.X.resize(rows, inputs);
    for (double& v : p.X.reshaped()) v = xScale * (2.0 * rng.uniform() - 1.0);
    p.y.resize(rows);
    for (int i = 0; i < rows; ++i)
        p.y[i] = loss == LossKind::CrossEntropy ? double(i % p.model.outputs) : 10.0 * rng.uniform();
    return p;
}

// 0: batchnorm classifier; 1: MSE regressor (reg 10, inputs large enough to activate the range
// penalty); 2: mnist-like; 3: softmax inside the body (no exact diagonal: Hutchinson path).
Problem problem(int which, int rows) {
    using K = LayerKind;
    const auto ce = LossKind::CrossEntropy, mse = LossKind::MeanSquaredError;
    switch (which) {
    case 0: return makeProblem(4, {{K::Dense, 6}, {K::ApplyAlpha, 0, 1.0}, {K::BatchNorm},
                                   {K::QRelu}, {K::Dense, 3}, {K::Softmax}}, ce, rows, 2.0, 71);
    case 1: return makeProblem(3, {{K::Dense, 6}, {K::ApplyAlpha, 0, 10.0}, {K::QRelu},
                                   {K::Dense, 1}}, mse, rows, 4.0, 81);
    case 2: return makeProblem(5, {{K::Dense, 4}, {K::ApplyAlpha, 0, 1.0}, {K::QRelu},
                                   {K::Dense, 3}, {K::Softmax}}, ce, rows, 2.0, 91);
    default: return makeProblem(3, {{K::Dense, 4}, {K::Softmax}, {K::Dense, 1}}, mse, rows, 2.0, 61);
    }
}

// ∇J on the Surrogate network with network.h (the reference the HVP is checked against).
Eigen::VectorXd surrogateGradient(const Model& m, const MatrixRM& X, const Eigen::VectorXd& y,
                                  const BitPopulation& pop) {
    ForwardCache c;
    forward(m, X, ForwardMode::Surrogate, c, Execution::Reference);
    MatrixRM dOut;
    lossSum(m.loss, c.output(), y, &dOut);
    dOut /= double(X.rows());
    Gradients g = zeroGradients(m);
    backward(m, c, dOut, 1.0, g);
    return gatherPopulation(pop, g);
}

// Region of every kink input: apply_alpha pre vs [Qmin, Qmax] (−1, 0, 1), qrelu input vs
// (0, max) (−2, 0, 2).
std::vector<int> kinkRegions(const Model& m, const MatrixRM& X) {
    ForwardCache c;
    forward(m, X, ForwardMode::Surrogate, c, Execution::Reference);
    std::vector<int> r;
    const auto visit = [&](const MatrixRM& v, double lo, double hi, int code) {
        for (double t : v.reshaped()) r.push_back(t < lo ? -code : t > hi ? code : 0);
    };
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        if (m.layers[l].kind == LayerKind::ApplyAlpha)
            visit(c.layers[l].pre, m.scheme.minValue(), m.scheme.maxValue(), 1);
        if (m.layers[l].kind == LayerKind::QRelu) visit(c.acts[l], 0.0, m.scheme.qreluMax(), 2);
    }
    return r;
}

// Central difference of ∇J along `dir` over the population: (∇J(w + h·dir) − ∇J(w − h·dir))/2h.
// Fails the test if a kink region changes between the two points.
Eigen::VectorXd fdHessianVector(Model m, const MatrixRM& X, const Eigen::VectorXd& y,
                                const BitPopulation& pop, const Eigen::VectorXd& dir, double h) {
    const std::vector<int> base = kinkRegions(m, X);
    Eigen::VectorXd g[2];
    for (int k = 0; k < 2; ++k) {
        Model shifted = m;
        const Gradients step = scatterPopulation(m, pop, (k ? -h : h) * dir);
        for (std::size_t t = 0; t < step.size(); ++t)
            if (step[t].size()) shifted.tensors[t].values += step[t];
        if (kinkRegions(shifted, X) != base) qFatal("finite-difference step crosses a kink");
        g[k] = surrogateGradient(shifted, X, y, pop);
    }
    return (g[0] - g[1]) / (2.0 * h);
}

// Dense P·H·Pᵀ built column by column from HVPs.
Eigen::MatrixXd denseHessian(const SurrogateCurvature& sc, const BitPopulation& pop) {
    const auto n = Eigen::Index(pop.params.size());
    Eigen::MatrixXd H(n, n);
    for (Eigen::Index j = 0; j < n; ++j) H.col(j) = sc.hessianVector(pop, Eigen::VectorXd::Unit(n, j));
    return H;
}

Eigen::VectorXd randomDirection(Eigen::Index n, std::uint64_t key) {
    KeyedStream rng(key);
    Eigen::VectorXd v(n);
    for (double& x : v) x = 2.0 * rng.uniform() - 1.0;
    return v.normalized();
}

// Mean over samples of squared per-sample gradients of ℓ_s + reg·mean_c φ(pre_sc), one row
// at a time with network.h (one-row backward: penalty slope reg/C = the per-sample split).
Eigen::VectorXd bruteForceFisher(const Problem& p, const BitPopulation& pop,
                                 Eigen::VectorXd* meanGrad) {
    Eigen::VectorXd f = Eigen::VectorXd::Zero(Eigen::Index(pop.params.size()));
    *meanGrad = f;
    for (Eigen::Index s = 0; s < p.X.rows(); ++s) {
        const Eigen::VectorXd g = surrogateGradient(p.model, p.X.row(s), p.y.segment(s, 1), pop);
        f += g.cwiseAbs2();
        *meanGrad += g;
    }
    *meanGrad /= double(p.X.rows());
    return f / double(p.X.rows());
}

double maxRelError(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    return (a - b).cwiseAbs().maxCoeff() / std::max(1e-300, b.cwiseAbs().maxCoeff());
}

struct Totals {
    double hvpFd = 0, symmetry = 0, eigen = 0, eigenVec = 0, fisher = 0, diag = 0;
} g_max;

Result<MethodScores> runMethod(RankMethod method, const Problem& p, const BitPopulation& pop,
                               int threads, std::uint64_t seed = 5) {
    RankContext ctx{p.model, pop, p.X, p.y, seed, {}, {}};
    NullProgressSink sink;
    std::optional<Result<MethodScores>> r;
    runInArena(threads, [&] { r.emplace(scoreFunction(method)(ctx, sink, {})); });
    return std::move(*r);
}

std::size_t populationIndex(const BitPopulation& pop, int tensor, int index) {
    for (std::size_t p = 0; p < pop.params.size(); ++p)
        if (int(pop.params[p].tensor) == tensor && int(pop.params[p].index) == index) return p;
    qFatal("entry not in the population");
}

// A problem whose first kernel has two pruned entries; `which` = 2 also zeroes a bias and uses
// the nonzero population.
std::pair<Problem, BitPopulation> prunedProblem(int which) {
    Problem p = problem(which, 40);
    Tensor& k0 = p.model.tensors[std::size_t(p.model.layers[0].kernel)];
    k0.mask.assign(std::size_t(k0.size()), 1);
    k0.mask[1] = k0.mask[4] = 0;
    k0.values[1] = k0.values[4] = 0.0;
    if (which == 2) p.model.tensors[std::size_t(p.model.layers[0].bias)].values[2] = 0.0;
    BitPopulation pop = makePopulation(p.model, which == 2 ? Population::NonZero : Population::All);
    return {std::move(p), std::move(pop)};
}

// Quantized mnist-like problem, one pruned entry in dense_1's kernel, nonzero population; the
// hand-picked entry dense_1/kernel[7].
struct Placement {
    Problem p;
    BitPopulation pop;
    std::size_t at = 0; // population index of the entry
    double w = 0;
    int m = 0;
};
Placement placement() {
    Placement t{problem(2, 50), {}};
    Tensor& k1 = t.p.model.tensors[std::size_t(t.p.model.layers[3].kernel)]; // 4×3
    k1.mask.assign(std::size_t(k1.size()), 1);
    k1.mask[0] = 0;
    t.p.model.quantizeInPlace();
    t.pop = makePopulation(t.p.model, Population::NonZero);
    t.at = populationIndex(t.pop, t.p.model.layers[3].kernel, 7);
    t.w = k1.values[7];
    t.m = t.pop.bitsPerParam;
    if (t.w == 0.0) qFatal("hand-picked entry is zero");
    return t;
}

} // namespace

class TestCurvature : public QObject {
    Q_OBJECT
private slots:
    void hvpMatchesFiniteDifferences_data() {
        QTest::addColumn<int>("which");
        QTest::newRow("batchnorm classifier") << 0;
        QTest::newRow("mse regressor, active penalty") << 1;
        QTest::newRow("mnist-like") << 2;
        QTest::newRow("softmax inside, mse") << 3;
    }
    void hvpMatchesFiniteDifferences() {
        QFETCH(int, which);
        const Problem p = problem(which, 300); // 300 rows: two chunks
        const BitPopulation pop = makePopulation(p.model, Population::All);
        const std::vector<int> regions = kinkRegions(p.model, p.X);
        if (which == 1) // the range penalty is active: some pre-activations leave [Qmin, Qmax]
            QVERIFY(std::count(regions.begin(), regions.end(), 1) +
                        std::count(regions.begin(), regions.end(), -1) > 0);
        const SurrogateCurvature sc(p.model, p.X, p.y);
        QCOMPARE(sc.chunkCount(), std::size_t(2));
        for (std::uint64_t dir = 0; dir < 3; ++dir) {
            const Eigen::VectorXd v = randomDirection(Eigen::Index(pop.params.size()), 100 + dir);
            const Eigen::VectorXd hv = sc.hessianVector(pop, v);
            const Eigen::VectorXd fd = fdHessianVector(p.model, p.X, p.y, pop, v, 1e-5);
            const double err = maxRelError(hv, fd);
            g_max.hvpFd = std::max(g_max.hvpFd, err);
            QVERIFY2(err < 1e-7, qPrintable(QString("rel err %1").arg(err)));
            QVERIFY(hv.cwiseAbs().maxCoeff() > 1e-3);
        }
    }

    void eigenpairsMatchDenseEigensolver_data() {
        QTest::addColumn<int>("which");
        QTest::newRow("batchnorm classifier") << 0;
        QTest::newRow("mse regressor") << 1;
        QTest::newRow("mnist-like, pruned, nonzero population") << 2;
    }
    void restrictedHessianIsSymmetricSubmatrix_data() { eigenpairsMatchDenseEigensolver_data(); }
    void restrictedHessianIsSymmetricSubmatrix() {
        QFETCH(int, which);
        const auto [p, pop] = prunedProblem(which);
        QCOMPARE(pop.params.size(), p.model.trainableParameterCount() - (which == 2 ? 3 : 2));
        const SurrogateCurvature sc(p.model, p.X, p.y);
        const Eigen::MatrixXd H = denseHessian(sc, pop);
        const double asym = (H - H.transpose()).cwiseAbs().maxCoeff() / H.cwiseAbs().maxCoeff();
        g_max.symmetry = std::max(g_max.symmetry, asym);
        QVERIFY2(asym < 1e-12, qPrintable(QString::number(asym)));
        // Submatrix of the Hessian over every trainable entry (pruned and zero ones included).
        BitPopulation full;
        for (std::size_t t = 0; t < p.model.tensors.size(); ++t)
            for (Eigen::Index i = 0; p.model.tensors[t].trainable && i < p.model.tensors[t].size(); ++i)
                full.params.push_back({std::uint32_t(t), std::uint32_t(i)});
        const Eigen::MatrixXd Hfull = denseHessian(sc, full);
        std::vector<Eigen::Index> at;
        for (const ParamRef& r : pop.params)
            at.push_back(Eigen::Index(populationIndex(full, int(r.tensor), int(r.index))));
        QVERIFY(Hfull.rows() > H.rows());
        QVERIFY(Hfull(at, at) == H);
    }

    void eigenpairsMatchDenseEigensolver() {
        QFETCH(int, which);
        const auto [p, pop] = prunedProblem(which);
        const SurrogateCurvature sc(p.model, p.X, p.y);
        const Eigen::MatrixXd H = denseHessian(sc, pop);
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(0.5 * (H + H.transpose()));
        std::vector<Eigen::Index> order(std::size_t(H.rows()));
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = Eigen::Index(i);
        std::sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
            return std::abs(es.eigenvalues()[a]) > std::abs(es.eigenvalues()[b]);
        });
        NullProgressSink sink;
        const auto tight = topEigenpairs(sc, pop, {3, 1e-14, 50000, 3}, sink, {});
        const auto fast = topEigenpairs(sc, pop, PowerIterationOptions{}, sink, {}); // 1e-4, 100
        QVERIFY(tight.ok() && fast.ok());
        for (std::size_t i = 0; i < 3; ++i) {
            const double ref = es.eigenvalues()[order[i]];
            const double rel = std::abs(tight->values[i] - ref) / std::abs(ref);
            const double cosine = std::abs(tight->vectors[i].dot(es.eigenvectors().col(order[i])));
            g_max.eigen = std::max(g_max.eigen, rel);
            g_max.eigenVec = std::max(g_max.eigenVec, 1.0 - cosine);
            QVERIFY2(tight->converged[i] && rel < 1e-6 && 1.0 - cosine < 1e-5,
                     qPrintable(QString("pair %1: %2 vs %3 after %4 iterations").arg(i)
                                    .arg(tight->values[i], 0, 'g', 15).arg(ref, 0, 'g', 15)
                                    .arg(tight->iterations[i])));
            // Production settings: converged pairs are close.
            qInfo("pair %zu: lambda %.6g (dense %.6g), %d iterations, converged %d", i + 1,
                  fast->values[i], ref, fast->iterations[i], int(fast->converged[i]));
            QVERIFY(fast->iterations[i] <= 100);
            QVERIFY(!fast->converged[i] || std::abs(fast->values[i] - ref) <= 1e-2 * std::abs(ref));
        }
    }

    void fisherMatchesBruteForce_data() { eigenpairsMatchDenseEigensolver_data(); }
    void fisherMatchesBruteForce() {
        QFETCH(int, which);
        const Problem p = problem(which, 300);
        const BitPopulation pop = makePopulation(p.model, Population::All);
        Eigen::VectorXd meanGrad;
        const Eigen::VectorXd brute = bruteForceFisher(p, pop, &meanGrad);
        const SurrogateCurvature sc(p.model, p.X, p.y);
        const Eigen::VectorXd f = gatherPopulation(pop, empiricalFisherDiagonal(sc));
        const double err = maxRelError(f, brute);
        g_max.fisher = std::max(g_max.fisher, err);
        QVERIFY2(err < 1e-12, qPrintable(QString::number(err)));
        // The per-sample split of the penalty averages back to ∇J.
        QVERIFY(maxRelError(meanGrad, surrogateGradient(p.model, p.X, p.y, pop)) < 1e-12);
    }

    void hessianDiagonal_data() { hvpMatchesFiniteDifferences_data(); }
    void hessianDiagonal() {
        QFETCH(int, which);
        const Problem p = problem(which, 60);
        const BitPopulation pop = makePopulation(p.model, Population::All);
        const SurrogateCurvature sc(p.model, p.X, p.y);
        const Eigen::MatrixXd H = denseHessian(sc, pop);
        const auto exact = exactHessianDiagonal(sc);
        QCOMPARE(exact.has_value(), which != 3);
        if (exact) {
            const double err = maxRelError(gatherPopulation(pop, *exact), H.diagonal());
            g_max.diag = std::max(g_max.diag, err);
            QVERIFY2(err < 1e-12, qPrintable(QString::number(err)));
        }
        // Hutchinson: within 5 standard errors, SE_p² = Σ_{q≠p} H_pq² / probes.
        NullProgressSink sink;
        const auto h = hutchinsonDiagonal(sc, pop, HutchinsonOptions{}, sink, {});
        QVERIFY(h.ok());
        QVERIFY(h->probes >= 10 && h->probes <= 200);
        QVERIFY(h->probes == 200 || h->relStdError <= 0.01);
        for (Eigen::Index q = 0; q < H.rows(); ++q) {
            const double off = H.row(q).squaredNorm() - H(q, q) * H(q, q);
            const double se = std::sqrt(std::max(off, 0.0) / h->probes);
            QVERIFY2(std::abs(h->diagonal[q] - H(q, q)) <= 5.0 * se + 1e-12,
                     qPrintable(QString("entry %1: %2 vs %3 (se %4)").arg(q)
                                    .arg(h->diagonal[q]).arg(H(q, q)).arg(se)));
        }
    }

    void identicalForOneAndTwoThreads() {
        const Problem p = problem(0, 700); // three chunks
        const BitPopulation pop = makePopulation(p.model, Population::All);
        const Problem q = problem(3, 700);
        const BitPopulation qpop = makePopulation(q.model, Population::All);
        for (RankMethod m : {RankMethod::Fisher, RankMethod::Hessian, RankMethod::HessianDelta,
                             RankMethod::Taylor}) {
            for (const auto& [pr, pp] : {std::pair{&p, &pop}, std::pair{&q, &qpop}}) {
                const auto a = runMethod(m, *pr, *pp, 1), b = runMethod(m, *pr, *pp, 2);
                QVERIFY2(a.ok() && b.ok(), toString(m));
                QVERIFY2(a->values == b->values, toString(m));
                QVERIFY(a->diagnostics == b->diagnostics);
                if (m == RankMethod::Taylor) // exact diagonal unless softmax is inside the body
                    QCOMPARE(a->diagnostics.front().second, pr == &p ? 1.0 : 0.0);
            }
        }
    }

    void fisherAndTaylorLandOnTheRightBits() {
        const Placement t = placement();
        const auto fisher = runMethod(RankMethod::Fisher, t.p, t.pop, 2);
        QVERIFY(fisher.ok() && fisher->kind == ScoreKind::PerParam &&
                fisher->combine == GlobalCombine::DeltaSquared);
        QCOMPARE(fisher->values.size(), t.pop.params.size());
        Eigen::VectorXd meanGrad;
        const double fRef = bruteForceFisher(t.p, t.pop, &meanGrad)[Eigen::Index(t.at)];
        QVERIFY(std::abs(fisher->values[t.at] - fRef) <= 1e-12 * fRef);
        // taylor against an independent H_pp: central difference of ∇J along e_p.
        const auto taylor = runMethod(RankMethod::Taylor, t.p, t.pop, 2);
        QVERIFY(taylor.ok() && taylor->kind == ScoreKind::PerBit);
        QCOMPARE(taylor->values.size(), t.pop.bits());
        QCOMPARE(taylor->diagnostics.front().second, 1.0); // exact diagonal
        const auto e = Eigen::VectorXd::Unit(Eigen::Index(t.pop.params.size()), Eigen::Index(t.at));
        const double hpp = fdHessianVector(t.p.model, t.p.X, t.p.y, t.pop, e, 1e-5)[Eigen::Index(t.at)];
        for (int b = 0; b < t.m; ++b) {
            const double d = t.p.model.scheme.delta(t.w, b);
            const double ref = std::abs(meanGrad[Eigen::Index(t.at)] * d + 0.5 * hpp * d * d);
            QVERIFY2(std::abs(taylor->values[t.at * std::size_t(t.m) + std::size_t(b)] - ref) <=
                         1e-7 * ref, qPrintable(QString("bit %1").arg(b)));
        }
    }

    void hessianScoresLandOnTheRightBits() {
        const Placement t = placement();
        RankContext ctx{t.p.model, t.pop, t.p.X, t.p.y, 5, {}, {}};
        NullProgressSink sink;
        const auto hs = scoreHessian(ctx, sink, {});
        QVERIFY(hs.ok() && ctx.eigen && ctx.eigen->values.size() == 3);
        const auto hd = scoreHessianDelta(ctx, sink, {}); // reuses ctx.eigen
        QVERIFY(hd.ok() && hs->kind == ScoreKind::PerParam && hd->kind == ScoreKind::PerBit);
        double c = 0; // Σ_i |λ_i v_i[p]|, times |w| (hessian) or |δ| (hessiandelta)
        for (std::size_t i = 0; i < 3; ++i)
            c += std::abs(ctx.eigen->values[i] * ctx.eigen->vectors[i][Eigen::Index(t.at)]);
        QCOMPARE(hs->values[t.at], c * std::abs(t.w));
        for (int b = 0; b < t.m; ++b)
            QCOMPARE(hd->values[t.at * std::size_t(t.m) + std::size_t(b)],
                     c * std::abs(t.p.model.scheme.delta(t.w, b)));
        QCOMPARE(hs->diagnostics.size(), std::size_t(9));
        QCOMPARE(hs->diagnostics[0].first, std::string("lambda_1"));
    }

    void cancellation() {
        const Problem p = problem(2, 50);
        const BitPopulation pop = makePopulation(p.model, Population::All);
        RankContext ctx{p.model, pop, p.X, p.y, 5, {}, {}};
        NullProgressSink sink;
        std::stop_source stop;
        stop.request_stop();
        for (RankMethod m : {RankMethod::Fisher, RankMethod::Hessian, RankMethod::Taylor}) {
            const auto r = scoreFunction(m)(ctx, sink, stop.get_token());
            QVERIFY(!r.ok() && r.error().kind == ErrorKind::Cancelled);
        }
    }

    void cleanupTestCase() {
        qInfo("max rel. errors: HVP vs FD %.3g, asymmetry %.3g, eigenvalues %.3g, 1-|cos| %.3g, "
              "fisher %.3g, exact diagonal %.3g",
              g_max.hvpFd, g_max.symmetry, g_max.eigen, g_max.eigenVec, g_max.fisher, g_max.diag);
    }
};

QTEST_GUILESS_MAIN(TestCurvature)
#include "tst_curvature.moc"
