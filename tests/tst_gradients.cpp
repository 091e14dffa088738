// Gradients: finite-difference checks of every layer and loss of the differentiable surrogate
// (SPEC §2) — dense, apply_alpha with its range penalty, batchnorm (Training and Surrogate),
// the clipped-ReLU surrogate of qrelu, softmax, cross-entropy and MSE — plus negative controls
// showing that the comparison flags a wrong gradient.
#include "test_support.h"

#include <QElapsedTimer>
#include <algorithm>
#include <cmath>
#include <functional>

#include "engine/core/rng.h"
#include "engine/model/benchmarks.h"
#include "engine/model/loss.h"
#include "engine/model/network.h"

using namespace netsurf;

namespace {

constexpr double kStep = 1e-6;     // central-difference step (scaled by max(1, |v|))
constexpr double kRelTol = 1e-6;
constexpr double kAbsTol = 1e-8;
constexpr double kMinMargin = 1e-3; // distance of every kink input from its kink

bool close(double analytic, double numeric) {
    return std::abs(analytic - numeric) <=
           kAbsTol + kRelTol * std::max(std::abs(analytic), std::abs(numeric));
}

// Central difference of f with respect to the variable v (restored afterwards).
double central(double& v, const std::function<double()>& f) {
    const double v0 = v, h = kStep * std::max(1.0, std::abs(v0));
    const double up = v0 + h, down = v0 - h;
    v = up;
    const double fUp = f();
    v = down;
    const double fDown = f();
    v = v0;
    return (fUp - fDown) / (up - down);
}

struct Report {
    int compared = 0, failures = 0;
    QString firstFailure, vacuous; // vacuous: a tensor whose numeric gradient is identically 0
    double maxRel = 0, maxAbs = 0, worst = 0; // worst: max |error| / tolerance
    double margin = 1e300;   // smallest distance of a kink input (alpha pre, qrelu input) to a kink
    double penalty = 0;      // range penalty at the base point
    int over = 0, under = 0; // apply_alpha pre-activations above Qmax / below Qmin

    void compare(const std::string& what, Eigen::Index i, double analytic, double numeric) {
        ++compared;
        const double err = std::abs(analytic - numeric);
        maxAbs = std::max(maxAbs, err);
        worst = std::max(worst, err / (kAbsTol + kRelTol * std::max(std::abs(analytic),
                                                                     std::abs(numeric))));
        if (std::max(std::abs(analytic), std::abs(numeric)) >= 1e-6)
            maxRel = std::max(maxRel, err / std::max(std::abs(analytic), std::abs(numeric)));
        if (close(analytic, numeric)) return;
        if (failures++ == 0)
            firstFailure = QString("%1[%2]: analytic %3 vs numeric %4 (%5 mismatches so far)")
                               .arg(QString::fromStdString(what))
                               .arg(qlonglong(i))
                               .arg(analytic, 0, 'g', 17)
                               .arg(numeric, 0, 'g', 17)
                               .arg(failures);
    }
    void compareAll(const std::string& what, const Eigen::VectorXd& analytic,
                    const Eigen::VectorXd& numeric) {
        for (Eigen::Index i = 0; i < analytic.size(); ++i) compare(what, i, analytic[i], numeric[i]);
        if (numeric.cwiseAbs().maxCoeff() <= 1e-8) vacuous += QString::fromStdString(what) + " ";
    }
    QString message() const {
        return firstFailure.isEmpty() ? QString("%1 comparisons").arg(compared)
                                      : QString("%1 of %2 mismatch; first: %3")
                                            .arg(failures).arg(compared).arg(firstFailure);
    }
};

struct Totals {
    int compared = 0;
    double maxRel = 0, maxAbs = 0, worst = 0;
} g_totals;

enum class Head { Loss, Probe }; // Loss: lossSum/N; Probe: Σ R ⊙ output / N (dense upstream grad)

struct Setup {
    Model model;
    MatrixRM X, R;
    Eigen::VectorXd y;
    ForwardMode mode = ForwardMode::Training;
    Head head = Head::Probe;
};

// The trainer's objective: mean data loss + range penalty (penalty gradient scale 1).
double objective(const Setup& s) {
    ForwardCache c;
    forward(s.model, s.X, s.mode, c);
    const double n = double(s.X.rows());
    const double data = s.head == Head::Loss ? lossSum(s.model.loss, c.output(), s.y) / n
                                             : (s.R.array() * c.output().array()).sum() / n;
    return data + c.penalty;
}

using Tamper = std::function<void(Gradients&, MatrixRM&)>;

// Compares backward() (dOut scaled by 1/N as in the trainer) with central differences for every
// entry of every trainable tensor and of the input X.
Report check(Setup s, double penaltyScale = 1.0, const Tamper& tamper = {}) {
    Report r;
    ForwardCache cache;
    forward(s.model, s.X, s.mode, cache);
    MatrixRM dOut, dX;
    if (s.head == Head::Loss) lossSum(s.model.loss, cache.output(), s.y, &dOut);
    else dOut = s.R;
    dOut /= double(s.X.rows());
    Gradients g = zeroGradients(s.model);
    backward(s.model, cache, dOut, penaltyScale, g, &dX);
    if (tamper) tamper(g, dX);

    r.penalty = cache.penalty;
    const QuantScheme& q = s.model.scheme;
    for (std::size_t l = 0; l < s.model.layers.size(); ++l) {
        const LayerKind k = s.model.layers[l].kind;
        if (k == LayerKind::ApplyAlpha) {
            for (double p : cache.layers[l].pre.reshaped()) {
                r.margin = std::min({r.margin, std::abs(p - q.maxValue()), std::abs(p - q.minValue())});
                r.over += p > q.maxValue();
                r.under += p < q.minValue();
            }
        } else if (k == LayerKind::QRelu) {
            for (double v : cache.acts[l].reshaped())
                r.margin = std::min({r.margin, std::abs(v), std::abs(v - q.qreluMax())});
        }
    }

    const auto f = [&s] { return objective(s); };
    for (std::size_t t = 0; t < s.model.tensors.size(); ++t) {
        Tensor& tensor = s.model.tensors[t];
        if (!tensor.trainable) continue;
        Eigen::VectorXd numeric(tensor.size());
        for (Eigen::Index i = 0; i < tensor.size(); ++i) numeric[i] = central(tensor.values[i], f);
        r.compareAll(tensor.name, g[t], numeric);
    }
    Eigen::VectorXd numericX(s.X.size());
    for (Eigen::Index i = 0; i < s.X.size(); ++i) numericX[i] = central(s.X.data()[i], f);
    r.compareAll("dX", dX.reshaped<Eigen::RowMajor>(), numericX);
    return r;
}

void record(const Report& r) {
    g_totals.compared += r.compared;
    g_totals.maxRel = std::max(g_totals.maxRel, r.maxRel);
    g_totals.maxAbs = std::max(g_totals.maxAbs, r.maxAbs);
    g_totals.worst = std::max(g_totals.worst, r.worst);
}

// A tiny model of the given layers, with seeded double-precision parameters off the grid.
Model makeModel(int inputs, const std::vector<LayerSpec>& layers, LossKind loss,
                std::uint64_t seed) {
    BenchmarkSpec spec;
    spec.name = "gradcheck";
    spec.layers = layers;
    spec.loss = loss;
    Dataset d;
    d.task = loss == LossKind::CrossEntropy ? TaskKind::Classification : TaskKind::Regression;
    d.inputShape = {inputs};
    d.trainX = MatrixRM::Zero(1, inputs);
    Model m = buildModel(spec, QuantScheme(), d, seed);
    KeyedStream rng(hashKey(seed, 99));
    for (Tensor& t : m.tensors)
        for (double& v : t.values) {
            const double u = rng.uniform();
            if (t.role == "kernel") v = 2.0 * u - 1.0;
            else if (t.role == "alpha") v = 0.5 + 1.5 * u;
            else if (t.role == "gamma") v = (u < 0.2 ? -1.0 : 1.0) * (0.5 + u);
            else if (t.role == "moving_variance") v = 0.3 + 2.0 * u;
            else v = u - 0.5; // bias, beta, moving_mean
        }
    return m;
}

MatrixRM uniformMatrix(Eigen::Index rows, Eigen::Index cols, double lo, double hi,
                       std::uint64_t key) {
    KeyedStream rng(key);
    MatrixRM M(rows, cols);
    for (double& v : M.reshaped()) v = lo + (hi - lo) * rng.uniform();
    return M;
}

Setup makeSetup(Model m, int rows, Head head, ForwardMode mode, std::uint64_t key) {
    Setup s;
    s.model = std::move(m);
    s.mode = mode;
    s.head = head;
    s.X = uniformMatrix(rows, s.model.inputs, -2.0, 2.0, hashKey(key, 1));
    s.R = uniformMatrix(rows, s.model.outputs, -1.0, 1.0, hashKey(key, 2));
    KeyedStream rng(hashKey(key, 3));
    s.y.resize(rows);
    for (int i = 0; i < rows; ++i)
        s.y[i] = s.model.loss == LossKind::CrossEntropy ? double(i % s.model.outputs)
                                                        : 10.0 * rng.uniform();
    return s;
}

} // namespace

#define VERIFY_REPORT(r)                                                                        \
    do {                                                                                        \
        record(r);                                                                              \
        QVERIFY2((r).failures == 0, qPrintable((r).message()));                                 \
        QVERIFY2((r).vacuous.isEmpty(), qPrintable("identically zero gradient: " + (r).vacuous)); \
        QVERIFY2((r).margin >= kMinMargin,                                                      \
                 qPrintable(QString("kink too close: margin %1").arg((r).margin)));             \
    } while (0)

class TestGradients : public QObject {
    Q_OBJECT
    QElapsedTimer m_timer;

private slots:
    void initTestCase() { m_timer.start(); }

    void dense() {
        Setup s = makeSetup(makeModel(4, {{LayerKind::Dense, 5}, {LayerKind::Dense, 3}},
                                      LossKind::CrossEntropy, 11),
                            7, Head::Probe, ForwardMode::Training, 12);
        const Report r = check(s);
        VERIFY_REPORT(r);
        QCOMPARE(r.compared, 4 * 5 + 5 + 5 * 3 + 3 + 7 * 4);
    }

    void applyAlphaWithActiveRangePenalty() {
        Setup s = makeSetup(makeModel(5, {{LayerKind::ApplyAlpha, 0, 0.75}},
                                      LossKind::CrossEntropy, 21),
                            8, Head::Probe, ForwardMode::Training, 22);
        // Choose pre-activations t = α·x + β in [−7, 7] at least 0.1 away from Qmin and Qmax.
        const Model& m = s.model;
        const auto& alpha = m.tensors[std::size_t(m.layers[0].alpha)].values;
        const auto& beta = m.tensors[std::size_t(m.layers[0].beta)].values;
        KeyedStream rng(23);
        for (Eigen::Index i = 0; i < s.X.rows(); ++i)
            for (Eigen::Index j = 0; j < s.X.cols(); ++j) {
                double t;
                do t = -7.0 + 14.0 * rng.uniform();
                while (std::abs(t - m.scheme.maxValue()) < 0.1 || std::abs(t - m.scheme.minValue()) < 0.1);
                s.X(i, j) = (t - beta[j]) / alpha[j];
            }
        for (ForwardMode mode : {ForwardMode::Training, ForwardMode::Surrogate}) {
            s.mode = mode;
            const Report r = check(s);
            VERIFY_REPORT(r);
            QVERIFY2(r.over > 0 && r.under > 0 && r.penalty > 0,
                     qPrintable(QString("penalty inactive: over %1 under %2 penalty %3")
                                    .arg(r.over).arg(r.under).arg(r.penalty)));
            QVERIFY2(r.margin >= 0.05, qPrintable(QString::number(r.margin)));
        }
    }

    void batchnorm_data() {
        QTest::addColumn<int>("mode");
        QTest::newRow("training (batch statistics)") << int(ForwardMode::Training);
        QTest::newRow("surrogate (moving statistics)") << int(ForwardMode::Surrogate);
    }
    void batchnorm() {
        QFETCH(int, mode);
        Setup s = makeSetup(makeModel(4, {{LayerKind::BatchNorm}}, LossKind::CrossEntropy, 31),
                            6, Head::Probe, ForwardMode(mode), 32);
        const Report r = check(s);
        VERIFY_REPORT(r);
        QCOMPARE(r.compared, 4 + 4 + 6 * 4); // γ, β, dX (moving statistics are not trainable)
    }

    void qreluSurrogate() {
        Setup s = makeSetup(makeModel(6, {{LayerKind::QRelu}}, LossKind::CrossEntropy, 41), 9,
                            Head::Probe, ForwardMode::Surrogate, 42);
        // Rows cycle through three bands: below 0, inside (0, max), above max — 0.05 from kinks.
        const double hi = s.model.scheme.qreluMax(), margin = 0.05;
        KeyedStream rng(43);
        int bands[3] = {0, 0, 0};
        for (Eigen::Index i = 0; i < s.X.rows(); ++i)
            for (Eigen::Index j = 0; j < s.X.cols(); ++j) {
                const int b = int((i + j) % 3);
                const double u = rng.uniform();
                s.X(i, j) = b == 0 ? -2.0 + (2.0 - margin) * u
                          : b == 1 ? margin + (hi - 2 * margin) * u
                                   : hi + margin + 2.0 * u;
                ++bands[b];
                QVERIFY(std::abs(s.X(i, j)) >= margin && std::abs(s.X(i, j) - hi) >= margin);
            }
        QVERIFY(bands[0] > 0 && bands[1] > 0 && bands[2] > 0);
        const Report r = check(s);
        VERIFY_REPORT(r);
        QVERIFY2(r.margin >= margin, qPrintable(QString::number(r.margin)));
    }

    void softmax() {
        Setup s = makeSetup(makeModel(5, {{LayerKind::Softmax}}, LossKind::CrossEntropy, 51), 6,
                            Head::Probe, ForwardMode::Surrogate, 52);
        s.X *= 2.0;
        const Report probe = check(s);
        VERIFY_REPORT(probe);
        s.head = Head::Loss; // softmax + cross-entropy
        const Report ce = check(s);
        VERIFY_REPORT(ce);
    }

    void lossDerivatives_data() {
        QTest::addColumn<int>("loss");
        QTest::newRow("cross-entropy") << int(LossKind::CrossEntropy);
        QTest::newRow("mse") << int(LossKind::MeanSquaredError);
    }
    void lossDerivatives() {
        // lossSum's dOut against central differences of lossSum on the output itself.
        QFETCH(int, loss);
        const auto kind = LossKind(loss);
        const bool ce = kind == LossKind::CrossEntropy;
        MatrixRM out = ce ? uniformMatrix(7, 4, 0.05, 1.0, 61) : uniformMatrix(7, 1, -3, 3, 62);
        Eigen::VectorXd y(7);
        for (int i = 0; i < 7; ++i) y[i] = ce ? double(i % 4) : 0.5 * i - 1.0;
        MatrixRM dOut;
        const double value = lossSum(kind, out, y, &dOut);
        QVERIFY(std::isfinite(value) && value > 0);
        Report r;
        Eigen::VectorXd numeric(out.size());
        for (Eigen::Index i = 0; i < out.size(); ++i)
            numeric[i] = central(out.data()[i], [&] { return lossSum(kind, out, y); });
        r.compareAll(ce ? "cross-entropy dOut" : "mse dOut", dOut.reshaped<Eigen::RowMajor>(), numeric);
        record(r);
        QVERIFY2(r.failures == 0, qPrintable(r.message()));
        QVERIFY2(r.vacuous.isEmpty(), qPrintable(r.vacuous));
    }

    void fullClassifierWithCrossEntropy() {
        // smartpixel-like: dense → α (reg 1) → batchnorm → qrelu → dense → softmax, Training mode.
        Setup s = makeSetup(makeModel(4, {{LayerKind::Dense, 6}, {LayerKind::ApplyAlpha, 0, 1.0},
                                          {LayerKind::BatchNorm}, {LayerKind::QRelu},
                                          {LayerKind::Dense, 3}, {LayerKind::Softmax}},
                                      LossKind::CrossEntropy, 71),
                            10, Head::Loss, ForwardMode::Training, 72);
        const Report r = check(s);
        VERIFY_REPORT(r);
    }

    void fullRegressorWithMse() {
        // autompg-like: dense → α (reg 10) → qrelu → dense 1, Surrogate mode, MSE.
        Setup s = makeSetup(makeModel(3, {{LayerKind::Dense, 6}, {LayerKind::ApplyAlpha, 0, 10.0},
                                          {LayerKind::QRelu}, {LayerKind::Dense, 1}},
                                      LossKind::MeanSquaredError, 81),
                            8, Head::Loss, ForwardMode::Surrogate, 82);
        s.X *= 2.0; // large enough that some pre-activations leave the range
        const Report r = check(s);
        VERIFY_REPORT(r);
        QVERIFY2(r.penalty > 0, qPrintable(QString("penalty %1").arg(r.penalty)));
    }

    void negativeControls() {
        Setup s = makeSetup(makeModel(4, {{LayerKind::Dense, 5}, {LayerKind::Dense, 3}},
                                      LossKind::CrossEntropy, 11),
                            7, Head::Probe, ForwardMode::Training, 12);
        const int kernel = s.model.tensorIndex("dense_0/kernel");
        QVERIFY(kernel >= 0);
        // A relative error of 1e-5 in one entry (10× the tolerance) must be flagged, alone.
        const Report bad = check(s, 1.0, [kernel](Gradients& g, MatrixRM&) {
            double& v = g[std::size_t(kernel)][7];
            v += 1e-5 * std::max(std::abs(v), 1e-2);
        });
        QVERIFY2(bad.failures == 1 && bad.firstFailure.startsWith("dense_0/kernel[7]"),
                 qPrintable(bad.message()));
        const Report badX = check(s, 1.0, [](Gradients&, MatrixRM& dX) { dX(2, 1) *= -1.0; });
        QVERIFY2(badX.failures == 1 && badX.firstFailure.startsWith("dX[9]"),
                 qPrintable(badX.message()));
        // Dropping the range penalty from backward must be flagged when the penalty is active.
        Setup a = makeSetup(makeModel(5, {{LayerKind::ApplyAlpha, 0, 0.75}}, LossKind::CrossEntropy, 21),
                            8, Head::Probe, ForwardMode::Training, 22);
        a.X *= 4.0;
        const Report noPenalty = check(a, 0.0);
        QVERIFY2(noPenalty.penalty > 0 && noPenalty.failures > 0, qPrintable(noPenalty.message()));
        QVERIFY(!close(1.0, 1.0 + 2e-6) && close(1.0, 1.0 + 5e-7) && !close(0.0, 2e-8));
    }

    void cleanupTestCase() {
        qInfo("%d gradient comparisons, max relative error %.3g (|grad| >= 1e-6), max absolute "
              "error %.3g, worst error/tolerance %.3g, %lld ms",
              g_totals.compared, g_totals.maxRel, g_totals.maxAbs, g_totals.worst,
              m_timer.elapsed());
    }
};

QTEST_GUILESS_MAIN(TestGradients)
#include "tst_gradients.moc"
