// Splits too small for a benchmark are a data error (issue 11, item 3): a cars.json with 2 rows
// crashed train and evaluate (exit 139), one with 5 rows crashed `evaluate --split validation`,
// and an empty validation split printed "loss 0 accuracy 0". Also: metrics of no samples are
// NaN, never a crash; the validation carve-out is the documented one.
#include "cli_runner.h"
#include "test_models.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"
#include "engine/model/evaluate.h"
#include "engine/train/splits.h"

using namespace netsurf;

namespace {

const QStringList kModel{"--benchmark", "autompg", "--quant", "q<6,2,1>", "--pruning", "0.125"};

// A data directory whose autompg/cars.json holds the first `rows` rows of the installed one.
std::optional<std::filesystem::path> carsWithRows(const QTemporaryDir& dir, std::size_t rows) {
    DatasetOptions o;
    const auto src = resolveDataDir(o) / "autompg" / "cars.json";
    auto text = readFile(std::filesystem::exists(src)
                             ? src
                             : "/usr/lib/python3/dist-packages/vega_datasets/_data/cars.json");
    if (!text) return std::nullopt;
    nlohmann::json all = nlohmann::json::parse(*text), cut = nlohmann::json::array();
    for (std::size_t i = 0; i < rows && i < all.size(); ++i)
        cut.push_back(all[i]);
    const auto dataDir = test::tempPath(dir, "data" + std::to_string(rows));
    if (!atomicWriteFile(dataDir / "autompg" / "cars.json", cut.dump())) return std::nullopt;
    return dataDir;
}

} // namespace

class TestSplits : public QObject {
    Q_OBJECT
private slots:
    void tooSmallSplitIsADataError_data() {
        QTest::addColumn<int>("train");
        QTest::addColumn<int>("test");
        QTest::addColumn<QString>("needle"); // empty: accepted
        QTest::newRow("no test rows") << 200 << 0 << "a test split of 0 rows";
        QTest::newRow("validation of 5") << 50 << 40 << "a validation split of 5 rows";
        QTest::newRow("training of 9") << 10 << 40 << "a training split of 9 rows";
        QTest::newRow("just enough") << 100 << 10 << "";
    }
    void tooSmallSplitIsADataError() {
        QFETCH(int, train);
        QFETCH(int, test);
        QFETCH(QString, needle);
        Dataset d = test::blobs();
        d = subsetDataset(d, std::size_t(train), std::size_t(std::max(test, 1)));
        if (test == 0) d.testX.resize(0, d.testX.cols()), d.testY.resize(0);
        auto s = benchmarkSplits(d, 0);
        if (needle.isEmpty()) {
            QVERIFY(s.ok());
            QCOMPARE(s->validation.size(), std::size_t(10));
            return;
        }
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::Data);
        const QString msg = QString::fromStdString(s.error().message);
        QVERIFY2(msg.contains(needle) && msg.contains("at least 10") && msg.contains("blobs"),
                 qPrintable(msg));
    }

    // No samples: NaN loss and metrics (the regression metrics used to read past the end).
    void emptySplitGivesNaNNotACrash() {
        const Model m = test::makeCase("autompg", QuantScheme()).model;
        const EvalResult e = evaluateModel(m, MatrixRM(0, 9), Eigen::VectorXd(0));
        QVERIFY(std::isnan(e.loss));
        QCOMPARE(e.metrics.size(), std::size_t(3));
        for (const auto& [name, v] : e.metrics)
            QVERIFY2(std::isnan(v), name.c_str());
    }

    // Validation = the first validationCount(n) entries of the permutation keyed by (seed,
    // ValidationSplit), in ascending row order; train = the other rows in dataset order.
    void validationCarveOutIsTheDocumentedOne() {
        const Dataset d = test::blobs();
        const Splits s = makeSplits(d, 7);
        QCOMPARE(s.validation.size(), std::size_t(60));
        QCOMPARE(s.train.size(), std::size_t(540));
        const auto perm =
            keyedPermutation(600, hashKey(7, std::uint64_t(RngPurpose::ValidationSplit)));
        std::vector<std::uint32_t> val(perm.begin(), perm.begin() + 60);
        std::sort(val.begin(), val.end());
        for (std::size_t i = 0; i < val.size(); ++i)
            QVERIFY(s.validation.X.row(Eigen::Index(i)) == d.trainX.row(val[i]));
        std::vector<bool> isVal(600, false);
        for (auto v : val)
            isVal[v] = true;
        Eigen::Index k = 0;
        for (std::uint32_t r = 0; r < 600; ++r)
            if (!isVal[r]) QVERIFY(s.train.X.row(k++) == d.trainX.row(r));
    }

    void cliRefusesTinyCarsJson() {
        QTemporaryDir dir;
        const auto two = carsWithRows(dir, 2), five = carsWithRows(dir, 5);
        if (!two || !five) QSKIP("Auto-MPG is not installed here");
        const QString ws = dir.path() + "/ws";
        test::Run r = test::cli(
            QStringList{"train", "--data-dir", QString::fromStdString(two->string()), "--quiet"} +
                kModel,
            ws);
        QCOMPARE(r.code, 1);
        QVERIFY2(test::errorLine(r).contains("gives a training split of 2 rows; every split needs "
                                             "at least 10"),
                 qPrintable(r.err));
        QVERIFY(
            !std::filesystem::exists(ws.toStdString() + "/autompg/q6_2_1/prune_0.125/model.json"));
        r = test::cli(QStringList{"train", "--epochs", "2", "--quiet"} + kModel, ws);
        QCOMPARE(r.code, 0);
        for (const char* split : {"validation", "test", "train"}) {
            r = test::cli(QStringList{"evaluate", "--split", split, "--data-dir",
                                      QString::fromStdString(five->string())} +
                              kModel,
                          ws);
            QCOMPARE(r.code, 1);
            QVERIFY2(test::errorLine(r).contains("split of") &&
                         test::errorLine(r).contains("cars.json"),
                     qPrintable(r.err));
            QVERIFY(r.out.isEmpty()); // never "loss 0 accuracy 0"
        }
    }
};

QTEST_GUILESS_MAIN(TestSplits)
#include "tst_splits.moc"
