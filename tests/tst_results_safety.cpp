// results.csv under concurrency and changed data (issue 11, items 5 and 6): writers of one
// results file exclude each other with a flock the kernel releases when the holder dies, and a
// refused writer names the holder's PID; reading drops identical duplicate rows with a warning
// and refuses conflicting ones; two inject processes on one ranking end with every row of both
// or a clear refusal of one, never with duplicates; rows computed on other evaluation data are
// another experiment's and never reused for this data.
#include "cli_runner.h"
#include "test_support.h"

#include <QProcess>
#include <csignal>
#include <nlohmann/json.hpp>
#include <set>
#include <unistd.h>

#include "engine/core/file_io.h"
#include "engine/core/file_lock.h"
#include "engine/data/dataset.h"
#include "engine/inject/results_store.h"

using namespace netsurf;

namespace {

const QStringList kModel{"--benchmark", "autompg", "--quant", "q<6,2,1>", "--pruning", "0.125"};

SweepResults identity() {
    SweepResults r;
    r.rankingId = "abc";
    r.method = "random";
    r.order = "plane";
    r.population = "all";
    r.benchmark = "autompg";
    r.quantization = "q<6,2,1>";
    r.evalSplit = "test";
    r.modelChecksum = "sum";
    r.evalDataChecksum = "data";
    r.metricNames = {"mae"};
    r.cleanMetrics = {1.0};
    return r;
}

SweepRow row(double p, double ber, int rep, double loss) {
    return {p, ber, rep, 3, ber, loss, {loss / 2}, 0.1};
}

// (protection, BER, rep) of every data line of a results file, duplicates included.
std::vector<std::tuple<std::string, std::string, std::string>> rawKeys(const QString& path) {
    std::vector<std::tuple<std::string, std::string, std::string>> keys;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return keys;
    f.readLine(); // header
    f.readLine(); // columns
    while (!f.atEnd()) {
        const QStringList c = QString::fromUtf8(f.readLine()).split(',');
        if (c.size() > 3)
            keys.emplace_back(c[0].toStdString(), c[1].toStdString(), c[2].toStdString());
    }
    return keys;
}

} // namespace

class TestResultsSafety : public QObject {
    Q_OBJECT
    QTemporaryDir m_ws; // autompg trained for 2 epochs
    bool m_haveModel = false;

    void requireModel() {
        if (!m_haveModel) QSKIP("Auto-MPG is not installed here");
    }
    test::Run inject(const QStringList& extra, const char* method = "random") {
        return test::cli(QStringList{"inject", "--method", method, "--quiet", "--json"} + extra +
                             kModel,
                         m_ws.path());
    }

private slots:
    void initTestCase() {
        const test::Run r =
            test::cli(QStringList{"train", "--epochs", "2", "--quiet"} + kModel, m_ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) return;
        QVERIFY2(r.code == 0, qPrintable(r.err));
        m_haveModel = true;
    }

    void lockExcludesAndNamesTheHolder() {
        QTemporaryDir dir;
        const auto file = test::tempPath(dir, "results.csv.lock");
        auto first = FileLock::acquire(file, "results.csv");
        QVERIFY(first.ok());
        auto second = FileLock::acquire(file, "results.csv"); // another open file description
        QVERIFY(!second.ok());
        const std::string who = "process " + std::to_string(::getpid()) + " on host " + hostName();
        QVERIFY2(second.error().message.find("results.csv is in use by " + who) == 0,
                 second.error().message.c_str());
        first = FileLock::acquire(test::tempPath(dir, "other.lock"), "other"); // releases
        QVERIFY(FileLock::acquire(file, "results.csv").ok());
    }

    // flock(1) holds the same kind of lock; killed with SIGKILL, the kernel releases it.
    void killedHolderReleasesTheLock() {
        QTemporaryDir dir;
        const auto file = test::tempPath(dir, "results.csv.lock");
        QProcess holder;
        holder.start("flock", {"-o", QString::fromStdString(file.string()), "sleep", "60"});
        if (!holder.waitForStarted()) QSKIP("flock(1) is not installed");
        QTRY_VERIFY_WITH_TIMEOUT(!FileLock::acquire(file, "results.csv").ok(), 10000);
        ::kill(pid_t(holder.processId()), SIGKILL);
        holder.waitForFinished();
        QVERIFY(FileLock::acquire(file, "results.csv").ok());
    }

    void duplicateRowsOnRead() {
        QTemporaryDir dir;
        const auto path = test::tempPath(dir, "results.csv");
        SweepResults r = identity();
        r.rows = {row(0.1, 0.01, 0, 2.0), row(0.1, 0.01, 1, 2.5), row(0.1, 0.01, 0, 2.0),
                  row(0.1, 0.01, 1, 2.5), row(0.2, 0.01, 0, 1.0)};
        QVERIFY(writeResultsFile(path, r, 1).ok());
        std::vector<std::string> warnings;
        auto read = loadResultsFile(path, &warnings);
        QVERIFY(read.ok());
        QCOMPARE(read->rows.size(), std::size_t(3));
        QCOMPARE(warnings.size(), std::size_t(1));
        QVERIFY2(warnings[0].find("2 duplicate rows dropped") != std::string::npos,
                 warnings[0].c_str());
        r.rows.push_back(row(0.2, 0.01, 0, 1.5)); // the same key with another loss
        QVERIFY(writeResultsFile(path, r, 1).ok());
        auto bad = loadResultsFile(path);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message == path.string() +
                                            " holds two different rows for protection 0.2, BER "
                                            "0.01, rep 0; refusing to guess which is right "
                                            "(recompute the experiment with inject --rerun)",
                 bad.error().message.c_str());
    }

    // While another process writes a results file, inject refuses with the holder's PID.
    void injectRefusesWhileTheFileIsInUse() {
        requireModel();
        const QStringList grid{"--ber", "0.1", "--protection", "0.1"};
        test::Run r = inject(grid);
        QCOMPARE(r.code, 0);
        const std::string results = nlohmann::json::parse(r.out.toStdString())["results_path"];
        auto held = FileLock::acquire(results + ".lock", results);
        QVERIFY(held.ok());
        r = inject(grid);
        QCOMPARE(r.code, 1);
        QVERIFY2(test::errorLine(r).startsWith(QString::fromStdString(
                     results + " is in use by process " + std::to_string(::getpid()))),
                 qPrintable(r.err));
    }

    // The audit's case: two injects of one ranking at once. Each finishes or is refused; the
    // file then holds every row of each run that finished, and no key twice.
    void twoInjectsAtOnce() {
        requireModel();
        const QStringList a{"--ber", "0.001,0.01", "--protection", "0,0.2"};
        const QStringList b{"--ber", "0.2", "--protection", "0.5"};
        QProcess pa, pb;
        test::startCli(pa, QStringList{"inject", "--method", "qpolargrad", "--quiet"} + a + kModel,
                       m_ws.path());
        test::startCli(pb, QStringList{"inject", "--method", "qpolargrad", "--quiet"} + b + kModel,
                       m_ws.path());
        const test::Run ra = test::finishCli(pa), rb = test::finishCli(pb);
        for (const test::Run* r : {&ra, &rb})
            QVERIFY2(r->code == 0 || (r->code == 1 && test::errorLine(*r).contains("is in use by")),
                     qPrintable(r->err));
        QVERIFY(ra.code == 0 || rb.code == 0);
        // both again, one after the other: everything of both, nothing twice
        QCOMPARE(test::cli(QStringList{"inject", "--method", "qpolargrad", "--quiet"} + a + kModel,
                           m_ws.path())
                     .code,
                 0);
        const test::Run last = test::cli(
            QStringList{"inject", "--method", "qpolargrad", "--quiet", "--json"} + b + kModel,
            m_ws.path());
        QCOMPARE(last.code, 0);
        const auto json = nlohmann::json::parse(last.out.toStdString());
        const auto keys = rawKeys(QString::fromStdString(json["results_path"]));
        QCOMPARE(std::set(keys.begin(), keys.end()).size(), keys.size());
        QVERIFY(json["rows_reused"].get<int>() > 0);
        std::set<std::pair<double, double>> points;
        for (const auto& p : json["points"])
            points.emplace(p["protection"], p["ber"]);
        for (auto pt : {std::pair{0.5, 0.2}, {0.0, 0.001}, {0.2, 0.01}, {0.0, 0.01}})
            QVERIFY(points.count(pt));
    }

    // Editing the evaluation data makes another experiment (the data checksum is part of the
    // identity): its rows are computed anew in a directory of its own, the rows computed on the
    // old data stay as they are and are reused on that data.
    void changedEvaluationDataIsAnotherExperiment() {
        requireModel();
        const QStringList grid{"--ber",  "0.05",       "--protection", "0",
                               "--mode", "montecarlo", "--reps",       "3"};
        const char* method = "weight_abs_value"; // an experiment of its own
        test::Run r = inject(grid, method);
        QCOMPARE(r.code, 0);
        const std::string original = nlohmann::json::parse(r.out.toStdString())["results_path"];
        const std::string before = *readFile(original);
        QTemporaryDir data;
        DatasetOptions o;
        auto cars = readFile(resolveDataDir(o) / "autompg" / "cars.json");
        if (!cars) cars = readFile("/usr/lib/python3/dist-packages/vega_datasets/_data/cars.json");
        QVERIFY(cars.ok());
        auto rows = nlohmann::json::parse(*cars);
        rows[5]["Weight_in_lbs"] = rows[5]["Weight_in_lbs"].get<double>() + 1; // one value
        QVERIFY(atomicWriteFile(test::tempPath(data, "autompg/cars.json"), rows.dump()).ok());
        r = inject(grid + QStringList{"--data-dir", data.path()}, method);
        QCOMPARE(r.code, 0);
        auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["rows_computed"].get<int>(), 3);
        QCOMPARE(j["rows_reused"].get<int>(), 0);
        const std::string edited = j["results_path"];
        QVERIFY(edited != original);
        QCOMPARE(std::filesystem::path(edited).parent_path().parent_path(),
                 std::filesystem::path(original).parent_path().parent_path()); // one ranking
        QCOMPARE(*readFile(original), before);
        r = inject(grid, method);
        j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["rows_reused"].get<int>(), 3);
        QCOMPARE(j["rows_computed"].get<int>(), 0);
        QCOMPARE(std::string(j["results_path"]), original);
    }
};

QTEST_GUILESS_MAIN(TestResultsSafety)
#include "tst_results_safety.moc"
