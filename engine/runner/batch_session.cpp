#include "engine/runner/batch_session.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <thread>
#include <unistd.h>

#include "engine/core/file_io.h"
#include "engine/core/sha256.h"
#include "engine/jobs/profile_job.h"
#include "engine/rank/ranking.h"
#include "engine/storage/model_file.h"
#include "engine/storage/ranking_file.h"
#include "engine/storage/workspace.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

struct JobPaths {
    fs::path modelDir;
    std::optional<fs::path> rankingFile; // when the model exists
};

JobPaths pathsOf(const JobSpec& s) {
    const nlohmann::json& p = s.params;
    auto q = QuantScheme::parse(p.value("quantization", "q<6,2,1>"));
    const fs::path modelDir = modelDirectory(p.value("workspace", ""), p.value("benchmark", ""),
                                             q ? *q : QuantScheme(), p.value("pruning", 0.0));
    JobPaths out{modelDir, std::nullopt};
    if (!p.contains("method") || !fs::exists(modelDir / "model.json")) return out;
    auto sum = sha256File(modelDir / "model.json");
    auto method = parseRankMethod(p.value("method", ""));
    auto order = parseRankOrder(p.value("order", "plane"));
    if (!sum || !method || !order) return out;
    Ranking r;
    r.config = RankConfig{.method = *method, .order = *order, .seed = p.value("seed", 0ULL)};
    r.id = rankingId(r.config, *sum);
    out.rankingFile = rankingsDirectory(modelDir) / rankingFileName(r);
    return out;
}

// Data lines of a results file (a fraction of the sweep's evaluations is done).
std::size_t resultRows(const fs::path& file) {
    std::ifstream in(file);
    std::size_t lines = 0;
    for (std::string l; std::getline(in, l);)
        ++lines;
    return lines > 2 ? lines - 2 : 0;
}

double sweepEvaluations(const nlohmann::json& p) {
    double n = 0;
    for (const auto& b : p.value("ber", nlohmann::json::array()))
        n += p.value("mode", "") == "montecarlo" ? p.value("reps", 50) : std::ceil(1 / double(b));
    return n * double(p.value("protection", nlohmann::json::array()).size());
}

PlannedJob planOne(const JobSpec& s) {
    PlannedJob out{&s, "missing", s.estimatedSeconds};
    const JobPaths paths = pathsOf(s);
    const auto done = [&] {
        out.present = "done";
        out.remainingSeconds = 0;
    };
    switch (s.kind) {
    case JobKind::Train:
        if (fs::exists(paths.modelDir / "model.json")) done();
        break;
    case JobKind::Rank:
        if (paths.rankingFile && fs::exists(*paths.rankingFile)) done();
        break;
    case JobKind::Inject: {
        if (!paths.rankingFile) break;
        // experiments/<ranking id>/<mode>-<split>-seed<S>-<data checksum>/results.csv; the
        // checksum is not known without loading the data: the fullest matching experiment.
        const std::string stem = paths.rankingFile->stem().string();
        const fs::path dir = paths.modelDir / "experiments" / stem.substr(stem.rfind('-') + 1);
        const std::string prefix = s.params.value("mode", "") + "-" +
                                   s.params.value("eval_split", "") + "-seed" +
                                   std::to_string(s.params.value("seed", 0ULL)) + "-";
        double rows = 0;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().filename().string().rfind(prefix, 0) == 0)
                rows = std::max(rows, double(resultRows(e.path() / "results.csv")));
        const double total = std::max(1.0, sweepEvaluations(s.params));
        if (rows >= total)
            done();
        else if (rows > 0) {
            out.present = "partial";
            out.remainingSeconds = s.estimatedSeconds * (1 - rows / total);
        }
        break;
    }
    case JobKind::Compare:
        if (fs::exists(paths.modelDir / "comparison.csv")) out.present = "done";
        break;
    case JobKind::Profile: {
        // current only for this model.json and this number of rows, as the job itself checks
        auto sum = sha256File(paths.modelDir / "model.json");
        if (sum && profileFilesCurrent(paths.modelDir, *sum, s.params.value("samples", 0ULL)))
            done();
        break;
    }
    }
    return out;
}

std::string batchIdNow() {
    return utcTimestamp() + "-" + std::to_string(::getpid());
}

} // namespace

std::vector<PlannedJob> planBatch(const std::vector<JobSpec>& jobs) {
    std::vector<PlannedJob> out;
    for (const JobSpec& s : jobs)
        out.push_back(planOne(s));
    return out;
}

Result<std::unique_ptr<BatchSession>> BatchSession::open(const BatchConfig& config,
                                                         const BatchSessionOptions& options) {
    std::unique_ptr<BatchSession> s(new BatchSession());
    s->m_workspace = options.workspace.empty() ? defaultWorkspaceDir() : options.workspace;
    auto lock = FileLock::acquire(s->m_workspace / "batch.lock",
                                  "workspace " + s->m_workspace.string() + " (a batch run)");
    if (!lock) return lock.error();
    s->m_lock.emplace(std::move(*lock));
    auto db = JobDatabase::open(s->m_workspace);
    if (!db) return db.error();
    s->m_db = std::move(*db);
    auto reconciled = s->m_db->reconcile();
    if (!reconciled) return reconciled.error();
    if (*reconciled)
        s->m_notes.push_back(std::to_string(*reconciled) + " job" + (*reconciled > 1 ? "s" : "") +
                             " of an interrupted batch marked cancelled; this run redoes them");
    std::vector<JobSpec> jobs =
        buildBatchJobs(config, {.workspace = s->m_workspace, .data = options.data});
    if (auto st = validateJobGraph(jobs); !st) return st.error();
    s->m_batchId = batchIdNow();
    BatchRow row{.id = s->m_batchId,
                 .host = hostName(),
                 .pid = ::getpid(),
                 .started = utcTimestamp(),
                 .config = batchConfigJson(config).dump()};
    if (auto st = s->m_db->beginBatch(row, jobs); !st) return st.error();
    s->m_runner = std::make_unique<JobRunner>(std::move(jobs), options.runner);
    return s;
}

BatchSession::~BatchSession() = default;

Result<RunSummary> BatchSession::run(std::stop_token stop) {
    auto queue = m_runner->subscribe(200000);
    std::optional<Error> dbError;
    std::int64_t finished = 0, failed = 0;
    double fraction = 0, eta = -1;
    std::atomic<bool> running = true;
    // The recorder: states into the database as they happen, a heartbeat every 2 s.
    std::jthread recorder([&] {
        auto last = std::chrono::steady_clock::now() - std::chrono::seconds(10);
        while (true) {
            const bool more = running.load();
            queue->waitFor(std::chrono::milliseconds(500));
            for (const JobEvent& e : queue->drain()) {
                if (const auto* st = std::get_if<JobStateChanged>(&e.data)) {
                    finished += isFinal(st->status);
                    failed += st->status == JobStatus::Failed;
                    if (dbError) continue;
                    if (auto r = m_db->recordState(e.jobId, *st, m_batchId); !r) {
                        dbError = r.error();
                        m_runner->cancelAll();
                    }
                } else if (const auto* p = std::get_if<JobProgress>(&e.data)) {
                    fraction = p->graphFraction;
                    eta = p->etaSeconds;
                }
            }
            const auto now = std::chrono::steady_clock::now();
            if (!dbError && (now - last > std::chrono::seconds(2) || !more)) {
                last = now;
                if (auto r = m_db->heartbeat(m_batchId, finished, failed, fraction, eta); !r)
                    dbError = r.error(), m_runner->cancelAll();
            }
            if (!more) break;
        }
    });
    const RunSummary summary = m_runner->run(stop);
    running = false;
    recorder.join();
    const std::string status = dbError                 ? "failed"
                               : summary.cancelled > 0 ? "cancelled"
                               : summary.complete()    ? "done"
                                                       : "failed";
    if (!dbError)
        if (auto st = m_db->endBatch(m_batchId, status); !st) dbError = st.error();
    if (dbError) return *dbError;
    return summary;
}

} // namespace netsurf
