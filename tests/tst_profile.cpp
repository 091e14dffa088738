// The robustness profile (SPEC §6) of a trained tiny model and of a smart-pixel architecture
// with batchnorm: the input-gradient norms against central finite differences of each sample's
// loss, the MSB impact ratio against the clean qpolar impacts, the deltas, scores and Fisher
// trace against the ranking code they come from, the JSON, determinism over thread counts, and
// the divergence of a profile with itself.
#include "cli_runner.h"
#include "test_models.h"
#include "test_support.h"

#include <QFile>
#include <QTemporaryDir>

#include <cmath>

#include "engine/analysis/profile.h"
#include "engine/core/parallel.h"
#include "engine/model/loss.h"
#include "engine/model/network.h"
#include "engine/rank/rank_context.h"

using namespace netsurf;

namespace {

// ℓ_s of one sample on the surrogate network (what the aleatoric gradient differentiates).
double sampleLoss(const Model& m, const MatrixRM& x, double y) {
    ForwardCache cache;
    forward(m, x, ForwardMode::Surrogate, cache);
    return lossSum(m.loss, cache.output(), Eigen::VectorXd::Constant(1, y), nullptr);
}

// ‖∇ₓ ℓ_s‖ by central differences.
double finiteDifferenceNorm(const Model& m, const MatrixRM& X, const Eigen::VectorXd& y,
                            Eigen::Index s, double h) {
    double sq = 0;
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        MatrixRM plus = X.row(s), minus = X.row(s);
        plus(0, j) += h;
        minus(0, j) -= h;
        const double g = (sampleLoss(m, plus, y[s]) - sampleLoss(m, minus, y[s])) / (2 * h);
        sq += g * g;
    }
    return std::sqrt(sq);
}

RobustnessProfile profileOf(const Model& m, const MatrixRM& X, const Eigen::VectorXd& y,
                            int threads = 2) {
    NullProgressSink sink;
    std::optional<Result<RobustnessProfile>> r;
    runInArena(threads, [&] { r.emplace(computeProfile(m, X, y, 3, sink)); });
    if (!*r) qFatal("profile: %s", r->error().message.c_str());
    return std::move(**r);
}

void checkAgainstSources(const Model& m, const MatrixRM& X, const Eigen::VectorXd& y) {
    const RobustnessProfile p = profileOf(m, X, y);
    QCOMPARE(p.distributions.size(), profileDistributionNames().size());
    QCOMPARE(p.samples, std::size_t(X.rows()));
    // aleatoric: the gradient of each sample's loss, checked by finite differences
    const auto& aleatoric = p.find("aleatoric")->values;
    QCOMPARE(aleatoric.size(), std::size_t(X.rows()));
    QVERIFY(p.find("aleatoric")->stats.min > 0); // every sample's loss moves with its input
    for (Eigen::Index s : {Eigen::Index(0), Eigen::Index(1), X.rows() / 2, X.rows() - 1}) {
        const double fd = finiteDifferenceNorm(m, X, y, s, 1e-6);
        QVERIFY2(std::abs(aleatoric[std::size_t(s)] - fd) <= 1e-5 * std::max(1.0, fd),
                 qPrintable(QString("sample %1: %2 vs %3").arg(s).arg(aleatoric[s]).arg(fd)));
    }
    // the others are the ranking code's quantities
    const BitPopulation pop = makePopulation(m, Population::All);
    RankContext ctx{m, pop, X, y, 3, {}, {}};
    NullProgressSink sink;
    QCOMPARE(p.find("delta")->values, populationDeltas(m, pop));
    QCOMPARE(p.find("weight_abs_value")->values, scoreWeightAbsValue(ctx, sink, {})->values);
    QCOMPARE(p.find("qpolar")->values, scoreQPolar(ctx, sink, {})->values);
    const auto& fisher = p.find("fisher")->values;
    QCOMPARE(fisher.size(), pop.params.size());
    double trace = 0;
    for (double v : fisher)
        trace += v;
    QCOMPARE(p.fisherTrace, trace);
    const std::vector<double> impacts = *qpolarImpacts(ctx, false, "test", sink, {});
    const auto& ratio = p.find("msb_impact_ratio")->values;
    QCOMPARE(ratio.size(), pop.params.size());
    const int m_bits = pop.bitsPerParam;
    for (std::size_t q = 0; q < ratio.size(); q += 17) {
        double sum = 0;
        for (int b = 0; b < m_bits; ++b)
            sum += std::abs(impacts[q * std::size_t(m_bits) + std::size_t(b)]);
        QCOMPARE(ratio[q], std::abs(impacts[q * std::size_t(m_bits)]) / (sum + 1e-8));
        QVERIFY(ratio[q] >= 0 && ratio[q] <= 1);
    }
    // statistics are those of the values
    for (const ProfileDistribution& d : p.distributions)
        QCOMPARE(d.stats.l1, distributionStats(d.values).l1);
}

} // namespace

class TestProfile : public QObject {
    Q_OBJECT
private slots:
    void tinyModel() {
        const Model m = test::trainTiny(2).model;
        const Dataset d = test::blobs();
        const MatrixRM X = m.normalizer.apply(d.trainX.topRows(120));
        const Eigen::VectorXd y = d.trainY.head(120);
        checkAgainstSources(m, X, y);
    }
    void architectureWithBatchnorm() {
        const test::Case c = test::makeCase("smartpixel_small", QuantScheme());
        const MatrixRM X = c.model.normalizer.apply(c.data.trainX.topRows(80));
        checkAgainstSources(c.model, X, c.data.trainY.head(80));
    }
    void sameOnAnyThreadCountAndJson() {
        const Model m = test::trainTiny(2).model;
        const Dataset d = test::blobs();
        const MatrixRM X = m.normalizer.apply(d.trainX.topRows(100));
        const Eigen::VectorXd y = d.trainY.head(100);
        const RobustnessProfile one = profileOf(m, X, y, 1), two = profileOf(m, X, y, 2);
        const nlohmann::json j = profileJson(one);
        QCOMPARE(j.dump(), profileJson(two).dump());
        QCOMPARE(j["samples"].get<std::size_t>(), std::size_t(100));
        for (const std::string& name : profileDistributionNames()) {
            QVERIFY2(j["distributions"].contains(name), name.c_str());
            const auto& dist = j["distributions"][name];
            for (const std::string& stat : statisticNames())
                QVERIFY2(dist.contains(stat), (name + " " + stat).c_str());
            QCOMPARE(dist["lorenz"].back()[0].get<double>(), 1.0);
        }
        // a profile against itself: no difference, cosine 1, no KL
        const nlohmann::json div = profileDivergenceJson(one, two);
        QCOMPARE(div.size(), profileDistributionNames().size());
        for (const auto& [name, d] : div.items()) {
            QCOMPARE(d["symmetric_kl"].get<double>(), 0.0);
            QCOMPARE(d["gini_shift"].get<double>(), 0.0);
            QVERIFY(std::abs(d["cosine"].get<double>() - 1) < 1e-15);
            for (const auto& [stat, v] : d["difference"].items())
                QVERIFY2(v.is_null() || v.get<double>() == 0.0, (name + " " + stat).c_str());
        }
    }
    // netsurf-cli profile on a trained autompg model: both files next to the model, the
    // divergence in the post file, clear errors for a missing model and a bad --samples.
    void commandLine() {
        QTemporaryDir ws;
        const QStringList model{"--benchmark", "autompg",   "--quant",
                                "q<6,2,1>",    "--pruning", "0.125"};
        test::Run r =
            test::cli(QStringList{"train", "--epochs", "2", "--quiet"} + model, ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QCOMPARE(r.code, 0);
        r = test::cli(QStringList{"profile", "--samples", "100", "--quiet", "--json"} + model,
                      ws.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto out = nlohmann::json::parse(r.out.toStdString());
        const QString dir = ws.path() + "/autompg/q6_2_1/prune_0.125/";
        QCOMPARE(QString::fromStdString(out["post_path"].get<std::string>()),
                 dir + "profile_post.json");
        QFile post(dir + "profile_post.json"), pre(dir + "profile_pre.json");
        QVERIFY(post.open(QIODevice::ReadOnly) && pre.open(QIODevice::ReadOnly));
        const auto p = nlohmann::json::parse(post.readAll().toStdString());
        const auto q = nlohmann::json::parse(pre.readAll().toStdString());
        QCOMPARE(p["stage"].get<std::string>(), std::string("post"));
        QCOMPARE(q["stage"].get<std::string>(), std::string("pre"));
        QCOMPARE(p["samples"].get<int>(), 100);
        QCOMPARE(p["divergence_from_pre"].size(), profileDistributionNames().size());
        QCOMPARE(p["distributions"], out["post"]["distributions"]);
        // training moved the weights: the profiles differ
        QVERIFY(p["distributions"]["weight_abs_value"]["l1"] !=
                q["distributions"]["weight_abs_value"]["l1"]);
        r = test::cli(QStringList{"profile", "--benchmark", "autompg", "--pruning", "0.5"},
                      ws.path());
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("prune_0.5/model.json does not exist; train the model first"),
                 qPrintable(r.err));
        r = test::cli(QStringList{"profile", "--samples", "0"} + model, ws.path());
        QCOMPARE(r.code, 2);
    }
    void refusesMismatchedData() {
        const Model m = test::trainTiny(2).model;
        NullProgressSink sink;
        const auto r = computeProfile(m, MatrixRM(3, 6), Eigen::VectorXd(2), 0, sink);
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("3 samples and 2 labels") != std::string::npos,
                 r.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestProfile)
#include "tst_profile.moc"
