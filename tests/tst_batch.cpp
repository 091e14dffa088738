// netsurf-cli batch and jobs end to end: a small config (2 benchmarks, 2 methods, 3 epochs)
// completes; kill -9 in the middle, then the same command again, gives exactly the results of
// an uninterrupted run; a second batch on the workspace is refused; bad configs are one-line
// usage errors; the job database lists the jobs, refuses a newer schema, reports damage with
// the rebuild hint and is rebuilt from the files.
#include "cli_runner.h"
#include "test_support.h"

#include <QDirIterator>
#include <csignal>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <thread>

#include "engine/core/file_io.h"
#include "engine/inject/results_store.h"
#include "engine/runner/batch_config.h"
#include "engine/runner/batch_jobs.h"
#include "engine/runner/batch_session.h"
#include "engine/runner/job_database.h"

using namespace netsurf;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Two benchmarks, two methods, 3 epochs; the exhaustive sweep keeps it busy for a few seconds.
const char* kConfig = R"({"benchmarks": ["autompg", "smartpixel_small"],
  "quantizations": ["q<6,2,1>"], "prunings": [0.125], "methods": ["qpolargrad", "random"],
  "epochs": 3, "ber": [0.001, 0.01, 0.1], "protection": [0, 0.1, 0.3]})";

QString writeConfig(const QTemporaryDir& dir, const std::string& text) {
    const fs::path p = test::tempPath(dir, "sweep.json");
    if (!atomicWriteFile(p, text)) qFatal("cannot write the config");
    return QString::fromStdString(p.string());
}

// Every results.csv below the workspace: model directory + method and order → its data lines,
// sorted. (Not the path: a ranking's id includes the model file's checksum, and model.json
// records when it was trained.)
std::map<QString, QStringList> results(const QString& ws) {
    std::map<QString, QStringList> out;
    QDirIterator it(ws, {"results.csv"}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) continue;
        QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        const json header = json::parse(lines.front().mid(2).toStdString(), nullptr, false);
        lines.removeFirst(); // the header (dates, threads)
        lines.sort();
        const QString model = QDir(ws).relativeFilePath(path).section('/', 0, 2);
        out[model + "/" +
            QString::fromStdString(header.value("method", "") + "-" + header.value("order", ""))] =
            lines;
    }
    return out;
}

test::Run batch(const QString& config, const QString& ws, const QStringList& extra = {}) {
    return test::cli(QStringList{"batch", "--config", config, "--workspace", ws, "--quiet"} +
                     extra);
}

bool haveData(const test::Run& r) {
    return !(r.code == 1 && r.err.contains("cars.json"));
}

} // namespace

class TestBatch : public QObject {
    Q_OBJECT
private slots:
    void configParsing_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("message"); // empty: accepted
        QTest::newRow("seed sweep") << "{}"
                                    << "";
        QTest::newRow("unknown key")
            << R"({"benchmark": ["autompg"]})"
            << "sweep.json: unknown key 'benchmark' (expected benchmarks, ";
        QTest::newRow("unknown method") << R"({"methods": ["qpolar", "gradient"]})"
                                        << "sweep.json: unknown ranking method 'gradient'";
        QTest::newRow("unknown benchmark") << R"({"benchmarks": ["cifar"]})"
                                           << "sweep.json: unknown benchmark 'cifar'";
        QTest::newRow("bad scheme") << R"({"quantizations": ["q<30,2,1>"]})"
                                    << "q<30,2,1>";
        QTest::newRow("empty list") << R"({"ber": []})"
                                    << "sweep.json: \"ber\" must be a non-empty list";
        QTest::newRow("string number") << R"({"prunings": ["0.5"]})"
                                       << "sweep.json: \"prunings\" must hold numbers";
        QTest::newRow("repeated") << R"({"ber": [0.1, 0.1]})"
                                  << "\"ber\" lists '0.1' twice";
        QTest::newRow("out of range") << R"({"protection": [1.5]})"
                                      << "protection 1.5";
        QTest::newRow("not json") << R"({"ber": [0.1,)"
                                  << "sweep.json is not a JSON object";
        QTest::newRow("epochs") << R"({"epochs": 0})"
                                << "\"epochs\" must be an integer";
        QTest::newRow("profile off") << R"({"profile": false})"
                                     << "";
        QTest::newRow("profile samples") << R"({"profile": {"samples": 500}})"
                                         << "";
        QTest::newRow("profile number")
            << R"({"profile": 500})"
            << "sweep.json: \"profile\" must be true, false or {\"samples\": N}, found '500'";
        QTest::newRow("profile samples 0")
            << R"({"profile": {"samples": 0}})"
            << "sweep.json: \"profile.samples\" must be an integer between 1 and 100000000, found '0'";
        QTest::newRow("profile unknown key")
            << R"({"profile": {"rows": 5}})"
            << "sweep.json: unknown key 'rows' in \"profile\" (expected samples)";
    }
    void configParsing() {
        QFETCH(QString, config);
        QFETCH(QString, message);
        auto c = parseBatchConfig(config.toStdString(), "sweep.json");
        if (message.isEmpty()) {
            QVERIFY(c.ok());
            QCOMPARE(c->benchmarks.size(), std::size_t(4));
            QCOMPARE(c->quantizations.size(), std::size_t(4));
            QCOMPARE(c->methods.size(), std::size_t(10));
            QCOMPARE(c->sweep.bers.size() * c->sweep.protections.size(), std::size_t(54));
            return;
        }
        QVERIFY(!c.ok());
        QCOMPARE(c.error().kind, ErrorKind::Usage);
        QVERIFY2(QString::fromStdString(c.error().message).contains(message),
                 c.error().message.c_str());
    }

    // One profile job per model, right after its train job and depending on it only; the config
    // sets its rows or turns profiles off; the config JSON round-trips.
    void profileJobPerModel() {
        auto c = parseBatchConfig(kConfig, "sweep.json");
        QVERIFY(c.ok());
        const std::vector<JobSpec> jobs = buildBatchJobs(*c, {.workspace = "/tmp/ws"});
        std::size_t trains = 0, profiles = 0;
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            if (jobs[i].kind == JobKind::Train) ++trains;
            if (jobs[i].kind != JobKind::Profile) continue;
            ++profiles;
            QVERIFY(i > 0 && jobs[i - 1].kind == JobKind::Train);
            QCOMPARE(jobs[i].dependsOn, std::vector<std::string>{jobs[i - 1].id});
            QCOMPARE("profile:" + jobs[i - 1].id.substr(6), jobs[i].id);
            QCOMPARE(jobs[i].params["samples"].get<std::size_t>(), std::size_t(0));
            QVERIFY(jobs[i].estimatedSeconds > 0);
        }
        QCOMPARE(trains, std::size_t(2));
        QCOMPARE(profiles, trains);
        QCOMPARE(jobs[1].id, std::string("profile:autompg/q6_2_1/prune_0.125"));
        for (const JobSpec& s : jobs) // nothing else waits for the profile
            for (const std::string& d : s.dependsOn)
                QVERIFY(d.rfind("profile:", 0) != 0);
        // mnist_fnn on its 7 200 training rows: 2.4 s measured
        QVERIFY(estimateProfileSeconds("mnist_fnn", 0) > 1.2 &&
                estimateProfileSeconds("mnist_fnn", 0) < 5);

        json off = json::parse(kConfig);
        off["profile"] = false;
        c = parseBatchConfig(off.dump(), "sweep.json");
        QVERIFY(c.ok() && !c->profile);
        QCOMPARE(buildBatchJobs(*c, {.workspace = "/tmp/ws"}).size(), std::size_t(12));
        QCOMPARE(batchConfigJson(*c)["profile"], json(false));
        off["profile"] = {{"samples", 40}};
        c = parseBatchConfig(off.dump(), "sweep.json");
        QVERIFY(c.ok() && c->profile);
        QCOMPARE(c->profileSamples, std::size_t(40));
        QCOMPARE(buildBatchJobs(*c, {.workspace = "/tmp/ws"})[1].params["samples"], json(40));
        const auto again = parseBatchConfig(batchConfigJson(*c).dump(), "db");
        QVERIFY(again.ok());
        QCOMPARE(again->profileSamples, std::size_t(40));
    }

    void badConfigIsAOneLineUsageError() {
        QTemporaryDir dir;
        const test::Run r = batch(writeConfig(dir, R"({"methods": ["nope"]})"), dir.path());
        QCOMPARE(r.code, 2);
        QVERIFY2(test::errorLine(r).contains("unknown ranking method 'nope'"), qPrintable(r.err));
        QVERIFY(!fs::exists(test::tempPath(dir, "netsurf-jobs.sqlite")));
    }

    void dryRunListsTheJobs() {
        QTemporaryDir dir;
        const test::Run r = batch(writeConfig(dir, kConfig), dir.path(), {"--dry-run", "--json"});
        QCOMPARE(r.code, 0);
        const json j = json::parse(r.out.toStdString());
        // per model: train, profile, 2×(rank, inject), compare
        QCOMPARE(j["jobs"].size(), std::size_t(14));
        QVERIFY(j["estimated_seconds"].get<double>() > 0);
        QCOMPARE(j["jobs"][0]["id"].get<std::string>(),
                 std::string("train:autompg/q6_2_1/prune_0.125"));
        QCOMPARE(j["jobs"][0]["present"].get<std::string>(), std::string("missing"));
    }

    // The acceptance: kill -9 in the middle, then the same command: the rows of an
    // uninterrupted run, nothing lost or duplicated; a second batch meanwhile is refused.
    void killedBatchResumesToTheSameRows() {
        QTemporaryDir dir;
        const QString config = writeConfig(dir, kConfig);
        const QString once = dir.path() + "/once", twice = dir.path() + "/twice";
        test::Run r = batch(config, once);
        if (!haveData(r)) QSKIP("Auto-MPG is not installed here");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto expected = results(once);
        QCOMPARE(expected.size(), std::size_t(4));

        QProcess p;
        test::startCli(p, {"batch", "--config", config, "--workspace", twice, "--quiet"});
        QVERIFY(p.waitForStarted());
        // wait until a sweep has appended rows, then kill -9 while it runs
        QTRY_VERIFY_WITH_TIMEOUT(
            !results(twice).empty() && !results(twice).begin()->second.isEmpty(), 60000);
        const qint64 pid = p.processId();
        const test::Run second = batch(config, twice);
        ::kill(pid_t(pid), SIGKILL);
        p.waitForFinished();
        QCOMPARE(second.code, 1);
        QVERIFY2(test::errorLine(second).contains("(a batch run) is in use by process " +
                                                  QString::number(pid)),
                 qPrintable(second.err));
        QVERIFY(results(twice) != expected); // really interrupted

        r = batch(config, twice);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(results(twice) == expected);
        r = test::cli({"jobs", "--workspace", twice, "--json"});
        QCOMPARE(r.code, 0);
        const json jobs = json::parse(r.out.toStdString());
        QCOMPARE(jobs["jobs"].size(), std::size_t(14));
        for (const json& j : jobs["jobs"])
            QCOMPARE(j["status"].get<std::string>(), std::string("done"));
        QCOMPARE(jobs["batch"]["status"].get<std::string>(), std::string("done"));
    }

    // The HTML report of every (scheme, pruning) group is written as the group ends (listed in
    // the summary), covering the group's benchmarks; --no-report leaves it out.
    void batchWritesTheReportOfEachGroup() {
        QTemporaryDir dir;
        const QString config = writeConfig(dir, R"({"benchmarks": ["autompg"],
            "quantizations": ["q<6,2,1>"], "prunings": [0, 0.125], "methods": ["random"],
            "epochs": 2, "ber": [0.01, 0.1], "protection": [0, 0.2]})");
        const QString ws = dir.path() + "/ws";
        test::Run r = batch(config, ws, {"--json"});
        if (!haveData(r)) QSKIP("Auto-MPG is not installed here");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const json summary = json::parse(r.out.toStdString());
        QCOMPARE(summary["reports"].size(), std::size_t(2));
        for (const char* name : {"q6_2_1_prune_0.html", "q6_2_1_prune_0.125.html"}) {
            const QString path = ws + "/reports/" + name;
            QVERIFY2(QFile::exists(path), qPrintable(path));
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString html = QString::fromUtf8(f.readAll());
            QVERIFY(html.contains("<section class=\"tab\" id=\"injection\">"));
            QVERIFY(html.contains("data-figure=\"ranker-ber\" data-benchmark=\"autompg\" "
                                  "data-ranker=\"random-global\""));
        }
        const QString other = dir.path() + "/other";
        r = batch(config, other, {"--json", "--no-report"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(json::parse(r.out.toStdString())["reports"].size(), std::size_t(0));
        QVERIFY(!QDir(other + "/reports").exists());
    }

    // What a subscriber receives is exactly what ends up in the files: every epoch, every
    // ranking, and the sweep rows batch by batch (numbered without gaps) equal to results.csv.
    void eventsCarryExactlyTheFileRows() {
        QTemporaryDir dir;
        auto c = parseBatchConfig(R"({"benchmarks": ["autompg"], "quantizations": ["q<6,2,1>"],
            "prunings": [0], "methods": ["qpolargrad", "random"], "epochs": 3,
            "ber": [0.01, 0.1], "protection": [0, 0.2]})",
                                  "config");
        QVERIFY(c.ok());
        const BatchJobsOptions options{.workspace = dir.path().toStdString()};
        std::map<std::string, std::vector<SweepRow>> produced;
        int epochs = 0, rankings = 0;
        {
            JobRunner runner(buildBatchJobs(*c, options), {.threads = 2});
            auto q = runner.subscribe(1000000);
            const RunSummary s = runner.run();
            if (s.failed && runner.states().front().error.find("cars.json") != std::string::npos)
                QSKIP("Auto-MPG is not installed here");
            QVERIFY(s.complete());
            std::map<std::string, std::uint64_t> next;
            for (const JobEvent& e : q->drain()) {
                epochs += std::holds_alternative<EpochFinished>(e.data);
                rankings += std::holds_alternative<RankingFinished>(e.data);
                QVERIFY(!std::holds_alternative<JobResync>(e.data));
                if (const auto* r = std::get_if<SweepRowsProduced>(&e.data)) {
                    QCOMPARE(r->batch, next[e.jobId]++);
                    auto& rows = produced[e.jobId];
                    rows.insert(rows.end(), r->rows.begin(), r->rows.end());
                }
            }
        }
        QCOMPARE(epochs, 3);
        QCOMPARE(rankings, 2);
        QCOMPARE(produced.size(), std::size_t(2));
        const fs::path modelDir = test::tempPath(dir, "autompg/q6_2_1/prune_0");
        for (const fs::path& file : findResultsFiles(modelDir)) {
            auto r = loadResultsFile(file);
            QVERIFY(r.ok());
            const auto it = std::find_if(produced.begin(), produced.end(), [&](const auto& p) {
                return p.first.find("/" + r->method + "-") != std::string::npos;
            });
            QVERIFY(it != produced.end());
            std::vector<SweepRow> rows = it->second;
            sortRows(rows);
            QCOMPARE(rows.size(), r->rows.size());
            for (std::size_t i = 0; i < rows.size(); ++i) {
                QCOMPARE(rows[i].protection, r->rows[i].protection);
                QCOMPARE(rows[i].ber, r->rows[i].ber);
                QCOMPARE(rows[i].rep, r->rows[i].rep);
                QCOMPARE(rows[i].loss, r->rows[i].loss);
                QVERIFY(rows[i].metrics == r->rows[i].metrics);
            }
        }
        // again: everything reused, no rows produced
        JobRunner again(buildBatchJobs(*c, options), {.threads = 2});
        auto q = again.subscribe();
        QVERIFY(again.run().complete());
        for (const JobEvent& e : q->drain())
            QVERIFY(!std::holds_alternative<SweepRowsProduced>(e.data));
    }

    // The profile job writes both files for the model; run again it reuses them (untouched);
    // after the model changed it computes them anew; dry run and rebuild see them done.
    void profileJobWritesReusesAndRecomputes() {
        QTemporaryDir dir;
        auto c = parseBatchConfig(R"({"benchmarks": ["autompg"], "quantizations": ["q<6,2,1>"],
            "prunings": [0], "methods": ["random"], "epochs": 2, "profile": {"samples": 60}})",
                                  "config");
        QVERIFY(c.ok());
        const BatchJobsOptions options{.workspace = dir.path().toStdString()};
        const auto modelJobs = [&] { // train and profile only
            std::vector<JobSpec> jobs = buildBatchJobs(*c, options);
            std::erase_if(jobs, [](const JobSpec& s) {
                return s.kind != JobKind::Train && s.kind != JobKind::Profile;
            });
            return jobs;
        };
        const std::string id = "profile:autompg/q6_2_1/prune_0";
        // runs the graph; whether the profile job found its files, its progress seen
        const auto run = [&](bool* reused, bool* progressed) {
            JobRunner runner(modelJobs(), {.threads = 2});
            auto q = runner.subscribe(100000);
            const RunSummary s = runner.run();
            if (s.failed && runner.states().front().error.find("cars.json") != std::string::npos)
                return false;
            for (const JobEvent& e : q->drain()) {
                if (e.jobId != id) continue;
                if (const auto* st = std::get_if<JobStateChanged>(&e.data))
                    if (st->status == JobStatus::Done) *reused = st->reusedFiles;
                *progressed |= std::holds_alternative<JobProgress>(e.data);
            }
            return s.complete();
        };
        bool reused = true, progressed = false;
        const bool ran = run(&reused, &progressed);
        if (!ran && !fs::exists(test::tempPath(dir, "autompg/q6_2_1/prune_0/model.json")))
            QSKIP("Auto-MPG is not installed here");
        QVERIFY(ran);
        QVERIFY(!reused && progressed);
        const fs::path modelDir = test::tempPath(dir, "autompg/q6_2_1/prune_0");
        const auto readJson = [](const fs::path& f) { return json::parse(*readFile(f)); };
        json post = readJson(modelDir / "profile_post.json");
        QCOMPARE(readJson(modelDir / "profile_pre.json")["stage"], json("pre"));
        QCOMPARE(post["samples_requested"], json(60));
        QCOMPARE(post["samples"], json(60));
        const auto written = fs::last_write_time(modelDir / "profile_post.json");
        QCOMPARE(planBatch(modelJobs())[1].present, std::string("done"));

        // again: reused, nothing rewritten
        QVERIFY(run(&reused, &progressed) && reused);
        QVERIFY(fs::last_write_time(modelDir / "profile_post.json") == written);

        // another number of rows, or another model.json: computed anew
        c->profileSamples = 50;
        QCOMPARE(planBatch(modelJobs())[1].present, std::string("missing"));
        QVERIFY(run(&reused, &progressed) && !reused);
        QCOMPARE(readJson(modelDir / "profile_post.json")["samples"], json(50));
        const std::string before = post["model_checksum"].get<std::string>();
        QVERIFY(atomicWriteFile(modelDir / "model.json", *readFile(modelDir / "model.json") + "\n"));
        QCOMPARE(planBatch(modelJobs())[1].present, std::string("missing"));
        QVERIFY(run(&reused, &progressed) && !reused);
        post = readJson(modelDir / "profile_post.json");
        QVERIFY(post["model_checksum"].get<std::string>() != before);

        // the job database rebuilt from the files: train and profile done
        auto rebuilt = rebuildJobDatabase(dir.path().toStdString());
        QVERIFY(rebuilt.ok());
        QCOMPARE(*rebuilt, std::size_t(2));
        const test::Run r = test::cli({"jobs", "--workspace", dir.path(), "--json"});
        QCOMPARE(r.code, 0);
        const json jobs = json::parse(r.out.toStdString())["jobs"];
        QCOMPARE(jobs[1]["id"], json(id));
        QCOMPARE(jobs[1]["kind"], json("profile"));
        QCOMPARE(jobs[1]["status"], json("done"));
        QCOMPARE(jobs[1]["depends_on"], json::array({"train:autompg/q6_2_1/prune_0"}));
        // a damaged profile file is not a done job
        QVERIFY(atomicWriteFile(modelDir / "profile_pre.json", "{\"stage\": \"pre\"}"));
        rebuilt = rebuildJobDatabase(dir.path().toStdString());
        QVERIFY(rebuilt.ok());
        QCOMPARE(*rebuilt, std::size_t(1));
    }

    void jobDatabaseSchemaDamageAndRebuild() {
        QTemporaryDir dir;
        const QString config = writeConfig(dir, R"({"benchmarks": ["autompg"],
            "quantizations": ["q<6,2,1>"], "prunings": [0], "methods": ["random"], "epochs": 2,
            "ber": [0.1], "protection": [0], "mode": "montecarlo", "reps": 2})");
        test::Run r = batch(config, dir.path());
        if (!haveData(r)) QSKIP("Auto-MPG is not installed here");
        QCOMPARE(r.code, 0);
        const fs::path db = test::tempPath(dir, "netsurf-jobs.sqlite");
        // a newer schema is refused
        sqlite3* h = nullptr;
        QCOMPARE(sqlite3_open(db.c_str(), &h), SQLITE_OK);
        QCOMPARE(sqlite3_exec(h, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(h);
        r = test::cli({"jobs", "--workspace", dir.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(
            test::errorLine(r).contains("was written by a newer NetSurf (job database schema 99"),
            qPrintable(r.err));
        QCOMPARE(batch(config, dir.path()).code, 1);
        // damage is reported with the rebuild hint, never reset silently
        for (const char* s : {"", "-wal", "-shm"})
            fs::remove(db.string() + s);
        QVERIFY(atomicWriteFile(db, std::string(4096, 'x')).ok());
        r = test::cli({"jobs", "--workspace", dir.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(test::errorLine(r).contains("is not a usable job database") &&
                     test::errorLine(r).contains("netsurf-cli jobs --rebuild"),
                 qPrintable(r.err));
        r = test::cli({"jobs", "--workspace", dir.path(), "--rebuild", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(json::parse(r.out.toStdString())["jobs"].get<int>(),
                 5); // train, profile, rank, inject, compare
        r = test::cli({"jobs", "--workspace", dir.path(), "--json"});
        QCOMPARE(r.code, 0);
        const json jobs = json::parse(r.out.toStdString())["jobs"];
        QCOMPARE(jobs.size(), std::size_t(5));
        for (const json& j : jobs)
            QCOMPARE(j["status"].get<std::string>(), std::string("done"));
        QCOMPARE(jobs[1]["id"].get<std::string>(), std::string("profile:autompg/q6_2_1/prune_0"));
        QCOMPARE(jobs[3]["id"].get<std::string>(),
                 std::string("inject:autompg/q6_2_1/prune_0/random-global-s0/montecarlo-test"));
        QCOMPARE(jobs[3]["depends_on"][0].get<std::string>(),
                 std::string("rank:autompg/q6_2_1/prune_0/random-global-s0"));
        QCOMPARE(batch(config, dir.path()).code, 0); // the rebuilt database serves the next batch
    }
};

QTEST_GUILESS_MAIN(TestBatch)
#include "tst_batch.moc"
