// netsurf-cli end to end: exit codes and one-line errors for bad input, --json output, and the
// whole workflow (train → rank → rank-quality → inject → compare → protect) on autompg in a
// temporary workspace.
#include "cli_runner.h"
#include "test_support.h"

#include <QProcess>
#include <nlohmann/json.hpp>

namespace {

using netsurf::test::cli;
using netsurf::test::Run;

nlohmann::json json(const Run& r) {
    return nlohmann::json::parse(r.out.toStdString());
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void badInputIsAUsageErrorWithOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("needle");
        QTest::newRow("scheme") << QStringList{"quant", "q<30,2,1>"} << "q<30,2,1>";
        QTest::newRow("method") << QStringList{"rank", "--method", "gradient"} << "qpolargrad";
        QTest::newRow("order") << QStringList{"rank", "--method", "grad", "--order", "x"}
                               << "plane";
        QTest::newRow("ber") << QStringList{"inject", "--method", "grad", "--ber", "0"} << "BER 0";
        QTest::newRow("protection")
            << QStringList{"inject", "--method", "grad", "--protection", "1"} << "protection 1";
        QTest::newRow("pruning") << QStringList{"train", "--pruning", "1.5"} << "1.5";
        QTest::newRow("benchmark") << QStringList{"train", "--benchmark", "cifar"} << "mnist_fnn";
        QTest::newRow("bench") << QStringList{"bench", "disk"} << "train, rank or inject";
        QTest::newRow("command") << QStringList{"frobnicate"} << "frobnicate";
    }
    void badInputIsAUsageErrorWithOneLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, needle);
        const Run r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }
    void quantJsonShowsTheSpecDeltas() {
        const Run r = cli({"quant", "q<6,2,1>", "--value", "1.375", "--json"});
        QCOMPARE(r.code, 0);
        const auto deltas = json(r).at("values").at(0).at("deltas").get<std::vector<double>>();
        QCOMPARE(deltas, (std::vector<double>{-4, 2, -1, 0.5, -0.25, -0.125}));
        QVERIFY(cli({"--version"}).out.startsWith("netsurf-cli "));
    }
    void workflowOnAutoMpg() {
        QTemporaryDir ws;
        const QStringList sel{"--benchmark", "autompg", "--quant", "q<6,2,1>",
                              "--pruning",   "0.125",   "--quiet", "--json"};
        Run r = cli(QStringList{"train", "--epochs", "30"} + sel, ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QCOMPARE(r.code, 0);
        QVERIFY(json(r).at("test").at("metrics").contains("mae"));
        r = cli(
            QStringList{"rank", "--method", "oracle", "--method", "taylor", "--method", "random"} +
                sel,
            ws.path());
        QCOMPARE(r.code, 0);
        const auto rankings = json(r).at("rankings");
        QCOMPARE(rankings.size(), std::size_t(3));
        QVERIFY(rankings.at(0).at("bits").get<int>() > 1000);
        r = cli(QStringList{"rank-quality"} + sel, ws.path());
        QCOMPARE(r.code, 0);
        const nlohmann::json quality = json(r); // outlives the loop (not a temporary's member)
        for (const auto& row : quality.at("rankings"))
            if (row.at("method") == "oracle" && row.at("order") == "global")
                QCOMPARE(row.at("kendall_tau_b").get<double>(), 1.0);
        const QStringList grid{"--ber",  "0.01,0.1",   "--protection", "0,0.2",
                               "--mode", "montecarlo", "--reps",       "5"};
        for (const char* m : {"taylor", "random"}) {
            r = cli(QStringList{"inject", "--method", m} + grid + sel, ws.path());
            QCOMPARE(r.code, 0);
            QCOMPARE(json(r).at("rows_computed").get<int>(), 20);
            const std::string key = json(r).at("experiment"); // the experiment's directory
            QVERIFY2(key.rfind("montecarlo-test-seed0-", 0) == 0, key.c_str());
            QVERIFY(
                json(r).at("results_path").get<std::string>().find("/" + key + "/results.csv") !=
                std::string::npos);
        }
        r = cli(QStringList{"inject", "--method", "random"} + grid + sel, ws.path());
        QCOMPARE(json(r).at("rows_reused").get<int>(), 20); // resumable: nothing recomputed
        r = cli(QStringList{"compare", "--baseline", "random"} + sel, ws.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli(QStringList{"protect", "--method", "taylor", "--protection", "0.1"} + sel,
                ws.path());
        QCOMPARE(r.code, 0);
        QCOMPARE(json(r).at("files").size(), std::size_t(3));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
