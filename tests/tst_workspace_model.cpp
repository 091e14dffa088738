// The workspace tree (app_core): benchmark → scheme → pruning → ranking → experiment from a real
// workspace, statuses and coverage, the --select syntax, and live job states (running items
// appear, finished ones are rescanned) — with QAbstractItemModelTester watching every change.
#include "cli_runner.h"
#include "test_support.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include "app/core/workspace_model.h"

using namespace netsurf;
using WM = app::WorkspaceModel;

namespace {

const QStringList kModel{"--benchmark", "autompg", "--quant", "q<6,2,1>", "--pruning", "0.125"};

QModelIndex childNamed(const QAbstractItemModel& m, const QModelIndex& parent,
                       const QString& name) {
    for (int r = 0; r < m.rowCount(parent); ++r)
        if (m.index(r, 0, parent).data().toString() == name) return m.index(r, 0, parent);
    return {};
}

WM::Status statusOf(const QModelIndex& i) {
    return WM::Status(i.data(WM::StatusRole).toInt());
}

} // namespace

class TestWorkspaceModel : public QObject {
    Q_OBJECT
    QTemporaryDir m_ws;
    bool m_data = true;

private slots:
    void initTestCase() {
        test::Run r =
            test::cli(QStringList{"train", "--epochs", "2", "--quiet"} + kModel, m_ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) {
            m_data = false;
            return;
        }
        QCOMPARE(r.code, 0);
        r = test::cli(QStringList{"inject", "--method", "random", "--mode", "montecarlo", "--reps",
                                  "3", "--ber", "0.01,0.1", "--protection", "0,0.2", "--quiet"} +
                          kModel,
                      m_ws.path());
        QCOMPARE(r.code, 0);
    }

    void treeOfARealWorkspace() {
        if (!m_data) QSKIP("Auto-MPG is not installed here");
        WM model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkspace(m_ws.path().toStdString());
        QCOMPARE(model.rowCount(), 4); // the four benchmarks, run or not
        const QModelIndex bench = childNamed(model, {}, "autompg");
        const QModelIndex scheme = childNamed(model, bench, "q<6,2,1>");
        const QModelIndex prune = childNamed(model, scheme, "0.125");
        QVERIFY(prune.isValid());
        QCOMPARE(statusOf(prune), WM::Status::Complete);
        QCOMPARE(prune.data(WM::SelectorRole).toString(), QString("autompg/q<6,2,1>/0.125"));
        QCOMPARE(model.findModel("autompg/q<6,2,1>/0.125"), prune);
        QVERIFY(!model.findModel("autompg/q<6,2,1>/0.5").isValid());
        QVERIFY(!model.findModel("cifar/q<6,2,1>/0.125").isValid());
        const QModelIndex ranking = childNamed(model, prune, "random (global)");
        QVERIFY(ranking.isValid());
        const QModelIndex exp = childNamed(model, ranking, "montecarlo · test");
        QVERIFY(exp.isValid());
        QCOMPARE(statusOf(exp), WM::Status::Complete);
        QCOMPARE(exp.data(WM::CoverageRole).toDouble(), 1.0);
        QVERIFY(exp.data(Qt::ToolTipRole).toString().contains("12 rows"));
        const auto sel = model.modelOf(exp);
        QVERIFY(sel && sel->benchmark == "autompg" && sel->pruning == 0.125);
        QCOMPARE(statusOf(childNamed(model, {}, "mnist_fnn")), WM::Status::NotRun);
    }

    void liveJobStates() {
        if (!m_data) QSKIP("Auto-MPG is not installed here");
        WM model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkspace(m_ws.path().toStdString());
        // a new experiment starts: its item appears as running
        const QString id = "inject:autompg/q6_2_1/prune_0.125/random-global-s0/exhaustive-test";
        model.onJobStateChanged(id, {JobStatus::Running});
        const QModelIndex prune = model.findModel("autompg/q<6,2,1>/0.125");
        const QModelIndex ranking = childNamed(model, prune, "random (global)");
        const QModelIndex exp = childNamed(model, ranking, "exhaustive-test");
        QVERIFY(exp.isValid());
        QCOMPARE(statusOf(exp), WM::Status::Running);
        // it fails: the failure stays visible with its message after the rescan
        model.onJobStateChanged(id, {JobStatus::Failed, "disk full"});
        const QModelIndex failed = childNamed(
            model, childNamed(model, model.findModel("autompg/q<6,2,1>/0.125"), "random (global)"),
            "exhaustive-test");
        QVERIFY(failed.isValid());
        QCOMPARE(statusOf(failed), WM::Status::Failed);
        QVERIFY(failed.data(Qt::ToolTipRole).toString().contains("disk full"));
        // a model of another scheme starts training: the scheme and pruning nodes appear
        model.onJobStateChanged("train:autompg/q6_0_1/prune_0", {JobStatus::Running});
        const QModelIndex other = model.findModel("autompg/q<6,0,1>/0");
        QVERIFY(other.isValid());
        QCOMPARE(statusOf(other), WM::Status::Running);
        model.refresh();
        QVERIFY(!model.findModel("autompg/q<6,0,1>/0").isValid()); // nothing on disk
    }

    // Watching another process's batch: a background rescan of the whole workspace updates the
    // models whose files changed in place (no reset), and leaves the others alone.
    void rescanAllUpdatesInPlace() {
        if (!m_data) QSKIP("Auto-MPG is not installed here");
        QTemporaryDir ws;
        std::filesystem::copy(m_ws.path().toStdString(), ws.path().toStdString(),
                              std::filesystem::copy_options::recursive);
        WM model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkspace(ws.path().toStdString());
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy rescanned(&model, &WM::modelRescanned);
        model.rescanAll();
        QTest::qWait(500);
        QCOMPARE(rescanned.count(), 0); // nothing changed on disk
        // another process adds a ranking and its experiment
        const test::Run r =
            test::cli(QStringList{"inject", "--method", "bitwise_msb", "--mode", "montecarlo",
                                  "--reps", "3", "--ber", "0.01", "--protection", "0", "--quiet"} +
                          kModel,
                      ws.path());
        QCOMPARE(r.code, 0);
        model.rescanAll();
        QTRY_COMPARE_WITH_TIMEOUT(rescanned.count(), 1, 30000);
        QCOMPARE(rescanned.front().front().toString(), QString("autompg/q6_2_1/prune_0.125"));
        const QModelIndex prune = model.findModel("autompg/q<6,2,1>/0.125");
        QStringList names;
        for (int i = 0; i < model.rowCount(prune); ++i)
            names << model.index(i, 0, prune).data().toString();
        QVERIFY2(names.contains("bitwise_msb (plane)"), qPrintable(names.join(", ")));
        QVERIFY(childNamed(model, prune, "random (global)").isValid());
        QCOMPARE(resets.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceModel)
#include "tst_workspace_model.moc"
