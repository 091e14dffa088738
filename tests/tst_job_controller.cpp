// The GUI's job controller (app_core): jobs run on worker threads, never on the thread the
// controller lives on; its signals arrive there while the event loop keeps turning; a real sweep's
// rows grow while the test waits; after a cancel is acknowledged no further rows arrive, and the
// run resumes later to the complete grid.
#include "test_support.h"

#include <QSignalSpy>
#include <thread>

#include <QAbstractItemModelTester>

#include "app/core/job_controller.h"
#include "app/core/jobs_model.h"
#include "engine/inject/results_store.h"

using namespace netsurf;
using namespace std::chrono_literals;

namespace {

JobSpec fake(std::string id, std::vector<std::string> deps, std::vector<std::thread::id>& where,
             std::mutex& m) {
    JobSpec s;
    s.id = std::move(id);
    s.dependsOn = std::move(deps);
    s.run = [&where, &m](JobContext& c) -> Result<JobOutcome> {
        {
            std::lock_guard lock(m);
            where.push_back(std::this_thread::get_id());
        }
        for (int k = 0; k <= 10; ++k)
            c.progress->progress({"fake", k, 10, ""});
        std::this_thread::sleep_for(20ms);
        return JobOutcome{};
    };
    return s;
}

// autompg, one ranking, a Monte-Carlo sweep long enough to be cancelled in the middle.
BatchConfig slowSweep() {
    auto c = parseBatchConfig(R"({"benchmarks": ["autompg"], "quantizations": ["q<6,2,1>"],
        "prunings": [0], "methods": ["random"], "epochs": 2, "ber": [0.001, 0.01, 0.05, 0.1],
        "protection": [0, 0.1, 0.2, 0.3, 0.4], "mode": "montecarlo", "reps": 400})",
                              "test");
    return *c;
}

} // namespace

class TestJobController : public QObject {
    Q_OBJECT
private slots:
    void jobsNeverRunOnTheGuiThread() {
        std::vector<std::thread::id> where;
        std::mutex m;
        app::JobController c;
        app::JobsModel jobs;
        QAbstractItemModelTester tester(&jobs,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        jobs.attach(&c);
        QSignalSpy states(&c, &app::JobController::jobStateChanged);
        QSignalSpy done(&c, &app::JobController::finished);
        QVERIFY(c.startJobs(
            {fake("a", {}, where, m), fake("b", {"a"}, where, m), fake("c", {}, where, m)},
            {.threads = 2}));
        QVERIFY(c.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        QVERIFY(!c.isRunning());
        QCOMPARE(where.size(), std::size_t(3));
        for (auto id : where)
            QVERIFY(id != std::this_thread::get_id());
        QCOMPARE(states.count(), 6); // running + done per job, delivered on this thread
        const auto summary = done.front().at(0).value<RunSummary>();
        QCOMPARE(summary.done, std::size_t(3));
        QCOMPARE(jobs.rowCount(), 3); // the jobs table followed the run
        QCOMPARE(jobs.finishedJobs(), 3);
        QCOMPARE(jobs.index(1, app::JobsModel::StatusColumn).data().toString(), QString("done"));
        QCOMPARE(jobs.index(1, 0).data(app::JobsModel::FractionRole).toDouble(), 1.0);
        QString error;
        QVERIFY(!c.startJobs({fake("x", {"missing"}, where, m)}, {}, &error));
        QVERIFY(error.contains("missing"));
    }

    void liveRowsCancelAndResume() {
        QTemporaryDir ws;
        const BatchSessionOptions options{.workspace = ws.path().toStdString(),
                                          .runner = {.threads = 2}};
        app::JobController c;
        std::size_t rows = 0;
        QString injectId;
        connect(&c, &app::JobController::sweepRows, this,
                [&](const QString& id, const SweepRowsProduced& r) {
                    QCOMPARE(QThread::currentThread(), qApp->thread());
                    injectId = id;
                    rows += r.rows.size();
                });
        QSignalSpy states(&c, &app::JobController::jobStateChanged);
        QSignalSpy done(&c, &app::JobController::finished);
        QString error;
        if (!c.startBatch(slowSweep(), options, &error)) QFAIL(qPrintable(error));
        // the plot data grows while this event loop turns
        QTRY_VERIFY_WITH_TIMEOUT(rows > 0 || done.count() > 0, 60000);
        if (done.count() && rows == 0) {
            const auto e = done.front().at(1).toString();
            if (e.isEmpty() && c.jobStates().front().error.find("cars.json") != std::string::npos)
                QSKIP("Auto-MPG is not installed here");
        }
        QVERIFY(done.count() == 0); // still running when the first rows arrived
        c.cancelAll();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000); // the cancel is acknowledged
        bool cancelled = false;
        for (const auto& s : states)
            cancelled |= s.at(1).value<JobStateChanged>().status == JobStatus::Cancelled;
        QVERIFY(cancelled);
        const std::size_t atCancel = rows;
        QTest::qWait(300);
        QCOMPARE(rows, atCancel); // no further points after the acknowledgement
        // resume: the rest of the grid, nothing twice
        done.clear();
        QVERIFY(c.startBatch(slowSweep(), options, &error));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QVERIFY(done.front().at(0).value<RunSummary>().complete());
        QCOMPARE(rows, std::size_t(4 * 5 * 400));
    }
};

QTEST_GUILESS_MAIN(TestJobController)
#include "tst_job_controller.moc"
