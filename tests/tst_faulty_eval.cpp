// Faulty-model evaluation: the sparse evaluator agrees with the dense one (and the dense one with
// the network's own forward pass) on flip sets of every size for the four benchmark
// architectures; empty / cancelling / pruned-entry flips; a hand-computed bias flip; the shared
// kernels against QuantScheme; identical results for 1 and 2 threads.
#include "test_support.h"
#include "test_models.h"

#include <map>
#include <tuple>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/inject/code_product.h"
#include "engine/inject/faulty_eval.h"
#include "engine/inject/faulty_eval_kernels.h"
#include "engine/model/benchmarks.h"
#include "engine/model/evaluate.h"
#include "engine/model/network.h"
#include "engine/rank/bit_population.h"

using namespace netsurf;

namespace {

using test::Case;
using test::draw;
using test::makeCase;

// Random distinct bits of `pop` (fraction or count), grouped per parameter, listed in reverse
// order (the evaluators canonicalize).
std::vector<ParamFlip> randomFlips(const BitPopulation& pop, std::size_t count, std::uint64_t key) {
    const std::size_t m = std::size_t(pop.bitsPerParam);
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> masks;
    const std::vector<std::uint32_t> perm = keyedPermutation(std::uint32_t(pop.bits()), key);
    for (std::size_t k = 0; k < std::min(count, perm.size()); ++k) {
        const ParamRef& p = pop.params[perm[k] / m];
        masks[{p.tensor, p.index}] |= 1u << (m - 1 - perm[k] % m);
    }
    std::vector<ParamFlip> out;
    for (const auto& [k, mask] : masks)
        out.push_back({k.first, k.second, mask});
    std::reverse(out.begin(), out.end());
    return out;
}

// Every bit of the kept entries of the named tensors.
std::vector<ParamFlip> allBitsOf(const Model& m, std::initializer_list<const char*> names) {
    std::vector<ParamFlip> out;
    for (const char* name : names) {
        const int t = m.tensorIndex(name);
        if (t < 0) continue;
        for (Eigen::Index i = 0; i < m.tensors[std::size_t(t)].size(); ++i)
            if (m.tensors[std::size_t(t)].kept(i))
                out.push_back({std::uint32_t(t), std::uint32_t(i), (1u << m.scheme.m()) - 1});
    }
    return out;
}

std::vector<ParamFlip> flipSet(const Case& c, const std::string& kind) {
    const BitPopulation pop = makePopulation(c.model, Population::All);
    const std::size_t bits = pop.bits();
    if (kind == "single") return randomFlips(pop, 1, 7);
    if (kind == "few") return randomFlips(pop, 5, 8);
    if (kind == "many") return randomFlips(pop, bits / 20, 9);
    if (kind == "most") return randomFlips(pop, bits * 2 / 5, 10);
    if (kind == "first layer") return allBitsOf(c.model, {"dense_0/kernel"});
    if (kind == "output few") { // a few single bits of the output layer's kernel: patches
        const int t = c.model.tensorIndex(c.model.task == TaskKind::Regression ? "dense_2/kernel"
                                                                               : "dense_1/kernel");
        return {{std::uint32_t(t), 0, 1}, {std::uint32_t(t), 5, 4}, {std::uint32_t(t), 16, 32}};
    }
    if (kind == "last layer")
        return allBitsOf(c.model, {"dense_1/kernel", "dense_1/bias", "dense_2/bias"});
    return allBitsOf(c.model, {"alpha_0/alpha", "alpha_0/beta", "bn_0/gamma", "bn_0/beta",
                               "alpha_1/beta"}); // "element-wise"
}

bool close(double a, double ref) {
    return std::abs(a - ref) <= 1e-9 + 1e-6 * std::abs(ref);
}

void compareOutcomes(const FaultyOutcome& a, const FaultyOutcome& b, bool bitwise) {
    QVERIFY2(bitwise ? a.loss == b.loss : close(a.loss, b.loss),
             qPrintable(QString("loss %1 vs %2").arg(a.loss, 0, 'g', 17).arg(b.loss, 0, 'g', 17)));
    QCOMPARE(a.mismatchRate, b.mismatchRate);
    QCOMPARE(a.metrics.size(), b.metrics.size());
    for (std::size_t i = 0; i < a.metrics.size(); ++i) {
        QCOMPARE(a.metrics[i].first, b.metrics[i].first);
        QVERIFY(bitwise ? a.metrics[i].second == b.metrics[i].second
                        : close(a.metrics[i].second, b.metrics[i].second));
    }
}

// Loss and predictions of the flipped model by the network's own forward pass on `X`.
std::pair<double, Eigen::VectorXi> reference(const Model& model, const std::vector<ParamFlip>& fl,
                                             const MatrixRM& X, const Eigen::VectorXd& y) {
    Model faulty = model;
    for (const ParamFlip& f : fl) {
        double& v = faulty.tensors[f.tensor].values[Eigen::Index(f.index)];
        v = model.scheme.flip(v, f.mask);
    }
    ForwardCache cache;
    forward(faulty, X, ForwardMode::Exact, cache, Execution::Reference);
    return {lossSum(model.loss, cache.output(), y) / double(X.rows()), argmaxRows(cache.output())};
}

} // namespace

class TestFaultyEval : public QObject {
    Q_OBJECT
private slots:
    void fastMatchesDense_data() {
        QTest::addColumn<QString>("bench");
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("kind");
        for (const char* b : {"mnist_fnn", "fashion_mnist_fnn", "autompg", "smartpixel_small"})
            for (const char* k : {"single", "few", "many", "most", "first layer", "last layer",
                                  "output few", "element-wise"})
                QTest::newRow((std::string(b) + " " + k).c_str()) << b << "q<6,2,1>" << k;
        for (const char* k : {"few", "most", "last layer", "output few"}) // 16-bit codes
            QTest::newRow((std::string("mnist_fnn q<8,2,1> ") + k).c_str()) << "mnist_fnn"
                                                                            << "q<8,2,1>" << k;
        for (const char* k : {"few", "many", "most"}) // input grid too coarse: not snapped
            QTest::newRow((std::string("mnist_fnn q<20,8,1> ") + k).c_str()) << "mnist_fnn"
                                                                             << "q<20,8,1>" << k;
    }
    // Same outcome from both evaluators: bit for bit when the inputs sit on their exact grid,
    // within 1e-9 + 1e-6 relative otherwise; the dense one agrees with forward() (Exact).
    void fastMatchesDense() {
        QFETCH(QString, bench);
        QFETCH(QString, scheme);
        QFETCH(QString, kind);
        const Case c = makeCase(bench.toStdString(), *QuantScheme::parse(scheme.toStdString()));
        const FastFaultyEvaluator fast(c.model, c.data.testX, c.data.testY);
        const DenseFaultyEvaluator dense(c.model, c.data.testX, c.data.testY);
        const std::vector<ParamFlip> flips = flipSet(c, kind.toStdString());
        QVERIFY(!flips.empty());
        const FaultyOutcome a = fast.evaluate(flips), d = dense.evaluate(flips);
        const bool exactGrid = fast.inputGridExponent() > 0;
        QCOMPARE(exactGrid, scheme != "q<20,8,1>");
        compareOutcomes(a, d, exactGrid);
        const auto [refLoss, refPred] = reference(c.model, flips, dense.inputs(), c.data.testY);
        QVERIFY2(close(d.loss, refLoss), qPrintable(QString("%1 vs %2").arg(d.loss).arg(refLoss)));
        if (c.model.task == TaskKind::Classification) {
            double correct = 0;
            for (Eigen::Index i = 0; i < refPred.size(); ++i)
                correct += refPred[i] == c.data.testY[i];
            QCOMPARE(metricValue(d.metrics, "accuracy"), correct / double(refPred.size()));
        }
        if (kind != "single" && kind != "few") QVERIFY(d.loss != dense.clean().loss);
    }
    // No flip (or flips that cancel, or empty masks): the clean outcome exactly; the clean
    // outcome matches evaluateModel within tolerance.
    void emptyAndCancellingFlipSets() {
        for (const char* bench : {"mnist_fnn", "autompg", "smartpixel_small"}) {
            const Case c = makeCase(bench, QuantScheme());
            const FastFaultyEvaluator fast(c.model, c.data.testX, c.data.testY);
            const DenseFaultyEvaluator dense(c.model, c.data.testX, c.data.testY);
            const FaultyOutcome& clean = fast.clean();
            compareOutcomes(dense.clean(), clean, true);
            QCOMPARE(clean.mismatchRate, 0.0);
            const EvalResult ref = evaluateModel(c.model, c.data.testX, c.data.testY);
            QVERIFY(close(clean.loss, ref.loss));
            const std::vector<ParamFlip> twice{{0, 5, 3}, {1, 2, 1}, {0, 5, 3}, {1, 2, 1}};
            const std::vector<ParamFlip> zeroMask{{0, 5, 0}, {0, 6, 1u << 30}};
            const std::vector<ParamFlip> none;
            for (const auto* fl : {&twice, &zeroMask, &none}) {
                compareOutcomes(fast.evaluate(*fl), clean, true);
                compareOutcomes(dense.evaluate(*fl), clean, true);
            }
        }
    }
    // An empty evaluation split: loss 0, nothing mismatches, no crash.
    void emptySplit() {
        const Case c = makeCase("smartpixel_small", QuantScheme());
        const MatrixRM none(0, c.data.testX.cols());
        const FastFaultyEvaluator fast(c.model, none, Eigen::VectorXd());
        const DenseFaultyEvaluator dense(c.model, none, Eigen::VectorXd());
        const std::vector<ParamFlip> fl = flipSet(c, "many");
        for (const FaultyOutcome& o : {fast.evaluate(fl), dense.evaluate(fl), fast.clean()}) {
            QCOMPARE(o.loss, 0.0);
            QCOMPARE(o.mismatchRate, 0.0);
        }
    }
    // Callers never flip a pruned entry (it is not in the bit population); if they do, the
    // stored 0 is flipped like any value, by both evaluators alike.
    void prunedEntryIsFlippedLikeAnyValue() {
        const Case c = makeCase("mnist_fnn", QuantScheme());
        const FastFaultyEvaluator fast(c.model, c.data.testX, c.data.testY);
        const DenseFaultyEvaluator dense(c.model, c.data.testX, c.data.testY);
        const Tensor& k = c.model.tensors[0];
        QVERIFY(!k.kept(3) && k.values[3] == 0.0);
        const std::vector<ParamFlip> fl{{0, 3, 1u << 5}}; // sign bit: 0 → −4
        const FaultyOutcome a = fast.evaluate(fl), d = dense.evaluate(fl);
        compareOutcomes(a, d, true);
        QVERIFY(a.loss != fast.clean().loss);
    }
    // Regression net ending in dense: flipping bit 3 of the output bias b = 1.375 (δ = +0.5,
    // SPEC §1) shifts every output by exactly δ, so loss = mean((o + δ − y)²) over the clean
    // outputs o, and every sample moves by 0.5 (> 1 % of the target range here, or not).
    void lastBiasFlipByHand() {
        Case c = makeCase("autompg", QuantScheme());
        const int bias = c.model.tensorIndex("dense_2/bias");
        QVERIFY(bias >= 0);
        c.model.tensors[std::size_t(bias)].values[0] = 1.375;
        const FastFaultyEvaluator fast(c.model, c.data.testX, c.data.testY);
        const DenseFaultyEvaluator dense(c.model, c.data.testX, c.data.testY);
        const std::vector<ParamFlip> fl{{std::uint32_t(bias), 0, 1u << 2}}; // bit index 3
        const MatrixRM& o = fast.cleanOutputs();
        const Eigen::VectorXd& y = c.data.testY;
        double sum = 0;
        for (Eigen::Index i = 0; i < y.size(); ++i)
            sum += (o(i, 0) + 0.5 - y[i]) * (o(i, 0) + 0.5 - y[i]);
        const double expected = sum / double(y.size());
        const double range = y.maxCoeff() - y.minCoeff();
        for (const FaultyEvalBase* ev : {static_cast<const FaultyEvalBase*>(&fast),
                                         static_cast<const FaultyEvalBase*>(&dense)}) {
            const FaultyOutcome r = ev->evaluate(fl);
            QVERIFY2(
                std::abs(r.loss - expected) <= 1e-12 * expected,
                qPrintable(QString("%1 vs %2").arg(r.loss, 0, 'g', 17).arg(expected, 0, 'g', 17)));
            QCOMPARE(r.mismatchRate, 0.5 > 0.01 * range ? 1.0 : 0.0);
            QVERIFY(std::abs(metricValue(r.metrics, "mae") -
                             metricValue(ev->clean().metrics, "mae")) <= 0.5 + 1e-12);
        }
    }
    // The evaluators are called from a parallel loop: same outcomes for 1 and 2 threads, and as
    // sequential calls.
    void identicalForOneAndTwoThreads() {
        const Case c = makeCase("smartpixel_small", QuantScheme());
        const FastFaultyEvaluator fast(c.model, c.data.testX, c.data.testY);
        const BitPopulation pop = makePopulation(c.model, Population::All);
        std::vector<std::vector<ParamFlip>> sets;
        for (std::size_t r = 0; r < 24; ++r)
            sets.push_back(randomFlips(pop, 1 + 40 * r, 100 + r));
        std::vector<FaultyOutcome> seq;
        for (const auto& s : sets)
            seq.push_back(fast.evaluate(s));
        for (int threads : {1, 2}) {
            std::vector<FaultyOutcome> par(sets.size());
            runInArena(threads, [&] {
                parallelChunks(sets.size(), 1, [&](std::size_t i, std::size_t, std::size_t) {
                    par[i] = fast.evaluate(sets[i]);
                });
            });
            for (std::size_t i = 0; i < sets.size(); ++i)
                compareOutcomes(par[i], seq[i], true);
        }
    }
    // Shared kernels: the vectorizable quantized ReLU and the code-arithmetic flip equal
    // QuantScheme's bit for bit; a softmax row does not depend on the block it is computed in.
    void kernelsMatchQuantScheme() {
        for (const char* text : {"q<6,2,1>", "q<8,3,0>", "q<4,0,1>", "q<12,5,1>"}) {
            const QuantScheme q = *QuantScheme::parse(text);
            Layer l;
            l.kind = LayerKind::QRelu;
            Model m;
            m.scheme = q;
            faulty::FaultyTensors none;
            none.reset(m, {});
            const faulty::ElementOp op = faulty::makeElementOp(m, l, none);
            for (int i = 0; i < 20000; ++i) {
                const double x = i % 3 ? draw(5, i, 0, -3, q.qreluMax() + 2)
                                       : q.qreluStep() * (std::floor(draw(6, i, 0, -4, 80)) + 0.5);
                const double got = faulty::qreluValue(op, x), want = q.qrelu(x);
                QVERIFY2(got == want && !std::signbit(got),
                         qPrintable(QString("%1: %2").arg(text).arg(x)));
            }
            const faulty::Flipper flipper(q);
            const std::uint32_t codes = 1u << q.m();
            for (std::uint32_t code = 0; code < codes; ++code)
                for (std::uint32_t mask = 0; mask < codes; mask += 1 + mask / 3) {
                    const double v = q.decode(code);
                    QCOMPARE(flipper.flip(v, mask), q.flip(v, mask));
                }
            QCOMPARE(flipper.flip(0.3, 1), q.flip(0.3, 1)); // off the grid: QuantScheme::flip
        }
        MatrixRM z(7, 10);
        for (Eigen::Index i = 0; i < z.size(); ++i)
            z.data()[i] = draw(7, std::uint64_t(i), 0, -30, 5);
        MatrixRM block = z;
        Eigen::ArrayXd buf;
        softmaxRows(block.data(), block.rows(), 10, buf);
        for (Eigen::Index r = 0; r < z.rows(); ++r) {
            Eigen::RowVectorXd row = z.row(r);
            softmaxRows(row.data(), 1, 10, buf);
            QVERIFY(row == block.row(r));
            QVERIFY(std::abs(row.sum() - 1.0) < 1e-15);
        }
    }
    // The integer ΔA·W product written row-major onto the clean rows (vector blocks of 8 rows
    // plus a scalar tail, outputs in groups and 4×4 transposes with a remainder, K not a multiple
    // of the pair or quad size) equals the sum computed term by term in double, and flags exactly
    // the rows that differ from the clean ones; 16-bit codes at their full range, 8-bit codes at
    // the range of q<6,…> (|d| ≤ 63, |w| ≤ 63).
    void codeProductIsExact() {
        QVERIFY(faulty::codeProductFits(64, 255, 32767));
        QVERIFY(!faulty::codeProductFits(64, 255, 1 << 20));
        QVERIFY(!faulty::codeProductFits(1 << 20, 255, 32767));
        QVERIFY(faulty::codeProduct8Fits(1568, 63, 63));
        QVERIFY(!faulty::codeProduct8Fits(128, 127, 127)); // (128 + 127)·127·2 saturates
        QVERIFY(!faulty::codeProduct8Fits(128, 255, 1));
        checkCodeProduct<std::int16_t>(255, 32767);
        checkCodeProduct<std::int8_t>(63, 63);
    }

private:
    template <class T> static void checkCodeProduct(int dmax, int wmax) {
        for (const auto& [n, K, out] : {std::tuple{37, 9, 13}, {8, 1, 1}, {64, 64, 10},
                                        {5, 2, 25}, {16, 0, 3}, {24, 5, 4}, {2000, 67, 10}}) {
            std::vector<T> d(std::size_t(n * K)), w(std::size_t(K * out));
            for (std::size_t i = 0; i < d.size(); ++i)
                d[i] = T(std::floor(draw(8, i, 0, -dmax, dmax + 1)));
            for (int r = 1; r < n; r += 3) // rows without a change
                for (int k = 0; k < K; ++k)
                    d[std::size_t(k * n + r)] = 0;
            for (std::size_t i = 0; i < w.size(); ++i)
                w[i] = T(std::floor(draw(9, i, 0, -wmax, wmax + 1)));
            const double scale = std::ldexp(1.0, -7);
            std::vector<double> clean(std::size_t(n * out)), want(clean.size()),
                shift(std::size_t(out), 0.0);
            for (std::size_t i = 0; i < clean.size(); ++i)
                clean[i] = std::ldexp(std::floor(draw(10, i, 0, -1e6, 1e6)), -7);
            if (out > 2) shift[1] = 0.375; // a bias flip changes every row
            std::vector<std::uint8_t> wantChanged(std::size_t(n), 0);
            for (int r = 0; r < n; ++r)
                for (int o = 0; o < out; ++o) {
                    double sum = 0; // exact: every partial sum is an integer below 2^53
                    for (int k = 0; k < K; ++k)
                        sum +=
                            double(d[std::size_t(k * n + r)]) * double(w[std::size_t(k * out + o)]);
                    const std::size_t at = std::size_t(r * out + o);
                    want[at] = clean[at] + (sum * scale + shift[std::size_t(o)]);
                    wantChanged[std::size_t(r)] |= want[at] != clean[at];
                }
            std::vector<double> z(clean.size(), -1.0);
            std::vector<std::uint8_t> changed(std::size_t(n), 7);
            std::vector<std::int32_t> packed;
            faulty::codeProductRows(d.data(), n, K, w.data(), out, scale, shift.data(),
                                    clean.data(), z.data(), changed.data(), packed);
            const QString what =
                QString("%1 bits: n %2 K %3 out %4").arg(8 * sizeof(T)).arg(n).arg(K).arg(out);
            QVERIFY2(z == want, qPrintable(what));
            QVERIFY2(changed == wantChanged, qPrintable(what));
            if (out <= 2)
                QVERIFY2(std::count(changed.begin(), changed.end(), 0) >= (n - 1) / 3,
                         qPrintable(what));
        }
    }
};

QTEST_GUILESS_MAIN(TestFaultyEval)
#include "tst_faulty_eval.moc"
