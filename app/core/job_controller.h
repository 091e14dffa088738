#pragma once
// The GUI's handle on the engine's job runner (Qt Core): starts a batch (or any job graph) on a
// worker thread, subscribes to its events and re-emits them as signals on the thread the
// controller lives on (the GUI thread), queued — the window never waits on the engine, and no
// engine work runs on the GUI thread. Like KDAB/hotspot's job tracker: events carry the job id,
// the view decides what is stale.
//
// Events are drained in bursts: the runner's queue wakes the controller with one queued call
// when it goes from empty to non-empty, and the controller emits everything waiting. Progress
// is coalesced by the queue; plots coalesce their replots themselves (~25 per second).
#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "engine/runner/batch_session.h"

namespace netsurf::app {

class JobController : public QObject {
    Q_OBJECT
public:
    explicit JobController(QObject* parent = nullptr);
    ~JobController() override; // cancels a running graph and waits for its threads

    // Opens a batch session on the workspace (its lock, its job database) and runs it. False with
    // the engine's message when it cannot start (another batch owns the workspace, a damaged
    // database, …) or while a run is still going.
    bool startBatch(const BatchConfig& config, const BatchSessionOptions& options,
                    QString* error = nullptr);
    // Runs a job graph without a workspace session (no lock, no database): single actions and
    // tests. False when the graph is invalid or a run is still going.
    bool startJobs(std::vector<JobSpec> jobs, const RunnerOptions& options,
                   QString* error = nullptr);

    bool isRunning() const { return m_running.load(); }
    void cancelJob(const QString& jobId);
    void cancelAll();
    std::vector<JobState> jobStates() const; // empty when nothing was started

signals:
    void started(int jobs);
    void jobStateChanged(const QString& jobId, const netsurf::JobStateChanged& state);
    void jobProgress(const QString& jobId, const netsurf::JobProgress& progress);
    void sweepRows(const QString& jobId, const netsurf::SweepRowsProduced& rows);
    void epochFinished(const QString& jobId, const netsurf::EpochFinished& epoch);
    void rankingFinished(const QString& jobId, const netsurf::RankingFinished& ranking);
    void jobMessage(const QString& jobId, const QString& text, bool warning);
    // Rows were dropped for this job (the view fell behind): reload it from its files.
    void resyncNeeded(const QString& jobId);
    // The run ended: its summary, or the error that stopped it (empty when none).
    void finished(const netsurf::RunSummary& summary, const QString& error);

private:
    bool launch(std::function<Result<RunSummary>()> run);
    void drain();
    void dispatch(const JobEvent& e);

    std::unique_ptr<BatchSession> m_session;
    std::unique_ptr<JobRunner> m_runner; // startJobs (a batch's runner is in its session)
    JobRunner* m_active = nullptr;
    std::shared_ptr<EventQueue> m_queue;
    std::jthread m_worker;
    std::atomic<bool> m_running = false;
    std::atomic<bool> m_drainPosted = false;
};

} // namespace netsurf::app

Q_DECLARE_METATYPE(netsurf::JobStateChanged)
Q_DECLARE_METATYPE(netsurf::JobProgress)
Q_DECLARE_METATYPE(netsurf::SweepRowsProduced)
Q_DECLARE_METATYPE(netsurf::EpochFinished)
Q_DECLARE_METATYPE(netsurf::RankingFinished)
Q_DECLARE_METATYPE(netsurf::RunSummary)
