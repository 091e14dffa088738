#include "engine/runner/job_database.h"

#include <map>
#include <sqlite3.h>

#include "engine/core/file_io.h"
#include "engine/core/version.h"
#include "engine/storage/model_file.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSchemaSql = R"(
CREATE TABLE IF NOT EXISTS jobs(
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, params TEXT NOT NULL,
  started TEXT NOT NULL DEFAULT '', finished TEXT NOT NULL DEFAULT '',
  seconds REAL NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
  engine_version TEXT NOT NULL DEFAULT '', batch TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS deps(
  job TEXT NOT NULL, depends_on TEXT NOT NULL, PRIMARY KEY(job, depends_on));
CREATE TABLE IF NOT EXISTS batches(
  id TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, status TEXT NOT NULL,
  started TEXT NOT NULL, heartbeat TEXT NOT NULL, finished TEXT NOT NULL DEFAULT '',
  jobs INTEGER NOT NULL DEFAULT 0, finished_jobs INTEGER NOT NULL DEFAULT 0,
  failed_jobs INTEGER NOT NULL DEFAULT 0, fraction REAL NOT NULL DEFAULT 0,
  eta REAL NOT NULL DEFAULT -1, config TEXT NOT NULL DEFAULT '');
)";

// A prepared statement, finalized when it goes out of scope.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql) : m_db(db) {
        m_rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &m_s, nullptr);
    }
    ~Statement() { sqlite3_finalize(m_s); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool ok() const { return m_rc == SQLITE_OK; }
    int code() const { return m_rc; }
    Statement& bind(int i, const std::string& v) {
        sqlite3_bind_text(m_s, i, v.c_str(), -1, SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, double v) {
        sqlite3_bind_double(m_s, i, v);
        return *this;
    }
    Statement& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(m_s, i, v);
        return *this;
    }
    int step() { return m_rc = sqlite3_step(m_s); }
    std::string text(int c) const {
        const auto* t = sqlite3_column_text(m_s, c);
        return t ? reinterpret_cast<const char*>(t) : "";
    }
    double real(int c) const { return sqlite3_column_double(m_s, c); }
    std::int64_t integer(int c) const { return sqlite3_column_int64(m_s, c); }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_s = nullptr;
    int m_rc = SQLITE_OK;
};

} // namespace

struct JobDatabase::Impl {
    sqlite3* db = nullptr;
    fs::path path;
    ~Impl() { sqlite3_close(db); }

    // One sentence naming the file; damage gets the rebuild hint.
    Error failure(const std::string& what, int code) const {
        const std::string reason = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            return Error::data(path.string() + " is not a usable job database (" + reason +
                               "); rebuild it from the workspace's files with netsurf-cli jobs "
                               "--rebuild");
        return Error::data("job database " + path.string() + ": cannot " + what + " (" + reason +
                           ")");
    }
    Status exec(const std::string& sql, const std::string& what) {
        char* msg = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
        sqlite3_free(msg);
        if (rc != SQLITE_OK) return failure(what, rc);
        return {};
    }
    Status checkSchema(bool readOnly) {
        std::int64_t schema = 0;
        {
            Statement v(db, "PRAGMA user_version"); // finalized before anything else runs
            if (!v.ok() || v.step() != SQLITE_ROW) return failure("read its schema", v.code());
            schema = v.integer(0);
        }
        if (schema > kJobDatabaseSchema)
            return Error::data(
                path.string() +
                " was written by a newer NetSurf (job database "
                "schema " +
                std::to_string(schema) + "; this version " + version() + " reads schema " +
                std::to_string(kJobDatabaseSchema) +
                "); use that version, or rebuild it with netsurf-cli jobs --rebuild");
        if (readOnly) return {};
        if (auto st = exec("PRAGMA journal_mode=WAL", "switch to WAL"); !st) return st;
        if (auto st = exec(kSchemaSql, "create its tables"); !st) return st;
        return exec("PRAGMA user_version = " + std::to_string(kJobDatabaseSchema),
                    "record its schema");
    }
    Status insertDeps(const std::string& job, const std::vector<std::string>& deps) {
        for (const std::string& dep : deps) {
            Statement edge(db, "INSERT OR IGNORE INTO deps(job, depends_on) VALUES(?1, ?2)");
            edge.bind(1, job).bind(2, dep);
            if (auto st = done(edge, "record the dependencies of " + job); !st) return st;
        }
        return {};
    }
    Status done(Statement& s, const std::string& what) const {
        if (!s.ok()) return failure(what, s.code());
        const int rc = s.step();
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) return failure(what, rc);
        return {};
    }
};

JobDatabase::JobDatabase(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
JobDatabase::~JobDatabase() = default;

fs::path JobDatabase::pathFor(const fs::path& workspace) {
    return workspace / "netsurf-jobs.sqlite";
}

Result<std::unique_ptr<JobDatabase>> JobDatabase::open(const fs::path& workspace, bool readOnly) {
    auto impl = std::make_unique<Impl>();
    impl->path = pathFor(workspace);
    if (readOnly && !fs::exists(impl->path))
        return Error::data("no job database in " + workspace.string() +
                           " (netsurf-cli batch creates it; netsurf-cli jobs --rebuild makes one "
                           "from the files)");
    if (!readOnly)
        if (auto st = ensureDirectory(workspace); !st) return st.error();
    const int flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    const int rc = sqlite3_open_v2(impl->path.c_str(), &impl->db, flags, nullptr);
    if (rc != SQLITE_OK) return impl->failure("open it", rc);
    sqlite3_busy_timeout(impl->db, 10000);
    if (auto st = impl->checkSchema(readOnly); !st) return st.error();
    return std::unique_ptr<JobDatabase>(new JobDatabase(std::move(impl)));
}

Result<std::size_t> JobDatabase::reconcile() {
    // Called by the batch that owns the workspace (batch.lock): any batch still marked running
    // is gone.
    Impl& d = *m_impl;
    if (auto st = d.exec("BEGIN IMMEDIATE", "begin"); !st) return st.error();
    Statement jobs(d.db, "UPDATE jobs SET status = 'cancelled', finished = ?1, "
                         "error = 'interrupted (the batch process ended while it ran)' "
                         "WHERE status = 'running'");
    jobs.bind(1, utcTimestamp());
    if (auto st = d.done(jobs, "reconcile its jobs"); !st) return st.error();
    const std::size_t n = std::size_t(sqlite3_changes(d.db));
    Statement batches(d.db, "UPDATE batches SET status = 'interrupted' WHERE status = 'running'");
    if (auto st = d.done(batches, "reconcile its batches"); !st) return st.error();
    if (auto st = d.exec("COMMIT", "commit"); !st) return st.error();
    return n;
}

Status JobDatabase::beginBatch(const BatchRow& b, const std::vector<JobSpec>& specs) {
    Impl& d = *m_impl;
    if (auto st = d.exec("BEGIN IMMEDIATE", "begin"); !st) return st;
    Statement batch(d.db, "INSERT OR REPLACE INTO batches(id, pid, host, status, started, "
                          "heartbeat, jobs, config) VALUES(?1, ?2, ?3, 'running', ?4, ?4, ?5, ?6)");
    batch.bind(1, b.id).bind(2, b.pid).bind(3, b.host).bind(4, b.started);
    batch.bind(5, std::int64_t(specs.size())).bind(6, b.config);
    if (auto st = d.done(batch, "record the batch"); !st) return st;
    for (const JobSpec& s : specs) {
        Statement job(d.db, "INSERT INTO jobs(id, kind, status, params) VALUES(?1, ?2, 'pending', "
                            "?3) ON CONFLICT(id) DO UPDATE SET kind = ?2, params = ?3, status = "
                            "CASE WHEN status = 'done' THEN 'done' ELSE 'pending' END");
        job.bind(1, s.id).bind(2, std::string(toString(s.kind))).bind(3, s.params.dump());
        if (auto st = d.done(job, "record job " + s.id); !st) return st;
        Statement clear(d.db, "DELETE FROM deps WHERE job = ?1");
        clear.bind(1, s.id);
        if (auto st = d.done(clear, "record job " + s.id); !st) return st;
        if (auto st = d.insertDeps(s.id, s.dependsOn); !st) return st;
    }
    return d.exec("COMMIT", "commit the batch's jobs");
}

Status JobDatabase::recordState(const std::string& jobId, const JobStateChanged& s,
                                const std::string& batchId) {
    Impl& d = *m_impl;
    const bool running = s.status == JobStatus::Running;
    Statement q(d.db, running ? "UPDATE jobs SET status = ?1, started = ?2, finished = '', "
                                "error = '', engine_version = ?3, batch = ?4 WHERE id = ?5"
                              : "UPDATE jobs SET status = ?1, finished = ?2, seconds = ?6, "
                                "error = ?7, engine_version = ?3, batch = ?4 WHERE id = ?5");
    q.bind(1, std::string(toString(s.status))).bind(2, utcTimestamp());
    q.bind(3, std::string(version())).bind(4, batchId).bind(5, jobId);
    if (!running) q.bind(6, s.seconds).bind(7, s.error);
    return d.done(q, "record the state of " + jobId);
}

Status JobDatabase::heartbeat(const std::string& batchId, std::int64_t finishedJobs,
                              std::int64_t failedJobs, double fraction, double etaSeconds) {
    Statement q(m_impl->db, "UPDATE batches SET heartbeat = ?1, finished_jobs = ?2, "
                            "failed_jobs = ?3, fraction = ?4, eta = ?5 WHERE id = ?6");
    q.bind(1, utcTimestamp()).bind(2, finishedJobs).bind(3, failedJobs).bind(4, fraction);
    q.bind(5, etaSeconds).bind(6, batchId);
    return m_impl->done(q, "record the heartbeat");
}

Status JobDatabase::endBatch(const std::string& batchId, const std::string& status) {
    Statement q(m_impl->db,
                "UPDATE batches SET status = ?1, finished = ?2, heartbeat = ?2 WHERE id = ?3");
    q.bind(1, status).bind(2, utcTimestamp()).bind(3, batchId);
    return m_impl->done(q, "record the end of the batch");
}

Result<std::vector<JobRow>> JobDatabase::jobs() const {
    Impl& d = *m_impl;
    Statement q(d.db, "SELECT id, kind, status, params, started, finished, seconds, error, "
                      "engine_version, batch FROM jobs ORDER BY rowid");
    if (!q.ok()) return d.failure("read its jobs", q.code());
    std::vector<JobRow> rows;
    std::map<std::string, std::size_t> index;
    while (q.step() == SQLITE_ROW) {
        index[q.text(0)] = rows.size();
        rows.push_back({q.text(0),
                        q.text(1),
                        q.text(2),
                        {},
                        q.text(3),
                        q.text(4),
                        q.text(5),
                        q.real(6),
                        q.text(7),
                        q.text(8),
                        q.text(9)});
    }
    if (q.code() != SQLITE_DONE) return d.failure("read its jobs", q.code());
    Statement deps(d.db, "SELECT job, depends_on FROM deps ORDER BY rowid");
    if (!deps.ok()) return d.failure("read its dependencies", deps.code());
    while (deps.step() == SQLITE_ROW)
        if (auto it = index.find(deps.text(0)); it != index.end())
            rows[it->second].dependsOn.push_back(deps.text(1));
    return rows;
}

Result<std::optional<BatchRow>> JobDatabase::latestBatch() const {
    Impl& d = *m_impl;
    Statement q(d.db, "SELECT id, host, status, pid, started, heartbeat, finished, jobs, "
                      "finished_jobs, failed_jobs, fraction, eta, config FROM batches "
                      "ORDER BY started DESC, rowid DESC LIMIT 1");
    if (!q.ok()) return d.failure("read its batches", q.code());
    if (q.step() != SQLITE_ROW) return std::optional<BatchRow>{};
    return std::optional<BatchRow>{
        BatchRow{q.text(0), q.text(1), q.text(2), q.integer(3), q.text(4), q.text(5), q.text(6),
                 q.integer(7), q.integer(8), q.integer(9), q.real(10), q.real(11), q.text(12)}};
}

Status JobDatabase::insertFound(const std::vector<JobRow>& rows) {
    Impl& d = *m_impl;
    if (auto st = d.exec("BEGIN IMMEDIATE", "begin"); !st) return st;
    for (const JobRow& r : rows) {
        Statement job(d.db, "INSERT OR REPLACE INTO jobs(id, kind, status, params, finished, "
                            "engine_version) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        job.bind(1, r.id).bind(2, r.kind).bind(3, r.status).bind(4, r.params);
        job.bind(5, r.finished).bind(6, r.engineVersion);
        if (auto st = d.done(job, "insert " + r.id); !st) return st;
        if (auto st = d.insertDeps(r.id, r.dependsOn); !st) return st;
    }
    return d.exec("COMMIT", "commit the rebuilt jobs");
}

} // namespace netsurf
