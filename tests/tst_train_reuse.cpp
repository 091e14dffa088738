// When `train` (and the implicit training of rank/inject) reuses a model (issue 11, items 7 and
// 8): model.json and history.csv are one unit — a history left by an interrupted --retrain is
// refused, not paired with the old model; temporary files of dead writers are removed at the
// next start, a live writer's and another host's never; implicit training uses the requested
// seed; settings given on the command line must match an existing model, settings not given
// never cause a refusal.
#include "cli_runner.h"
#include "test_support.h"

#include <QProcess>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "engine/core/file_io.h"
#include "engine/core/sha256.h"

using namespace netsurf;
namespace fs = std::filesystem;

namespace {

const QStringList kModel{"--benchmark", "autompg", "--quant", "q<6,2,1>", "--pruning", "0.125"};

fs::path modelDir(const QTemporaryDir& ws) {
    return test::tempPath(ws, "autompg/q6_2_1/prune_0.125");
}

nlohmann::json provenance(const QTemporaryDir& ws) {
    return nlohmann::json::parse(*readFile(modelDir(ws) / "model.json"))["provenance"];
}

// The PID of a process that has exited (its number is free again, for a while).
long deadPid() {
    QProcess p;
    p.start("true", {});
    p.waitForFinished();
    return long(p.processId() ? p.processId() : 999999);
}

} // namespace

class TestTrainReuse : public QObject {
    Q_OBJECT
    bool m_haveData = true;

    test::Run train(const QTemporaryDir& ws, const QStringList& extra) {
        const test::Run r =
            test::cli(QStringList{"train", "--quiet", "--json"} + extra + kModel, ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) m_haveData = false;
        return r;
    }

private slots:
    void modelAndHistoryAreOneUnit() {
        QTemporaryDir ws;
        test::Run r = train(ws, {"--epochs", "2"});
        if (!m_haveData) QSKIP("Auto-MPG is not installed here");
        QCOMPARE(r.code, 0);
        const fs::path history = modelDir(ws) / "history.csv";
        QCOMPARE(provenance(ws)["history_sha256"].get<std::string>(), *sha256File(history));
        // A retrain killed between its two renames: the new history beside the old model.
        auto text = readFile(history);
        QVERIFY(atomicWriteFile(history, *text + "3,1,1,1,1,1,1,1,1,0,0.1\n").ok());
        r = train(ws, {});
        QCOMPARE(r.code, 1);
        QCOMPARE(test::errorLine(r),
                 QString::fromStdString(history.string() + " does not belong to " +
                                        (modelDir(ws) / "model.json").string() +
                                        " (left by an interrupted training run?); use --retrain "
                                        "to train again"));
        fs::remove(history);
        QVERIFY(test::errorLine(train(ws, {})).contains("history.csv is missing beside"));
        r = train(ws, {"--epochs", "2", "--retrain"});
        QCOMPARE(r.code, 0);
        r = train(ws, {});
        QCOMPARE(r.code, 0);
        QVERIFY(nlohmann::json::parse(r.out.toStdString())["reused"].get<bool>());
    }

    void staleTempFilesAreRemovedLiveOnesKept() {
        QTemporaryDir ws;
        QCOMPARE(train(ws, {"--epochs", "2"}).code, m_haveData ? 0 : 1);
        if (!m_haveData) QSKIP("Auto-MPG is not installed here");
        const fs::path dir = modelDir(ws);
        const std::string dead = std::to_string(deadPid()), live = std::to_string(::getpid());
        const std::vector<std::pair<fs::path, bool>> files{
            {dir / ("model.json.tmp." + dead), false},                     // older naming
            {dir / ("history.csv.tmp." + dead + "@" + hostName()), false}, // dead writer
            {dir / ("experiments/x/results.csv.tmp." + dead + "@" + hostName()), false},
            {dir / ("model.json.tmp." + live + "@" + hostName()), true}, // live writer
            {dir / ("history.csv.tmp." + dead + "@another-node"), true}, // other host
            {dir / "notes.tmp.txt", true}};                              // not ours
        for (const auto& [path, kept] : files)
            QVERIFY(atomicWriteFile(path, "x").ok());
        const test::Run r = train(ws, {});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains("removed 3 temporary files left in"), qPrintable(r.err));
        for (const auto& [path, kept] : files)
            QVERIFY2(fs::exists(path) == kept, path.c_str());
    }

    void implicitTrainingUsesTheRequestedSeed_data() {
        QTest::addColumn<QStringList>("command");
        QTest::newRow("inject") << QStringList{"inject", "--method",     "random", "--ber",
                                               "0.1",    "--protection", "0"};
        QTest::newRow("rank") << QStringList{"rank", "--method", "random"};
    }
    void implicitTrainingUsesTheRequestedSeed() {
        QFETCH(QStringList, command);
        QTemporaryDir ws;
        const test::Run r =
            test::cli(command + QStringList{"--seed", "5", "--quiet"} + kModel, ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(provenance(ws)["seed"].get<int>(), 5);
        QCOMPARE(provenance(ws)["epochs"].get<int>(), 800); // the benchmark's default
    }

    void givenSettingsMustMatchAnExistingModel() {
        QTemporaryDir ws;
        QCOMPARE(train(ws, {"--epochs", "3"}).code, m_haveData ? 0 : 1);
        if (!m_haveData) QSKIP("Auto-MPG is not installed here");
        test::Run r = train(ws, {"--epochs", "50", "--seed", "9"});
        QCOMPARE(r.code, 1);
        QCOMPARE(test::errorLine(r),
                 QString::fromStdString((modelDir(ws) / "model.json").string() +
                                        " was trained with 3 epochs, not 50 and seed 0, not 9; "
                                        "use --retrain to replace it with the requested settings"));
        QCOMPARE(train(ws, {"--epochs", "3", "--seed", "0"}).code, 0); // the same settings
        // settings not given never refuse: inject after train --epochs 3 uses that model
        r = test::cli(QStringList{"inject", "--method", "random", "--ber", "0.1", "--protection",
                                  "0", "--seed", "4", "--quiet"} +
                          kModel,
                      ws.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(provenance(ws)["epochs"].get<int>(), 3);
        r = train(ws, {"--epochs", "4", "--retrain"});
        QCOMPARE(r.code, 0);
        QCOMPARE(provenance(ws)["epochs"].get<int>(), 4);
    }
};

QTEST_GUILESS_MAIN(TestTrainReuse)
#include "tst_train_reuse.moc"
