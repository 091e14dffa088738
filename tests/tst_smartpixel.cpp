// Smart-pixel benchmark data: the seeded cluster simulator (determinism for any thread count,
// seeds, shapes, feature range, class balance, physics sanity), the choice between the real CSVs
// and the simulator, and the CSV loader on a hand-written file in the public layout.
#include "test_support.h"

#include <cmath>
#include <fstream>

#include "engine/core/parallel.h"
#include "engine/core/sha256.h"
#include "engine/data/dataset.h"
#include "engine/data/smartpixel_csv_loader.h"
#include "engine/data/smartpixel_sim.h"

using namespace netsurf;
namespace fs = std::filesystem;

namespace {

// Documented class balance (docs/datasets.md): dN/dpT ∝ 1/pT on [0.1, 20] GeV gives
// P(|pT| ≥ 2) = ln 10 / ln 200 and the rest split equally between the charges; the observed
// fractions must lie within ±0.015 (train) or ±0.03 (test) of these (> 6 binomial σ).
const double kHighPtFraction = std::log(10.0) / std::log(200.0);
const double kLowPtFraction = (1 - kHighPtFraction) / 2;

SmartPixelSimOptions smallOptions(std::uint64_t seed) {
    SmartPixelSimOptions o;
    o.seed = seed;
    o.trainRows = 3000;
    o.testRows = 1000;
    return o;
}

Dataset simulateWithThreads(const SmartPixelSimOptions& o, int threads) {
    Dataset d;
    runInArena(threads, [&] { d = simulateSmartPixel(o); });
    return d;
}

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Restores an environment variable at scope exit.
class EnvGuard {
public:
    explicit EnvGuard(const char* name) : m_name(name), m_had(qEnvironmentVariableIsSet(name)),
                                          m_value(qgetenv(name)) {}
    ~EnvGuard() {
        if (m_had) qputenv(m_name, m_value);
        else qunsetenv(m_name);
    }

private:
    const char* m_name;
    bool m_had;
    QByteArray m_value;
};

} // namespace

class TestSmartPixel : public QObject {
    Q_OBJECT

    Dataset m_full; // the default dataset (seed 0, 45 415 / 11 113 rows)
    std::vector<SmartPixelTruth> m_truth;

private slots:
    void initTestCase() { m_full = simulateSmartPixel(SmartPixelSimOptions{}, &m_truth); }

    void sameSeedIdenticalForAnyThreadCount() {
        const Dataset one = simulateWithThreads(smallOptions(7), 1);
        const Dataset two = simulateWithThreads(smallOptions(7), 2);
        QVERIFY(one.trainX == two.trainX);
        QVERIFY(one.trainY == two.trainY);
        QVERIFY(one.testX == two.testX);
        QVERIFY(one.testY == two.testY);
        QCOMPARE(one.checksum, two.checksum);
        QCOMPARE(one.sourceDetail, std::string("simulated (seed 7, NetSurf smart-pixel simulator v1)"));
        // Row r depends only on (seed, split, r): a larger dataset starts with the same rows.
        SmartPixelSimOptions larger = smallOptions(7);
        larger.trainRows = 5000;
        larger.testRows = 1500;
        const Dataset big = simulateWithThreads(larger, 2);
        QVERIFY(big.trainX.topRows(3000) == one.trainX);
        QVERIFY(big.testY.head(1000) == one.testY);
    }

    void differentSeedsDiffer() {
        const Dataset a = simulateSmartPixel(smallOptions(0));
        const Dataset b = simulateSmartPixel(smallOptions(1));
        QVERIFY(a.checksum != b.checksum);
        QVERIFY(a.trainX != b.trainX);
        QVERIFY(a.testX != b.testX);
        QVERIFY(a.trainX.topRows(3000) == m_full.trainX.topRows(3000)); // seed 0 is the default
    }

    void shapesAndFeatureRange() {
        const Dataset& d = m_full;
        QCOMPARE(d.name, std::string("smartpixel"));
        QCOMPARE(d.source, DataSourceKind::Simulated);
        QVERIFY(d.sourceDetail.starts_with("simulated (seed 0"));
        QCOMPARE(d.task, TaskKind::Classification);
        QCOMPARE(d.classes, 3);
        QCOMPARE(d.inputShape, std::vector<int>{13});
        QCOMPARE(d.featureNames.size(), std::size_t(13));
        QCOMPARE(d.trainX.rows(), Eigen::Index(45415));
        QCOMPARE(d.testX.rows(), Eigen::Index(11113));
        QCOMPARE(d.trainX.cols(), Eigen::Index(13));
        QCOMPARE(d.trainY.size(), d.trainX.rows());
        QCOMPARE(d.testY.size(), d.testX.rows());
        std::string bytes; // checksum: per row the 13 feature bytes and the label byte
        for (const auto* split : {&d.trainX, &d.testX}) {
            const Eigen::VectorXd& y = split == &d.trainX ? d.trainY : d.testY;
            for (Eigen::Index i = 0; i < split->rows(); ++i) {
                double rowSum = 0;
                for (Eigen::Index k = 0; k < 13; ++k) {
                    const double v = (*split)(i, k);
                    QVERIFY(v >= 0 && v <= 25 && v == std::floor(v));
                    rowSum += v;
                    bytes.push_back(char(v));
                }
                QVERIFY2(rowSum > 0, "every cluster has a pixel over threshold");
                QVERIFY(y[i] == 0 || y[i] == 1 || y[i] == 2);
                bytes.push_back(char(y[i]));
            }
        }
        QCOMPARE(d.checksum, sha256Hex(bytes));
        // The window is centred on the cluster: the centre bin is almost always hit.
        const double centreHit = (d.trainX.col(6).array() > 0).cast<double>().mean();
        QVERIFY2(centreHit > 0.95, qPrintable(QString::number(centreHit)));
    }

    void classBalanceWithinDocumentedBounds() {
        for (const auto* y : {&m_full.trainY, &m_full.testY}) {
            const double tol = y == &m_full.trainY ? 0.015 : 0.03;
            const double n = double(y->size());
            const double high = (y->array() == 0).count() / n;
            const double neg = (y->array() == 1).count() / n;
            const double pos = (y->array() == 2).count() / n;
            QVERIFY2(std::abs(high - kHighPtFraction) < tol, qPrintable(QString::number(high)));
            QVERIFY2(std::abs(neg - kLowPtFraction) < tol, qPrintable(QString::number(neg)));
            QVERIFY2(std::abs(pos - kLowPtFraction) < tol, qPrintable(QString::number(pos)));
        }
    }

    void labelsFollowTruth() {
        QCOMPARE(m_truth.size(), std::size_t(45415 + 11113));
        for (std::size_t i = 0; i < 45415; i += 97) {
            const SmartPixelTruth& t = m_truth[i];
            QVERIFY(std::abs(t.ptGeV) >= 0.1 && std::abs(t.ptGeV) <= 20.0);
            QCOMPARE(m_full.trainY[Eigen::Index(i)], double(smartPixelLabel(t.ptGeV)));
        }
        QCOMPARE(smartPixelLabel(2.0), 0);
        QCOMPARE(smartPixelLabel(-2.5), 0);
        QCOMPARE(smartPixelLabel(-1.99), 1);
        QCOMPARE(smartPixelLabel(0.3), 2);
    }

    // The Lorentz drift (+y) adds to the spread of positive low-pT tracks (bent toward −y) and
    // compensates that of negative ones: mean fired bins positive low pT > high pT > negative.
    void clusterWidthFollowsBendingAndLorentzDrift() {
        double bins[3] = {0, 0, 0}, count[3] = {0, 0, 0};
        for (Eigen::Index i = 0; i < m_full.trainX.rows(); ++i) {
            const int c = int(m_full.trainY[i]);
            bins[c] += double((m_full.trainX.row(i).array() > 0).count());
            count[c] += 1;
        }
        const double high = bins[0] / count[0], neg = bins[1] / count[1], pos = bins[2] / count[2];
        QVERIFY2(pos > high + 0.1 && high > neg + 0.1,
                 qPrintable(QString("%1 %2 %3").arg(pos).arg(high).arg(neg)));
        for (std::size_t i = 0; i < 2000; ++i) // bending: dy/dz = −q·tan α (plus scattering)
            if (std::abs(m_truth[i].ptGeV) < 0.5) QVERIFY(m_truth[i].ptGeV * m_truth[i].cotAlpha < 0);
    }

    void physicsConstants() {
        const SmartPixelPhysics p;
        const double tanL = smartPixelLorentzTangent(p); // 19.3° at 100 V, −20 °C, 3.8 T
        QVERIFY2(tanL > 0.34 && tanL < 0.36, qPrintable(QString::number(tanL)));
        // Δp for a minimum-ionizing pion in 100 µm of silicon ≈ 24 keV (≈ 6 600 e-h pairs).
        const double mpv = siliconMostProbableKeV(3.5, 100.0);
        QVERIFY2(mpv > 23.0 && mpv < 25.0, qPrintable(QString::number(mpv)));
        QVERIFY(siliconMostProbableKeV(0.7, 100.0) > 2 * mpv);        // 1/β² rise
        QVERIFY(siliconMostProbableKeV(3.5, 200.0) > 2 * mpv);        // Δp/x grows with x
        QVERIFY(std::abs(siliconLandauXiKeV(1000.0, 100.0) - 1.782) < 0.01);
    }

    void withoutDirectoryUsesSimulator() {
        EnvGuard guard("NETSURF_SMARTPIXEL_DIR");
        qunsetenv("NETSURF_SMARTPIXEL_DIR");
        auto r = loadDataset("smartpixel", {});
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->source, DataSourceKind::Simulated);
        QCOMPARE(r->checksum, m_full.checksum);
        const DatasetInfo info = describeDataset("smartpixel");
        QCOMPARE(std::string(toString(info.source)), std::string("simulated"));
        QVERIFY(info.sourceDetail.find("simulated") != std::string::npos);
        QCOMPARE(info.train, std::size_t(45415));
        QCOMPARE(info.validation, std::size_t(4542));
        QCOMPARE(info.test, std::size_t(11113));
    }

    void directoryWithoutFilesIsDataError() {
        EnvGuard guard("NETSURF_SMARTPIXEL_DIR");
        QTemporaryDir tmp;
        const fs::path empty = test::tempPath(tmp, "nothing-here");
        fs::create_directories(empty);
        qputenv("NETSURF_SMARTPIXEL_DIR", QByteArray::fromStdString(empty.string()));
        auto r = loadDataset("smartpixel", {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Data);
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.contains(QString::fromStdString(empty.string())) &&
                     msg.contains("NETSURF_SMARTPIXEL_DIR") &&
                     msg.contains("QuantizedInputTrainSetLocal0.csv"),
                 qPrintable(msg));
        const DatasetInfo info = describeDataset("smartpixel");
        QCOMPARE(info.source, DataSourceKind::Missing);
        QVERIFY(!info.error.empty());
        DatasetOptions o; // the option wins over the environment and is named as such
        o.smartpixelDir = empty;
        auto viaOption = loadDataset("smartpixel", o);
        QVERIFY(!viaOption.ok());
        QVERIFY(QString::fromStdString(viaOption.error().message).contains("--smartpixel-dir"));
    }

    void csvLoaderReadsPublicLayout() {
        EnvGuard guard("NETSURF_SMARTPIXEL_DIR");
        const fs::path dir = test::dataDir() / "smartpixel";
        QVERIFY(hasSmartPixelCsv(dir));
        qputenv("NETSURF_SMARTPIXEL_DIR", QByteArray::fromStdString(dir.string()));
        auto r = loadDataset("smartpixel", {});
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r->source, DataSourceKind::File);
        QVERIFY(r->sourceDetail.find(dir.string()) != std::string::npos);
        QCOMPARE(r->inputShape, std::vector<int>{13});
        QCOMPARE(r->trainX.rows(), Eigen::Index(5));
        QCOMPARE(r->testX.rows(), Eigen::Index(2));
        QCOMPARE(r->trainX.cols(), Eigen::Index(13));
        QVERIFY(r->trainX.row(3).segment(5, 3) == Eigen::RowVector3d(9, 13, 11));
        QCOMPARE(r->testX(1, 6), 25.0);
        QVERIFY(r->trainY == (Eigen::VectorXd(5) << 2, 2, 1, 0, 1).finished());
        QVERIFY(r->testY == Eigen::Vector2d(1, 0));
        std::string all; // checksum over the four files in the documented order
        for (const auto& name : smartPixelFileNames())
            all += readAll(dir / name);
        QCOMPARE(r->checksum, sha256Hex(all));
    }
};

QTEST_GUILESS_MAIN(TestSmartPixel)
#include "tst_smartpixel.moc"
