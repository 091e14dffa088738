// docs/examples/reload_model.py against the engine: a model trained through the CLI is reloaded
// by the pure-Python script, which recomputes the clean test evaluation (input grid, fma
// apply_alpha, softmax/loss in row order) and must reproduce the file's test_evaluation within
// its default tolerance 1e-9. Auto-MPG only (fast): q<6,2,1> and q<16,1,1> take the input grid
// (every dense layer proved exact), q<18,1,1> does not (2^−e would exceed 2^−30·max|x|), so
// its first layer goes through the plain-sum / EngineOrder path. A tampered file must fail, and
// a model of the simulated smart-pixel set must be refused with a clear message.
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

    test::Run reload(const fs::path& model) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("NETSURF_SMARTPIXEL_DIR");
        p.setProcessEnvironment(env);
        p.start(m_python, {QString::fromStdString(scriptPath().string()),
                           QString::fromStdString(model.string())});
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

    void simulatedSmartPixelIsRefused() {
        const fs::path model = modelPath("q6_2_1");
        if (!fs::exists(model)) QSKIP("no model (Auto-MPG is not installed here)");
        nlohmann::json doc = nlohmann::json::parse(*readFile(model));
        doc["benchmark"] = "smartpixel_small";
        doc["provenance"]["dataset_source"] = "simulated";
        const fs::path copy = test::tempPath(m_ws, "simulated.json");
        QVERIFY(atomicWriteFile(copy, doc.dump(1) + "\n").ok());
        const test::Run r = reload(copy);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("simulated smart-pixel clusters"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestReloadScript)
#include "tst_reload_script.moc"
