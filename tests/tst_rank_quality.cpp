// Rank quality (precision@k, Kendall τ-b, Spearman ρ, top-k overlap) against brute force and
// hand examples; qpolar / qpolargrad impacts computed by hand on a tiny q<6,2,1> network.
#include "test_support.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>
#include <random>
#include <stop_token>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/model/benchmarks.h"
#include "engine/rank/rank_context.h"
#include "engine/rank/rank_quality.h"

using namespace netsurf;

namespace {

// ---- brute-force references (O(n²)) ----

int sgn(double v) {
    return (v > 0) - (v < 0);
}

double bruteTauB(const std::vector<double>& x, const std::vector<double>& y) {
    const std::size_t n = x.size();
    double s = 0, n0 = 0, tx = 0, ty = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            s += sgn(x[i] - x[j]) * sgn(y[i] - y[j]);
            n0 += 1;
            tx += x[i] == x[j];
            ty += y[i] == y[j];
        }
    return s / std::sqrt((n0 - tx) * (n0 - ty));
}

std::vector<double> bruteAverageRanks(const std::vector<double>& v) {
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        double below = 0, equal = 0;
        for (double w : v) {
            below += w < v[i];
            equal += w == v[i];
        }
        r[i] = below + (equal + 1) / 2;
    }
    return r;
}

double bruteSpearman(const std::vector<double>& x, const std::vector<double>& y) {
    const auto rx = bruteAverageRanks(x), ry = bruteAverageRanks(y);
    const double n = double(x.size());
    const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / n;
    const double my = std::accumulate(ry.begin(), ry.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < rx.size(); ++i) {
        sxy += (rx[i] - mx) * (ry[i] - my);
        sxx += (rx[i] - mx) * (rx[i] - mx);
        syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxy / std::sqrt(sxx * syy);
}

// `levels` > 0: integer values in [0, levels) (many ties); 0: continuous.
std::vector<double> randomScores(std::size_t n, int levels, std::uint64_t key) {
    KeyedStream s(hashKey(key)); // hashed: raw keys k, k+1 share a shifted stream
    std::vector<double> v(n);
    for (double& x : v)
        x = levels > 0 ? double(s.below(std::uint64_t(levels))) : s.uniform();
    return v;
}

BitOrder randomOrder(std::uint32_t n, std::uint64_t key) {
    const auto p = keyedPermutation(n, hashKey(key));
    return BitOrder(p.begin(), p.end());
}

std::vector<double> asDouble(const std::vector<std::uint32_t>& v) {
    return std::vector<double>(v.begin(), v.end());
}

// ---- a tiny hand-set network on q<6,2,1> (grid step 0.125, range [−4, 3.875]) ----

// 2 → dense 2 → (apply_alpha | batchnorm) → qrelu → dense 2 → softmax. Tensor values are set by
// hand; dense_0/kernel[1][1] is pruned.
Model handNet(bool batchnorm) {
    Dataset d;
    d.task = TaskKind::Classification;
    d.inputShape = {2};
    d.classes = 2;
    d.trainX = MatrixRM::Zero(3, 2);
    BenchmarkSpec spec;
    spec.layers = {{LayerKind::Dense, 2},
                   batchnorm ? LayerSpec{LayerKind::BatchNorm}
                             : LayerSpec{LayerKind::ApplyAlpha, 0, 1.0},
                   {LayerKind::QRelu},
                   {LayerKind::Dense, 2},
                   {LayerKind::Softmax}};
    Model m = buildModel(spec, QuantScheme(), d, 1);
    auto set = [&m](const char* name, const std::vector<double>& v) {
        Tensor& t = m.tensors[std::size_t(m.tensorIndex(name))];
        QCOMPARE_EQ(std::size_t(t.size()), v.size());
        for (std::size_t i = 0; i < v.size(); ++i)
            t.values[Eigen::Index(i)] = v[i];
    };
    set("dense_0/kernel", {-0.625, -1.125, -0.375, -0.5}); // flipped: 0.5, 1.0, 0.25, (pruned)
    m.tensors[std::size_t(m.tensorIndex("dense_0/kernel"))].mask = {1, 1, 1, 0};
    set("dense_0/bias", {-0.125, -0.25}); // flipped: 0, 0.125
    if (batchnorm) {
        set("bn_0/gamma", {1.0, -0.75});
        set("bn_0/beta", {0.25, -0.5});
        set("bn_0/moving_mean", {0.5, 1.0});
        set("bn_0/moving_variance", {0.25, 4.0});
    } else {
        set("alpha_0/alpha", {-1.125, -0.625}); // flipped: 1.0, 0.5
        set("alpha_0/beta", {-0.125, -0.375});  // flipped: 0, 0.25
    }
    set("dense_1/kernel", {0.5, -0.25, 0.375, 1.0});
    set("dense_1/bias", {-0.5, 0.25});
    m.quantizeInPlace();
    return m;
}

const MatrixRM& handX() {
    static const MatrixRM X = (MatrixRM(3, 2) << 1.0, 2.0, 0.5, 0.0, 2.0, 1.0).finished();
    return X;
}
const Eigen::VectorXd& handY() {
    static const Eigen::VectorXd y = (Eigen::VectorXd(3) << 0, 1, 1).finished();
    return y;
}

std::size_t paramOf(const Model& m, const BitPopulation& pop, const char* tensor, int index) {
    const auto t = std::uint32_t(m.tensorIndex(tensor));
    for (std::size_t p = 0; p < pop.params.size(); ++p)
        if (pop.params[p].tensor == t && pop.params[p].index == std::uint32_t(index)) return p;
    qFatal("%s[%d] is not in the population", tensor, index);
    return 0;
}

MethodScores runScores(RankMethod method, const Model& m, const MatrixRM& X,
                       const Eigen::VectorXd& y, int threads) {
    const BitPopulation pop = makePopulation(m, Population::All);
    RankContext ctx{m, pop, X, y, 0, {}, {}};
    NullProgressSink sink;
    std::optional<Result<MethodScores>> r;
    runInArena(threads, [&] { r.emplace(scoreFunction(method)(ctx, sink, {})); });
    if (!r->ok()) qFatal("%s", r->error().message.c_str());
    return std::move(**r);
}

// A bigger random network (several forward blocks) for the thread-independence check.
Model randomNet(MatrixRM& X, Eigen::VectorXd& y) {
    Dataset d;
    d.task = TaskKind::Classification;
    d.inputShape = {10};
    d.classes = 3;
    d.trainX = MatrixRM::Zero(1, 10);
    BenchmarkSpec spec;
    spec.layers = {{LayerKind::Dense, 16}, {LayerKind::ApplyAlpha, 0, 1.0},
                   {LayerKind::BatchNorm}, {LayerKind::QRelu},
                   {LayerKind::Dense, 8},  {LayerKind::QRelu},
                   {LayerKind::Dense, 3},  {LayerKind::Softmax}};
    Model m = buildModel(spec, QuantScheme(), d, 5);
    Tensor& k = m.tensors[std::size_t(m.tensorIndex("dense_1/kernel"))];
    k.mask.assign(std::size_t(k.size()), 1);
    for (std::size_t i = 0; i < k.mask.size(); i += 3)
        k.mask[i] = 0;
    m.quantizeInPlace();
    KeyedStream s(99);
    X.resize(5000, 10);
    y.resize(5000);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            X(i, j) = 4.0 * s.uniform() - 2.0;
        y[i] = double(s.below(3));
    }
    return m;
}

} // namespace

class TestRankQuality : public QObject {
    Q_OBJECT
private slots:
    void kendallMatchesBruteForce_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("levels");
        for (int n : {2, 3, 10, 57, 400, 1500})
            for (int levels : {2, 5, 40, 0})
                QTest::addRow("n=%d levels=%d", n, levels) << n << levels;
    }
    void kendallMatchesBruteForce() {
        QFETCH(int, n);
        QFETCH(int, levels);
        const auto x = randomScores(std::size_t(n), levels, std::uint64_t(n * 100 + levels));
        const auto y = randomScores(std::size_t(n), levels, std::uint64_t(n * 100 + levels + 7));
        const double ref = bruteTauB(x, y);
        const double tau = kendallTauB(x, y);
        if (std::isnan(ref)) {
            QVERIFY(std::isnan(tau)); // a constant side (n = 2 with ties)
        } else {
            QVERIFY2(std::abs(tau - ref) < 1e-12,
                     qPrintable(QString("%1 vs %2").arg(tau, 0, 'g', 17).arg(ref, 0, 'g', 17)));
            QVERIFY(std::abs(spearmanRho(x, y) - bruteSpearman(x, y)) < 1e-12);
        }
        // Correlated pair: y = x plus a little noise keeps most pairs concordant.
        std::vector<double> z(x);
        const auto noise = randomScores(std::size_t(n), levels, 3);
        for (std::size_t i = 0; i < z.size(); ++i)
            z[i] += 0.3 * noise[i];
        if (!std::isnan(bruteTauB(x, z)))
            QVERIFY(std::abs(kendallTauB(x, z) - bruteTauB(x, z)) < 1e-12);
    }
    void identicalAndReversedOrders() {
        const BitOrder a = randomOrder(1000, 1);
        BitOrder r(a.rbegin(), a.rend());
        QCOMPARE(kendallTauOrders(a, a), 1.0);
        QCOMPARE(kendallTauOrders(a, r), -1.0);
        QCOMPARE(spearmanOrders(a, a), 1.0);
        QCOMPARE(spearmanOrders(a, r), -1.0);
        const auto s = randomScores(500, 7, 4);
        std::vector<double> neg(s);
        for (double& v : neg)
            v = -v;
        QCOMPARE(kendallTauB(s, s), 1.0);
        QCOMPARE(kendallTauB(s, neg), -1.0);
        QCOMPARE(spearmanRho(s, neg), -1.0);
        QVERIFY(std::isnan(kendallTauB({1, 1, 1}, {1, 2, 3}))); // constant side
        QVERIFY(std::isnan(kendallTauOrders({0}, {0})));
    }
    void ordersAgreeWithScoreFormulas() {
        for (std::uint32_t n : {2u, 17u, 1000u}) {
            const BitOrder a = randomOrder(n, n), b = randomOrder(n, n + 1);
            const auto pa = asDouble(positions(a)), pb = asDouble(positions(b));
            QVERIFY(std::abs(kendallTauOrders(a, b) - bruteTauB(pa, pb)) < 1e-12);
            QVERIFY(std::abs(spearmanOrders(a, b) - bruteSpearman(pa, pb)) < 1e-12);
            QVERIFY(std::abs(kendallTauB(pa, pb) - kendallTauOrders(a, b)) < 1e-12);
        }
    }
    void precisionAtKHandExamples() {
        const BitOrder a{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        const BitOrder b{1, 0, 5, 2, 9, 3, 4, 6, 7, 8};
        QCOMPARE(precisionAtK(a, b, 1), 0.0);     // {0} vs {1}
        QCOMPARE(precisionAtK(a, b, 2), 1.0);     // {0,1} vs {1,0}
        QCOMPARE(precisionAtK(a, b, 3), 2.0 / 3); // {0,1,2} vs {1,0,5}
        QCOMPARE(precisionAtK(a, b, 4), 3.0 / 4);
        QCOMPARE(precisionAtK(a, b, 10), 1.0);
        QCOMPARE(topKIntersection(a, b, 5), std::size_t(3)); // {0,1,2,3,4} ∩ {1,0,5,2,9}
        const TopKOverlap o = topKOverlap(a, b, 3);
        QCOMPARE(o.common, std::size_t(2));
        QCOMPARE(o.jaccard, 0.5); // 2 / |{0,1,2,5}|
        QCOMPARE(o.dice, 2.0 / 3);
        QCOMPARE(o.kendallTau, -1.0); // 0 before 1 in a, after it in b
        QCOMPARE(o.spearman, -1.0);
        QVERIFY(std::isnan(topKOverlap(a, b, 1).kendallTau));
    }
    // topKOverlap's τ-b and ρ (inversions and ranks of the common set) are the general
    // kendallTauB / spearmanRho of the common bits' positions, bit for bit.
    void topKOverlapEqualsTheGeneralCoefficients() {
        std::mt19937 rng(7);
        for (int trial = 0; trial < 20; ++trial) {
            const std::size_t n = 50 + rng() % 3000;
            BitOrder a(n), b(n);
            std::iota(a.begin(), a.end(), 0u);
            std::iota(b.begin(), b.end(), 0u);
            std::shuffle(a.begin(), a.end(), rng);
            std::shuffle(b.begin(), b.end(), rng);
            if (trial % 2) { // a correlated pair: b is a with local swaps
                b = a;
                for (std::size_t i = 0; i + 3 < n; i += 2 + rng() % 3)
                    std::swap(b[i], b[i + rng() % 3]);
            }
            const std::size_t k = 1 + rng() % n;
            std::vector<std::uint32_t> posA(n);
            for (std::size_t i = 0; i < n; ++i)
                posA[a[i]] = std::uint32_t(i);
            std::vector<double> inA, inB;
            for (std::size_t i = 0; i < k; ++i)
                if (posA[b[i]] < k) {
                    inA.push_back(double(posA[b[i]]));
                    inB.push_back(double(i));
                }
            const TopKOverlap o = topKOverlap(a, b, k);
            QCOMPARE(o.common, inA.size());
            if (inA.size() < 2) continue;
            QCOMPARE(o.kendallTau, kendallTauB(inA, inB));
            QCOMPARE(o.spearman, spearmanRho(inA, inB));
        }
    }
    void protectionFractions() {
        QCOMPARE(topKCount(200, 0.01), std::size_t(2));
        QCOMPARE(topKCount(250, 0.01), std::size_t(2));  // 2.5 → 2 (half to even)
        QCOMPARE(topKCount(250, 0.05), std::size_t(12)); // 12.5 → 12
        QCOMPARE(topKCount(10, 0.01), std::size_t(1));   // at least one bit
        QCOMPARE(topKCount(10, 1.5), std::size_t(10));
        QCOMPARE(topKCount(0, 0.1), std::size_t(0));
        const BitOrder a = randomOrder(200, 5);
        BitOrder b = a; // swap two bits across the 1 % boundary (k = 2)
        std::swap(b[1], b[2]);
        const auto p = precisionAtFractions(a, b, defaultQualityFractions());
        QCOMPARE(p.size(), std::size_t(5));
        const std::size_t ks[] = {2, 10, 20, 40, 80};
        for (std::size_t i = 0; i < p.size(); ++i)
            QCOMPARE(p[i].k, ks[i]);
        QCOMPARE(p[0].hits, std::size_t(1));
        QCOMPARE(p[0].precision, 0.5);
        QCOMPARE(p[1].precision, 1.0);
        auto q = rankQuality(a, b);
        QVERIFY(q.ok());
        QCOMPARE(q->bits, std::size_t(200));
        QCOMPARE(q->kendallTau, 1.0 - 4.0 / (200.0 * 199.0)); // one discordant pair
        QCOMPARE(q->precision[0].precision, 0.5);
    }
    void rejectsDifferentBitSets() {
        QVERIFY(!rankQuality({0, 1, 2}, {0, 1}).ok());
        QVERIFY(!rankQuality({0, 1, 2}, {0, 1, 1}).ok());
        QCOMPARE(rankQuality({0, 1, 3}, {0, 1, 2}).error().kind, ErrorKind::Data);
        QVERIFY(isSamePopulation({2, 0, 1}, {0, 1, 2}));
    }
    void rankedBitsToIds() {
        const std::vector<RankedBit> rows{{1, 0, 3.0}, {0, 5, 2.0}, {0, 0, 1.0}, {1, 5, 0.5}};
        const BitOrder o = bitOrder(rows, 6);
        QCOMPARE(o, (BitOrder{6, 5, 0, 11}));
        const auto s = scoresByBit({{0, 1, 2.0}, {0, 0, 1.0}}, 2);
        QCOMPARE(s, (std::vector<double>{1.0, 2.0}));
    }
    void scalesToAFullPopulation() {
        const std::uint32_t n = 270000;
        const BitOrder a = randomOrder(n, 11), b = randomOrder(n, 12);
        const auto t0 = std::chrono::steady_clock::now();
        auto q = rankQuality(a, b);
        const auto sa = randomScores(n, 1000, 13), sb = randomScores(n, 1000, 14);
        const double tauScores = kendallTauB(sa, sb);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        qInfo("rank quality + score τ-b over %u bits: %.1f ms", n, ms);
        QVERIFY(q.ok());
        QVERIFY(std::abs(q->kendallTau) < 0.01); // independent permutations
        QVERIFY(std::abs(tauScores) < 0.01);
        QVERIFY(ms < 5000);
    }

    // ---- qpolar / qpolargrad ----
    void qpolarHandComputedImpacts() {
        const Model m = handNet(false);
        const BitPopulation pop = makePopulation(m, Population::All);
        QCOMPARE(pop.params.size(), std::size_t(3 + 2 + 2 + 2 + 4 + 2)); // pruned entry absent
        const MethodScores s = runScores(RankMethod::QPolar, m, handX(), handY(), 2);
        QCOMPARE(s.kind, ScoreKind::PerBit);
        QCOMPARE(s.values.size(), pop.bits());
        auto score = [&](const char* t, int i, int b) {
            return s.values[paramOf(m, pop, t, i) * 6 + std::size_t(b)];
        };
        // Faulty dense_0 (W' = [[0.5, 1], [0.25, 0]], b' = [0, 0.125]) on X:
        //   Z' = [[1, 1.125], [0.25, 0.625], [1.25, 2.125]]  → the α layer's input.
        // Faulty α' = [1, 0.5], β' = [0, 0.25]: qrelu(α'Z' + β') (on the 1/16 grid, exact)
        //   a = [[1, 0.8125], [0.25, 0.5625], [1.25, 1.3125]] → dense_1's input.
        const double meanA1 = (0.8125 + 0.5625 + 1.3125) / 3, meanZ1 = (1.125 + 0.625 + 2.125) / 3;
        const double meanX0 = (1.0 + 0.5 + 2.0) / 3;
        // dense_1/kernel[1][0] = 0.375 = 000.011: bit 1 (2¹) is 0 → δ = +2; bit 4 (2⁻²) is 1 → δ =
        // −0.25.
        QVERIFY(std::abs(score("dense_1/kernel", 2, 1) - meanA1 * 2.0) < 1e-14);
        QVERIFY(std::abs(score("dense_1/kernel", 2, 4) - meanA1 * 0.25) < 1e-14);
        // dense_1/bias[0] = −0.5 = 111.100: sign bit 1 → δ = +4; LSB 0 → δ = +0.125. I = δ.
        QCOMPARE(score("dense_1/bias", 0, 0), 4.0);
        QCOMPARE(score("dense_1/bias", 0, 5), 0.125);
        // alpha_0/alpha[1] = −0.625 = 111.011: bit 2 (2⁰) is 1 → δ = −1, I = −mean Z'[·,1].
        QVERIFY(std::abs(score("alpha_0/alpha", 1, 2) - meanZ1) < 1e-14);
        QVERIFY(std::abs(score("alpha_0/alpha", 1, 3) - meanZ1 * 0.5) < 1e-14);
        // alpha_0/beta: I = δ; dense_0/kernel[0][0] (first layer): a = X, sign δ = +4.
        QCOMPARE(score("alpha_0/beta", 0, 0), 4.0);
        QVERIFY(std::abs(score("dense_0/kernel", 0, 0) - meanX0 * 4.0) < 1e-14);
        QCOMPARE(m.scheme.delta(0.375, 1), 2.0);
        QCOMPARE(m.scheme.delta(-0.625, 2), -1.0);
    }
    void qpolarBatchNormGamma() {
        const Model m = handNet(true);
        const BitPopulation pop = makePopulation(m, Population::All);
        const MethodScores s = runScores(RankMethod::QPolar, m, handX(), handY(), 1);
        // BN input = faulty dense_0 output Z' (above); z = (Z' − μ)/sqrt(σ² + ε), ε = 1e-3.
        const double meanZ1 = (1.125 + 0.625 + 2.125) / 3;
        const double meanHat1 = (meanZ1 - 1.0) / std::sqrt(4.0 + 1e-3);
        const double meanHat0 = ((1.0 + 0.25 + 1.25) / 3 - 0.5) / std::sqrt(0.25 + 1e-3);
        // γ[1] = −0.75 = 111.010: sign δ = +4; bit 4 (2⁻²) is 1 → δ = −0.25. γ[0] = 1 = 001.000.
        auto score = [&](const char* t, int i, int b) {
            return s.values[paramOf(m, pop, t, i) * 6 + std::size_t(b)];
        };
        QVERIFY(std::abs(score("bn_0/gamma", 1, 0) - meanHat1 * 4.0) < 1e-12);
        QVERIFY(std::abs(score("bn_0/gamma", 1, 4) - meanHat1 * 0.25) < 1e-12);
        QVERIFY(std::abs(score("bn_0/gamma", 0, 2) - meanHat0 * 1.0) < 1e-12); // 2⁰ bit 1 → −1
        QCOMPARE(score("bn_0/beta", 1, 5), 0.125);
    }
    void qpolarGradIsImpactTimesMeanGradient() {
        const Model m = handNet(false);
        const BitPopulation pop = makePopulation(m, Population::All);
        const MethodScores q = runScores(RankMethod::QPolar, m, handX(), handY(), 2);
        const MethodScores qg = runScores(RankMethod::QPolarGrad, m, handX(), handY(), 2);
        RankContext fresh{m, pop, handX(), handY(), 0, {}, {}};
        const Eigen::VectorXd& g = meanGradient(fresh);
        QCOMPARE(qg.values.size(), q.values.size());
        bool anyNonZero = false;
        for (std::size_t i = 0; i < q.values.size(); ++i) {
            QCOMPARE(qg.values[i], q.values[i] * std::abs(g[Eigen::Index(i / 6)]));
            anyNonZero |= qg.values[i] > 0;
        }
        QVERIFY(anyNonZero);
    }
    void qpolarSameForOneAndTwoThreads() {
        MatrixRM X;
        Eigen::VectorXd y;
        const Model m = randomNet(X, y);
        for (RankMethod method : {RankMethod::QPolar, RankMethod::QPolarGrad}) {
            const MethodScores a = runScores(method, m, X, y, 1);
            const MethodScores b = runScores(method, m, X, y, 2);
            QVERIFY(a.values == b.values);
            QVERIFY(std::all_of(a.values.begin(), a.values.end(),
                                [](double v) { return std::isfinite(v) && v >= 0; }));
        }
    }
    void qpolarHonoursStop() {
        const Model m = handNet(false);
        const BitPopulation pop = makePopulation(m, Population::All);
        RankContext ctx{m, pop, handX(), handY(), 0, {}, {}};
        NullProgressSink sink;
        std::stop_source stop;
        stop.request_stop();
        for (RankMethod method : {RankMethod::QPolar, RankMethod::QPolarGrad}) {
            auto r = scoreFunction(method)(ctx, sink, stop.get_token());
            QVERIFY(!r.ok());
            QCOMPARE(r.error().kind, ErrorKind::Cancelled);
        }
    }
};

QTEST_GUILESS_MAIN(TestRankQuality)
#include "tst_rank_quality.moc"
