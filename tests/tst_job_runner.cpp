// The engine's job runner on graphs of small fake jobs: dependencies, a failing job failing only
// its dependents, exceptions caught at the job boundary, cancelling one job and all jobs, the
// thread budget shared by concurrent jobs, and what subscribers receive (state changes, typed
// results in order, coalesced progress, a resync instead of a silent gap when they fall behind).
#include "test_support.h"

#include <atomic>
#include <thread>

#include "engine/core/parallel.h"
#include "engine/runner/job_runner.h"

using namespace netsurf;
using namespace std::chrono_literals;

namespace {

JobSpec job(std::string id, std::vector<std::string> deps, JobFunction fn) {
    JobSpec s;
    s.id = std::move(id);
    s.kind = JobKind::Rank;
    s.dependsOn = std::move(deps);
    s.run = std::move(fn);
    return s;
}

JobFunction ok() {
    return [](JobContext&) -> Result<JobOutcome> { return JobOutcome{}; };
}

// Runs until cancelled (or 20 s), then reports the cancellation as the engine does.
JobFunction untilStopped(std::atomic<int>* started = nullptr) {
    return [started](JobContext& c) -> Result<JobOutcome> {
        if (started) ++*started;
        for (int i = 0; i < 2000 && !c.stop.stop_requested(); ++i)
            std::this_thread::sleep_for(10ms);
        return Error::cancelled("stopped");
    };
}

std::map<std::string, JobStatus> statuses(const JobRunner& r) {
    std::map<std::string, JobStatus> out;
    for (const JobState& s : r.states())
        out[s.id] = s.status;
    return out;
}

} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private slots:
    void invalidGraphsAreRefused() {
        QVERIFY(!validateJobGraph({job("a", {"b"}, ok()), job("b", {"a"}, ok())}).ok());
        const Status missing = validateJobGraph({job("a", {"zz"}, ok())});
        QCOMPARE(QString::fromStdString(missing.error().message),
                 QString("job a depends on zz, which is not in the graph"));
        QVERIFY(!validateJobGraph({job("a", {}, ok()), job("a", {}, ok())}).ok());
        QVERIFY(validateJobGraph({job("a", {}, ok()), job("b", {"a"}, ok())}).ok());
    }

    void dependenciesRunFirst() {
        std::mutex m;
        std::vector<std::string> order;
        auto record = [&](std::string name) {
            return [&, name](JobContext&) -> Result<JobOutcome> {
                std::this_thread::sleep_for(20ms);
                std::lock_guard lock(m);
                order.push_back(name);
                return JobOutcome{};
            };
        };
        JobRunner r({job("compare", {"inject1", "inject2"}, record("compare")),
                     job("inject1", {"rank"}, record("inject1")),
                     job("inject2", {"rank"}, record("inject2")),
                     job("rank", {"train"}, record("rank")), job("train", {}, record("train"))},
                    {.threads = 2});
        const RunSummary s = r.run();
        QCOMPARE(s.done, std::size_t(5));
        QVERIFY(s.complete());
        QCOMPARE(order.front(), std::string("train"));
        QCOMPARE(order[1], std::string("rank"));
        QCOMPARE(order.back(), std::string("compare"));
    }

    void aFailureFailsOnlyItsDependents() {
        JobRunner r({job("train", {}, ok()),
                     job("rank-bad", {"train"},
                         [](JobContext&) -> Result<JobOutcome> {
                             return Error::data("model.json is invalid");
                         }),
                     job("inject-bad", {"rank-bad"}, ok()),
                     job("compare", {"inject-bad", "inject-good"}, ok()),
                     job("rank-good", {"train"}, ok()), job("inject-good", {"rank-good"}, ok()),
                     job("throws", {}, [](JobContext&) -> Result<JobOutcome> {
                         throw std::runtime_error("vector::at");
                     })});
        const RunSummary s = r.run();
        auto st = statuses(r);
        QCOMPARE(st["rank-bad"], JobStatus::Failed);
        QCOMPARE(st["inject-bad"], JobStatus::Skipped);
        QCOMPARE(st["compare"], JobStatus::Skipped);
        QCOMPARE(st["inject-good"], JobStatus::Done);
        QCOMPARE(st["throws"], JobStatus::Failed);
        QCOMPARE(s.failed, std::size_t(2));
        QCOMPARE(s.skipped, std::size_t(2));
        for (const JobState& j : r.states()) {
            if (j.id == "throws") QCOMPARE(j.error, std::string("internal error: vector::at"));
            if (j.id == "inject-bad") QCOMPARE(j.error, std::string("dependency rank-bad failed"));
            if (j.id == "compare") QCOMPARE(j.error, std::string("dependency inject-bad skipped"));
        }
    }

    void cancelOneJob() {
        std::atomic<int> started = 0;
        JobRunner r({job("long", {}, untilStopped(&started)), job("after-long", {"long"}, ok()),
                     job("other", {}, ok())},
                    {.threads = 2});
        std::jthread canceller([&] {
            while (started == 0)
                std::this_thread::sleep_for(5ms);
            r.cancel("long");
        });
        const RunSummary s = r.run();
        auto st = statuses(r);
        QCOMPARE(st["long"], JobStatus::Cancelled);
        QCOMPARE(st["after-long"], JobStatus::Skipped);
        QCOMPARE(st["other"], JobStatus::Done);
        QCOMPARE(s.cancelled, std::size_t(1));
    }

    void cancelAllJobs() {
        std::atomic<int> started = 0;
        std::vector<JobSpec> jobs;
        for (int i = 0; i < 6; ++i)
            jobs.push_back(job("j" + std::to_string(i), {}, untilStopped(&started)));
        jobs.push_back(job("last", {"j0"}, ok()));
        JobRunner r(std::move(jobs), {.threads = 2, .maxConcurrentJobs = 2});
        std::stop_source stop;
        std::jthread canceller([&] {
            while (started < 2)
                std::this_thread::sleep_for(5ms);
            stop.request_stop();
        });
        const RunSummary s = r.run(stop.get_token());
        QCOMPARE(started.load(), 2); // the pending ones never started
        QCOMPARE(s.cancelled, std::size_t(7)); // the pending dependent is cancelled, not skipped
        QCOMPARE(s.done, std::size_t(0));
    }

    // Concurrent jobs share the budget: their threads never add up to more than it.
    void threadBudgetIsShared() {
        std::atomic<int> inUse = 0, peak = 0, concurrent = 0, peakJobs = 0;
        std::vector<JobSpec> jobs;
        for (int i = 0; i < 8; ++i)
            jobs.push_back(
                job("j" + std::to_string(i), {}, [&](JobContext& c) -> Result<JobOutcome> {
                    const int now = inUse += c.threads, jobsNow = ++concurrent;
                    peak = std::max(peak.load(), now);
                    peakJobs = std::max(peakJobs.load(), jobsNow);
                    std::this_thread::sleep_for(30ms);
                    inUse -= c.threads;
                    --concurrent;
                    return JobOutcome{};
                }));
        JobRunner r(std::move(jobs), {.threads = 2, .maxConcurrentJobs = 4});
        QCOMPARE(r.threadBudget(), std::min(2, hardwareConcurrency()));
        QVERIFY(r.run().complete());
        QVERIFY(peak <= r.threadBudget());
        QVERIFY(peakJobs >= 1);
    }

    void subscribersSeeStatesResultsAndCoalescedProgress() {
        JobRunner r({job("sweep", {}, [](JobContext& c) -> Result<JobOutcome> {
            for (int b = 0; b < 5; ++b) {
                SweepRowsProduced rows;
                rows.batch = std::uint64_t(b);
                rows.rows.push_back({0.1, 0.01, b, 3, 0.01, 1.0, {0.5}, 0.1});
                c.publish(rows);
                for (int k = 0; k < 2000; ++k)
                    c.progress->progress({"inject", k, 2000, ""});
            }
            return JobOutcome{.reusedFiles = false};
        })});
        auto q = r.subscribe();
        QVERIFY(r.run().complete());
        const auto events = q->drain();
        std::vector<std::uint64_t> batches;
        int progress = 0;
        for (const JobEvent& e : events) {
            QCOMPARE(e.jobId, std::string("sweep"));
            if (auto* rows = std::get_if<SweepRowsProduced>(&e.data))
                batches.push_back(rows->batch);
            progress += std::holds_alternative<JobProgress>(e.data);
        }
        QCOMPARE(batches, (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
        QVERIFY2(progress <= 1, qPrintable(QString::number(progress))); // coalesced
        QVERIFY(std::holds_alternative<JobStateChanged>(events.front().data));
        const auto& last = std::get<JobStateChanged>(events.back().data);
        QCOMPARE(last.status, JobStatus::Done);
    }

    // A subscriber that stops draining is told to resync, never given a silent gap, and never
    // blocks the job.
    void slowSubscriberGetsAResync() {
        EventQueue q(16);
        for (std::uint64_t b = 0; b < 100; ++b)
            q.push({"sweep", SweepRowsProduced{b, {}, {}}});
        q.push({"sweep", JobStateChanged{JobStatus::Done}});
        const auto events = q.drain();
        QVERIFY(q.droppedEvents() > 0);
        bool resync = false;
        std::uint64_t next = 0;
        for (const JobEvent& e : events) {
            if (std::holds_alternative<JobResync>(e.data)) resync = true;
            if (auto* rows = std::get_if<SweepRowsProduced>(&e.data)) {
                QVERIFY(!resync);              // nothing after the resync but newer events
                QCOMPARE(rows->batch, next++); // no gap before it
            }
        }
        QVERIFY(resync);
        QVERIFY(std::holds_alternative<JobStateChanged>(events.back().data));
        q.push({"sweep", SweepRowsProduced{100, {}, {}}}); // after the drain: delivered again
        QCOMPARE(q.drain().size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
