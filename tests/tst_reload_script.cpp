// docs/examples/reload_model.py against the engine: a model trained through the CLI is reloaded
// by the pure-Python script, which recomputes the clean test evaluation (input grid, fma
// apply_alpha, softmax/loss in row order) and must reproduce the file's test_evaluation within
// its default tolerance 1e-9. Auto-MPG only (fast): q<6,2,1> and q<16,1,1> take the input grid
// (every dense layer proved exact), q<18,1,1> does not (2^−e would exceed 2^−30·max|x|), so
// its first layer goes through the plain-sum / EngineOrder path. A tampered file must fail; a
// model of the simulated smart-pixel set is reproduced from the engine's CSV export.
#include "cli_runner.h"
#include "test_support.h"

#include <QProcess>
#include <QStandardPaths>
#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"

using namespace netsurf;
namespace fs = std::filesystem;

namespace {

fs::path scriptPath() {
    return test::dataDir().parent_path().parent_path() / "docs" / "examples" / "reload_model.py";
}

} // namespace

class TestReloadScript : public QObject {
    Q_OBJECT
    QString m_python;
    QTemporaryDir m_ws;

    fs::path modelPath(const std::string& dir) const {
        return test::tempPath(m_ws, "autompg/" + dir + "/prune_0.125/model.json");
    }

    test::Run reload(const fs::path& model, const QStringList& extra = {}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("NETSURF_SMARTPIXEL_DIR");
        p.setProcessEnvironment(env);
        p.start(m_python, QStringList{QString::fromStdString(scriptPath().string()),
                                      QString::fromStdString(model.string())} +
                              extra);
        p.waitForFinished(120000);
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2,
                QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    // Trains autompg at `quant` (pruning 0.125, 20 epochs) through the CLI and reloads it with the
    // script, whose report must say `inputs`.
    void reproduce(const QString& quant, const std::string& dir, const QString& inputs) {
        const test::Run t = test::cli({"train", "--quiet", "--benchmark", "autompg", "--quant",
                                       quant, "--pruning", "0.125", "--epochs", "20"},
                                      m_ws.path());
        if (t.code == 1 && t.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QVERIFY2(t.code == 0, qPrintable(t.err));
        const test::Run r = reload(modelPath(dir));
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("\nmatch\n"), qPrintable(r.out));
        QVERIFY2(r.out.contains(inputs), qPrintable(r.out));
    }

private slots:
    void initTestCase() {
        m_python = QStandardPaths::findExecutable("python3");
        if (m_python.isEmpty()) QSKIP("python3 is not installed here");
        QVERIFY(fs::exists(scriptPath()));
        QVERIFY(m_ws.isValid());
    }

    void gridQ6_2_1() { reproduce("q<6,2,1>", "q6_2_1", "inputs     on the grid 2^-"); }

    void gridQ16_1_1() { reproduce("q<16,1,1>", "q16_1_1", "inputs     on the grid 2^-"); }

    void noGridQ18_1_1() { reproduce("q<18,1,1>", "q18_1_1", "inputs     as normalized"); }

    void tamperedValueIsAMismatch() {
        const fs::path model = modelPath("q6_2_1");
        if (!fs::exists(model)) QSKIP("no model (Auto-MPG is not installed here)");
        nlohmann::json doc = nlohmann::json::parse(*readFile(model));
        doc["test_evaluation"]["loss"] = doc["test_evaluation"]["loss"].get<double>() + 1e-8;
        const fs::path copy = test::tempPath(m_ws, "tampered.json");
        QVERIFY(atomicWriteFile(copy, doc.dump(1) + "\n").ok());
        const test::Run r = reload(copy);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains("MISMATCH (tolerance 1e-09)"), qPrintable(r.out));
    }

    // A model of the simulated smart-pixel set: the script reads the rows the engine exports
    // (netsurf-cli datasets --export smartpixel → <data dir>/smartpixel-simulated) and says how
    // to make them when they are missing.
    void simulatedSmartPixelThroughTheExport() {
        QTemporaryDir data;
        const std::map<QString, QString> simulated{{"NETSURF_SMARTPIXEL_DIR", ""}};
        test::Run t = test::cli({"train", "--quiet", "--benchmark", "smartpixel_small", "--quant",
                                 "q<6,2,1>", "--pruning", "0.125", "--epochs", "3"},
                                m_ws.path(), simulated);
        QVERIFY2(t.code == 0, qPrintable(t.err));
        const fs::path model =
            test::tempPath(m_ws, "smartpixel_small/q6_2_1/prune_0.125/model.json");
        const QStringList dataDir{"--data-dir", data.path()};
        test::Run r = reload(model, dataDir);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("netsurf-cli datasets --export smartpixel"), qPrintable(r.err));
        t = test::cli(QStringList{"datasets", "--export", "smartpixel"} + dataDir, {}, simulated);
        QVERIFY2(t.code == 0, qPrintable(t.err));
        r = reload(model, dataDir);
        QVERIFY2(r.code == 0 && r.out.contains("\nmatch\n"), qPrintable(r.out + r.err));
        QVERIFY2(!r.out.contains("warning"), qPrintable(r.out)); // the exported checksum matches
    }
};

QTEST_GUILESS_MAIN(TestReloadScript)
#include "tst_reload_script.moc"
