#include "app/core/job_controller.h"

#include <QMetaObject>

namespace netsurf::app {

JobController::JobController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<netsurf::JobStateChanged>();
    qRegisterMetaType<netsurf::JobProgress>();
    qRegisterMetaType<netsurf::SweepRowsProduced>();
    qRegisterMetaType<netsurf::EpochFinished>();
    qRegisterMetaType<netsurf::RankingFinished>();
    qRegisterMetaType<netsurf::RunSummary>();
}

JobController::~JobController() {
    cancelAll();
    if (m_worker.joinable()) m_worker.join();
}

bool JobController::startBatch(const BatchConfig& config, const BatchSessionOptions& options,
                               QString* error) {
    if (m_running) {
        if (error) *error = tr("a run is still going");
        return false;
    }
    if (m_worker.joinable()) m_worker.join();
    m_queue.reset(); // the previous run's session releases the workspace before a new one
    m_active = nullptr;
    m_session.reset();
    m_runner.reset();
    auto session = BatchSession::open(config, options);
    if (!session) {
        if (error) *error = QString::fromStdString(session.error().message);
        return false;
    }
    m_runner.reset();
    m_session = std::move(*session);
    m_active = &m_session->runner();
    return launch([this] { return m_session->run(); });
}

bool JobController::startJobs(std::vector<JobSpec> jobs, const RunnerOptions& options,
                              QString* error) {
    if (m_running) {
        if (error) *error = tr("a run is still going");
        return false;
    }
    if (auto st = validateJobGraph(jobs); !st) {
        if (error) *error = QString::fromStdString(st.error().message);
        return false;
    }
    if (m_worker.joinable()) m_worker.join();
    m_session.reset();
    m_runner = std::make_unique<JobRunner>(std::move(jobs), options);
    m_active = m_runner.get();
    return launch([this]() -> Result<RunSummary> { return m_active->run(); });
}

bool JobController::launch(std::function<Result<RunSummary>()> run) {
    m_queue = m_active->subscribe(200000, [this] {
        // From a worker thread: one queued call per burst of events.
        if (!m_drainPosted.exchange(true))
            QMetaObject::invokeMethod(this, &JobController::drain, Qt::QueuedConnection);
    });
    m_running = true;
    emit started(int(m_active->jobs().size()));
    m_worker = std::jthread([this, run = std::move(run)] {
        Result<RunSummary> r = run();
        QMetaObject::invokeMethod(
            this,
            [this, r = std::move(r)] {
                drain(); // everything the run said, before it ends
                m_running = false;
                if (r.ok())
                    emit finished(*r, {});
                else
                    emit finished({}, QString::fromStdString(r.error().message));
            },
            Qt::QueuedConnection);
    });
    return true;
}

void JobController::drain() {
    m_drainPosted = false;
    if (!m_queue) return;
    for (const JobEvent& e : m_queue->drain())
        dispatch(e);
}

void JobController::dispatch(const JobEvent& e) {
    const QString id = QString::fromStdString(e.jobId);
    std::visit(
        [&](const auto& d) {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, JobStateChanged>)
                emit jobStateChanged(id, d);
            else if constexpr (std::is_same_v<T, JobProgress>)
                emit jobProgress(id, d);
            else if constexpr (std::is_same_v<T, SweepRowsProduced>)
                emit sweepRows(id, d);
            else if constexpr (std::is_same_v<T, EpochFinished>)
                emit epochFinished(id, d);
            else if constexpr (std::is_same_v<T, RankingFinished>)
                emit rankingFinished(id, d);
            else if constexpr (std::is_same_v<T, JobMessage>)
                emit jobMessage(id, QString::fromStdString(d.text), d.warning);
            else if constexpr (std::is_same_v<T, JobResync>)
                emit resyncNeeded(id);
        },
        e.data);
}

void JobController::cancelJob(const QString& jobId) {
    if (m_active && m_running) m_active->cancel(jobId.toStdString());
}

void JobController::cancelAll() {
    if (m_active && m_running) m_active->cancelAll();
}

std::vector<JobState> JobController::jobStates() const {
    return m_active ? m_active->states() : std::vector<JobState>{};
}

} // namespace netsurf::app
