// Experiments keyed by what they are (issue 12, item 5): an experiment is (ranking, mode,
// evaluation split and data, seed) and lives in experiments/<ranking id>/<key>/results.csv; its
// BER / protection lists and repetition count are coverage. Extending a BER or protection list
// or growing the Monte-Carlo repetitions computes only the new rows and leaves the old ones
// byte-identical (exhaustive flips are keyed by the BER's value); test- and train-split,
// exhaustive and Monte-Carlo experiments of one ranking live side by side, resume on their own
// and are compared in their own groups; a format-1 file is refused (compare: skipped) with one
// clear sentence; the row observer sees exactly the rows the file gains.
#include "test_support.h"

#include "test_models.h"

#include <set>

#include "engine/compare/compare_job.h"
#include "engine/core/file_io.h"
#include "engine/core/number_format.h"
#include "engine/inject/results_store.h"
#include "engine/inject/sweep_file.h"
#include "engine/jobs/inject_job.h"
#include "engine/rank/rank_context.h"
#include "engine/rank/rank_quality.h"

using namespace netsurf;
namespace fs = std::filesystem;

namespace {

// The data lines of a results file (after the header and the column line), as written.
std::vector<std::string> dataLines(const fs::path& path) {
    const std::string text = *readFile(path);
    std::vector<std::string> lines;
    std::size_t pos = text.find('\n', text.find('\n') + 1) + 1;
    for (std::size_t end; (end = text.find('\n', pos)) != std::string::npos; pos = end + 1)
        lines.push_back(text.substr(pos, end - pos));
    return lines;
}

bool contains(const std::vector<std::string>& all, const std::vector<std::string>& part) {
    const std::set<std::string> set(all.begin(), all.end());
    return std::all_of(part.begin(), part.end(), [&](const auto& l) { return set.count(l) > 0; });
}

// A row as the file writes it (all fields: the observer's rows and the file's must agree).
std::string rowKey(const SweepRow& r) {
    std::string s = shortestDouble(r.protection) + "," + shortestDouble(r.ber) + "," +
                    std::to_string(r.rep) + "," + std::to_string(r.flips) + "," +
                    shortestDouble(r.trueBer) + "," + shortestDouble(r.loss);
    for (double m : r.metrics)
        s += "," + shortestDouble(m);
    return s + "," + shortestDouble(r.mismatchRate);
}

std::set<std::string> rowKeys(const std::vector<SweepRow>& rows) {
    std::set<std::string> out;
    for (const SweepRow& r : rows)
        out.insert(rowKey(r));
    return out;
}

// The tiny model, its grad ranking and sweeps of it into results files (engine level).
struct Tiny : test::RankedTiny {
    static SweepResults identity(const SweepConfig& c) {
        return {.rankingId = "tinygrad",
                .method = "grad",
                .order = "plane",
                .population = "all",
                .mode = c.mode,
                .seed = c.seed,
                .benchmark = "tiny",
                .quantization = "q<6,2,1>",
                .evalSplit = "test",
                .pruning = 0.25,
                .modelChecksum = "sum",
                .evalDataChecksum = "0123456789abcdef",
                .metricNames = {"accuracy"}};
    }
    SweepFileOutcome run(const SweepConfig& c, const fs::path& path) const {
        std::optional<Result<SweepFileOutcome>> r;
        NullProgressSink sink;
        runInArena(2, [&] {
            const FastFaultyEvaluator ev(model, data.testX, data.testY);
            r.emplace(runSweepToFile(ev, ranking, c, identity(c), path, {}, sink, {}));
        });
        if (!r->ok()) qFatal("%s", r->error().message.c_str());
        return std::move(**r);
    }
    // Repetitions of the (protection, BER) points of `c` that are not in `old`.
    std::size_t newRows(const SweepConfig& c, const SweepConfig& old) const {
        const FlipPlanner planner(bitOrder(ranking.rows, ranking.population.bitsPerParam), c);
        std::size_t n = 0;
        for (double p : c.protections)
            for (std::size_t b = 0; b < c.bers.size(); ++b) {
                const auto in = [](const std::vector<double>& v, double x) {
                    return std::find(v.begin(), v.end(), x) != v.end();
                };
                const int have =
                    in(old.protections, p) && in(old.bers, c.bers[b])
                        ? (c.mode == SweepMode::MonteCarlo ? old.reps : planner.repetitions(p, b))
                        : 0;
                n += std::size_t(std::max(0, planner.repetitions(p, b) - have));
            }
        return n;
    }
};

SweepConfig config(SweepMode mode, std::vector<double> bers, std::vector<double> protections,
                   int reps = 4) {
    return {.mode = mode,
            .bers = std::move(bers),
            .protections = std::move(protections),
            .reps = reps,
            .seed = 3};
}

} // namespace

class TestExperiments : public QObject {
    Q_OBJECT
    QTemporaryDir m_ws;
    bool m_haveData = false;
    ModelSelector m_model;
    std::map<std::string, InjectOutcome> m_runs; // "<method> <mode> <split>"

    InjectRequest request(RankMethod method, SweepMode mode, const std::string& split) const {
        return {.model = m_model,
                .method = method,
                .sweep = config(mode, {0.05}, {0, 0.2}, 3),
                .evalSplit = split,
                .threads = 2};
    }
    InjectOutcome inject(const InjectRequest& req) const {
        NullProgressSink sink;
        auto out = runInjectJob(req, sink);
        if (!out) qFatal("%s", out.error().message.c_str());
        return std::move(*out);
    }
    void requireData() const {
        if (!m_haveData) QSKIP("Auto-MPG is not installed here");
    }

private slots:
    void initTestCase();
    void extendingTheGridComputesOnlyTheNewPoints();
    void growingMonteCarloRepsComputesOnlyTheNewReps();
    void experimentsOfOneRankingLiveSideBySide();
    void compareGroupsTheExperimentsOfOneRankingApart();
    void formatOneFileIsRefusedWithOneSentence();
    void rerunReplacesOnlyItsExperiment();
    void observerSeesExactlyTheRowsOfTheFile();
};

// autompg q<6,2,1> trained for 2 epochs; every (method, mode, split) experiment run once.
void TestExperiments::initTestCase() {
    m_model = {"autompg", *QuantScheme::parse("q<6,2,1>"), 0.125, m_ws.path().toStdString()};
    NullProgressSink sink;
    auto trained = runTrainJob({.model = m_model, .epochs = 2, .threads = 2}, sink);
    if (!trained && trained.error().message.find("cars.json") != std::string::npos) return;
    QVERIFY2(trained.ok(), trained.ok() ? "" : trained.error().message.c_str());
    m_haveData = true;
    for (RankMethod m : {RankMethod::Random, RankMethod::WeightAbsValue})
        for (SweepMode mode : {SweepMode::Exhaustive, SweepMode::MonteCarlo})
            for (const char* split : {"test", "train"}) {
                InjectOutcome o = inject(request(m, mode, split));
                QCOMPARE(o.reusedRows, std::size_t(0));
                m_runs[std::string(toString(m)) + " " + toString(mode) + " " + split] =
                    std::move(o);
            }
}

// Adding a BER (before the existing one) and a protection computes only the new points; the
// old rows stay byte-identical, and the grown file equals a fresh run of the larger grid — so
// the 0.1 rows of [0.01, 0.1] are those of [0.1].
void TestExperiments::extendingTheGridComputesOnlyTheNewPoints() {
    const Tiny t;
    QTemporaryDir dir;
    const fs::path grown = test::tempPath(dir, "grown/results.csv"),
                   fresh = test::tempPath(dir, "fresh/results.csv");
    const SweepConfig small = config(SweepMode::Exhaustive, {0.1}, {0, 0.25});
    const SweepConfig big = config(SweepMode::Exhaustive, {0.01, 0.1}, {0, 0.1, 0.25});
    const SweepFileOutcome first = t.run(small, grown);
    const std::vector<std::string> before = dataLines(grown);
    QCOMPARE(first.computedRows, before.size());
    const SweepFileOutcome second = t.run(big, grown);
    QCOMPARE(second.reusedRows, before.size());
    QCOMPARE(second.computedRows, t.newRows(big, small));
    QVERIFY(second.computedRows > 0);
    const std::vector<std::string> after = dataLines(grown);
    QCOMPARE(after.size(), before.size() + second.computedRows);
    QVERIFY(contains(after, before));
    t.run(big, fresh);
    QCOMPARE(dataLines(fresh), after);
    // the same lists again: nothing to compute
    QCOMPARE(t.run(big, grown).computedRows, std::size_t(0));
}

// K → K' computes K' − K repetitions per point; K' < K computes nothing and drops nothing.
void TestExperiments::growingMonteCarloRepsComputesOnlyTheNewReps() {
    const Tiny t;
    QTemporaryDir dir;
    const fs::path grown = test::tempPath(dir, "grown/results.csv"),
                   fresh = test::tempPath(dir, "fresh/results.csv");
    const SweepConfig few = config(SweepMode::MonteCarlo, {0.05, 0.2}, {0, 0.25}, 3);
    SweepConfig many = few;
    many.reps = 8;
    t.run(few, grown);
    const std::vector<std::string> before = dataLines(grown);
    QCOMPARE(before.size(), std::size_t(2 * 2 * 3));
    const SweepFileOutcome out = t.run(many, grown);
    QCOMPARE(out.computedRows, std::size_t(2 * 2 * 5));
    QCOMPARE(out.computedRows, t.newRows(many, few));
    QVERIFY(contains(dataLines(grown), before));
    t.run(many, fresh);
    QCOMPARE(dataLines(fresh), dataLines(grown));
    SweepConfig fewer = few;
    fewer.reps = 2;
    const SweepFileOutcome again = t.run(fewer, grown);
    QCOMPARE(again.computedRows, std::size_t(0));
    QCOMPARE(dataLines(grown), dataLines(fresh));
}

// Four experiments of one ranking: four files under experiments/<ranking id>/, named by their
// identity; each resumes on its own (nothing recomputed).
void TestExperiments::experimentsOfOneRankingLiveSideBySide() {
    requireData();
    std::set<fs::path> files;
    const fs::path modelDir = modelPathFor(m_model).parent_path();
    for (const auto& [name, o] : m_runs) {
        const SweepResults& r = o.results;
        const std::string key = std::string(toString(r.mode)) + "-" + r.evalSplit + "-seed3-" +
                                r.evalDataChecksum.substr(0, 12);
        QCOMPARE(o.experimentKey, key);
        QCOMPARE(o.resultsPath, modelDir / "experiments" / r.rankingId / key / "results.csv");
        files.insert(o.resultsPath);
        QVERIFY(!o.results.rows.empty());
    }
    QCOMPARE(files.size(), std::size_t(8)); // 2 rankings × 4 experiments
    for (RankMethod m : {RankMethod::Random, RankMethod::WeightAbsValue})
        for (SweepMode mode : {SweepMode::Exhaustive, SweepMode::MonteCarlo})
            for (const char* split : {"test", "train"}) {
                const InjectOutcome& first =
                    m_runs.at(std::string(toString(m)) + " " + toString(mode) + " " + split);
                const InjectOutcome again = inject(request(m, mode, split));
                QCOMPARE(again.resultsPath, first.resultsPath);
                QCOMPARE(again.computedRows, std::size_t(0));
                QCOMPARE(again.reusedRows, first.results.rows.size());
            }
}

// compare: one group per (split, mode), each with both rankings, never mixed.
void TestExperiments::compareGroupsTheExperimentsOfOneRankingApart() {
    requireData();
    NullProgressSink sink;
    auto out = runCompareJob({.model = m_model, .baseline = "random", .threads = 2}, sink);
    QVERIFY2(out.ok(), out.ok() ? "" : out.error().message.c_str());
    QCOMPARE(out->groups.size(), std::size_t(4));
    std::set<std::pair<std::string, SweepMode>> keys;
    for (const GroupComparison& g : out->groups) {
        keys.emplace(g.key.evalSplit, g.key.mode);
        QCOMPARE(g.rankers.size(), std::size_t(2));
        for (const RankerComparison& r : g.rankers) {
            const std::string dir = r.path.parent_path().filename().string();
            QVERIFY2(
                dir.rfind(std::string(toString(g.key.mode)) + "-" + g.key.evalSplit + "-", 0) == 0,
                dir.c_str());
        }
    }
    QCOMPARE(keys.size(), std::size_t(4));
}

// A format-1 file at experiments/<ranking id>/results.csv: loading it says so in one sentence,
// compare skips it with that sentence, inject starting a new experiment of the ranking says once
// that its rows are not reused.
void TestExperiments::formatOneFileIsRefusedWithOneSentence() {
    requireData();
    const InjectOutcome& o = m_runs.at("random exhaustive test");
    const fs::path modelDir = modelPathFor(m_model).parent_path();
    const fs::path old = formatOneResultsPath(modelDir, o.results.rankingId);
    std::string text = *readFile(o.resultsPath);
    text.replace(text.find("\"version\":2"), 11, "\"version\":1");
    QVERIFY(atomicWriteFile(old, text).ok());
    const std::string what = old.string() +
                             " is in results format 1 (random-global, exhaustive, test split), "
                             "which keyed exhaustive flips by the BER's position in the list, "
                             "so it cannot be extended or compared with format-2 experiments; ";
    auto loaded = loadResultsFile(old);
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().message,
             what + "run the same inject command again to recompute it in format 2, then delete "
                    "the old file");
    NullProgressSink sink;
    auto cmp = runCompareJob({.model = m_model, .baseline = "random", .threads = 2}, sink);
    QVERIFY(cmp.ok());
    QCOMPARE(cmp->groups.size(), std::size_t(4));
    QVERIFY(std::count(cmp->warnings.begin(), cmp->warnings.end(),
                       "skipped: " + loaded.error().message) == 1);
    // a model directory holding only format-1 files: compare's error says why
    QTemporaryDir other;
    ModelSelector alone = m_model;
    alone.workspace = other.path().toStdString();
    const fs::path lone = formatOneResultsPath(modelPathFor(alone).parent_path(), "abc");
    QVERIFY(atomicWriteFile(lone, text).ok());
    auto none = runCompareJob({.model = alone, .threads = 2}, sink);
    QVERIFY(!none.ok());
    QVERIFY2(none.error().message.find("(1 unusable; the first skipped: " + lone.string() +
                                       " is in results format 1 (") != std::string::npos,
             none.error().message.c_str());
    // a new experiment of the ranking (the same ranking, the flips seeded by 0 instead of 3; a
    // new BER list would not do, that is the same experiment): told once, when its file is
    // created
    InjectRequest req = request(RankMethod::Random, SweepMode::Exhaustive, "test");
    auto ranked = runRankJob(
        {.model = m_model, .methods = {RankMethod::Random}, .seed = 3, .threads = 2}, sink);
    QVERIFY(ranked.ok() && ranked->rankings.front().ranking.id == o.results.rankingId);
    req.sweep.seed = 0;
    auto first = runInjectOnRanking(req, *ranked, ranked->rankings.front(), sink);
    QVERIFY2(first.ok(), first.ok() ? "" : first.error().message.c_str());
    QCOMPARE(first->experimentKey.rfind("exhaustive-test-seed0-", 0), std::size_t(0));
    const std::string notice =
        formatOneMessage(old, "its rows are not reused by this run, which starts the format-2 "
                              "experiment " +
                                  first->experimentKey + ", and the old file can be deleted");
    QVERIFY(std::count(first->warnings.begin(), first->warnings.end(), notice) == 1);
    auto resumed = runInjectOnRanking(req, *ranked, ranked->rankings.front(), sink);
    QVERIFY(resumed.ok() && resumed->computedRows == 0 && resumed->warnings.empty());
    fs::remove(old);
}

// --rerun recomputes its experiment only: the seven other files keep their bytes.
void TestExperiments::rerunReplacesOnlyItsExperiment() {
    requireData();
    std::map<fs::path, std::string> before;
    for (const auto& [name, o] : m_runs)
        before[o.resultsPath] = *readFile(o.resultsPath);
    InjectRequest req = request(RankMethod::WeightAbsValue, SweepMode::MonteCarlo, "train");
    req.rerun = true;
    const InjectOutcome o = inject(req);
    QCOMPARE(o.reusedRows, std::size_t(0));
    QCOMPARE(o.computedRows, o.results.rows.size());
    for (const auto& [path, text] : before)
        if (path != o.resultsPath) QCOMPARE(*readFile(path), text);
    QCOMPARE(dataLines(o.resultsPath).size(), o.results.rows.size());
}

// The observer sees each batch right after it is in the file (the file's last lines then), and
// over a run the rows the file gains — all of them after a --rerun, none on a reused run, the
// new ones after an extension.
void TestExperiments::observerSeesExactlyTheRowsOfTheFile() {
    requireData();
    InjectRequest req = request(RankMethod::Random, SweepMode::Exhaustive, "train");
    const fs::path path = m_runs.at("random exhaustive train").resultsPath;
    std::vector<SweepRow> seen;
    int calls = 0, inFileAlready = 0, otherFile = 0;
    req.rowsAppended = [&](const std::filesystem::path& file, const std::vector<SweepRow>& rows) {
        ++calls;
        otherFile += file != path; // the observer is told the file the rows are in
        const std::vector<std::string> lines = dataLines(path);
        bool tail = lines.size() >= rows.size();
        for (std::size_t i = 0; tail && i < rows.size(); ++i)
            tail = lines[lines.size() - rows.size() + i].rfind(rowKey(rows[i]) + ",", 0) == 0;
        inFileAlready += tail;
        seen.insert(seen.end(), rows.begin(), rows.end());
    };
    req.rerun = true;
    InjectOutcome o = inject(req);
    QVERIFY(calls > 0);
    QCOMPARE(otherFile, 0);
    QCOMPARE(inFileAlready, calls);
    QCOMPARE(seen.size(), o.results.rows.size());
    QCOMPARE(rowKeys(seen), rowKeys(o.results.rows));
    QCOMPARE(rowKeys(seen), rowKeys(loadResultsFile(path)->rows));
    // fully reused: not called
    req.rerun = false;
    seen.clear();
    calls = 0;
    o = inject(req);
    QCOMPARE(calls, 0);
    QCOMPARE(o.computedRows, std::size_t(0));
    // extended by a BER: exactly the new rows
    const std::set<std::string> old = rowKeys(loadResultsFile(path)->rows);
    req.sweep.bers = {0.05, 0.2};
    o = inject(req);
    QCOMPARE(seen.size(), o.computedRows);
    std::set<std::string> gained = rowKeys(loadResultsFile(path)->rows);
    for (const std::string& k : old)
        gained.erase(k);
    QCOMPARE(rowKeys(seen), gained);
    for (const SweepRow& r : seen)
        QCOMPARE(r.ber, 0.2);
}

QTEST_GUILESS_MAIN(TestExperiments)
#include "tst_experiments.moc"
