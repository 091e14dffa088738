#include "engine/runner/job_runner.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <thread>

#include "engine/core/parallel.h"

namespace netsurf {

namespace {
using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}
} // namespace

Status validateJobGraph(const std::vector<JobSpec>& jobs) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (jobs[i].id.empty()) return Error::usage("job " + std::to_string(i) + " has no id");
        if (!index.emplace(jobs[i].id, i).second)
            return Error::usage("job " + jobs[i].id + " is listed twice");
        if (!jobs[i].run) return Error::usage("job " + jobs[i].id + " has nothing to run");
    }
    // Kahn's algorithm: every job must become ready.
    std::vector<std::size_t> missing(jobs.size(), 0);
    std::vector<std::vector<std::size_t>> dependents(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i)
        for (const std::string& d : jobs[i].dependsOn) {
            const auto it = index.find(d);
            if (it == index.end())
                return Error::usage("job " + jobs[i].id + " depends on " + d +
                                    ", which is not in the graph");
            ++missing[i];
            dependents[it->second].push_back(i);
        }
    std::vector<std::size_t> ready;
    for (std::size_t i = 0; i < jobs.size(); ++i)
        if (missing[i] == 0) ready.push_back(i);
    while (!ready.empty()) {
        const std::size_t i = ready.back();
        ready.pop_back();
        for (std::size_t d : dependents[i])
            if (--missing[d] == 0) ready.push_back(d);
    }
    for (std::size_t i = 0; i < jobs.size(); ++i)
        if (missing[i] > 0)
            return Error::usage("job " + jobs[i].id + " is part of a dependency cycle");
    return {};
}

// State shared by the scheduler (JobRunner::run's thread) and the job threads. Everything below
// `mutex` is guarded by it; events are collected under the lock and sent after unlocking, so a
// subscriber's wake callback never runs while the runner holds its lock.
struct JobRunner::Impl {
    struct Note {
        std::size_t job;
        JobEventData data;
    };

    // Engine progress of one job → JobProgress (at most ~10 per second) and JobMessage.
    class Sink final : public ProgressSink {
    public:
        Sink(Impl& r, std::size_t job) : m_r(r), m_job(job) {}
        void progress(const Progress& p) override {
            const auto now = Clock::now();
            const bool last = p.total > 0 && p.done >= p.total;
            if (!last && now - m_last < std::chrono::milliseconds(100)) return;
            m_last = now;
            m_r.progress(m_job, p);
        }
        void warning(const std::string& message) override {
            m_r.emit(m_job, JobMessage{message, true});
        }

    private:
        Impl& m_r;
        std::size_t m_job;
        Clock::time_point m_last{};
    };

    explicit Impl(JobRunner& r);

    void send(std::vector<Note>& notes);
    void emit(std::size_t job, JobEventData data);
    void setFinal(std::size_t i, JobStatus s, std::string error, double seconds, bool reused,
                  std::vector<Note>& notes);
    bool ready(std::size_t i) const;
    std::vector<std::pair<std::size_t, int>> launchReady(std::vector<Note>& notes);
    void runJob(std::size_t i, int threads);
    void collect(std::vector<Note>& notes);
    void cancelPending(std::size_t i, std::vector<Note>& notes);
    void progress(std::size_t i, const Progress& p);
    double graphFraction() const;
    bool allFinal() const;

    JobRunner& runner;
    std::vector<std::vector<std::size_t>> dependents;
    std::map<std::string, std::size_t> index;
    std::vector<std::shared_ptr<EventQueue>> queues; // fixed once run() starts

    mutable std::mutex mutex;
    std::condition_variable cv;
    std::vector<JobState> states;
    std::vector<std::stop_source> stops;
    std::vector<int> threadsOf;
    std::vector<double> fraction;
    std::vector<std::pair<std::size_t, Result<JobOutcome>>> finished;
    std::vector<Clock::time_point> startedAt;
    std::vector<std::jthread> workers;
    std::stop_source global;
    int threadsInUse = 0;
    std::size_t running = 0;
    double totalWeight = 0;
    Clock::time_point t0 = Clock::now();
};

JobRunner::Impl::Impl(JobRunner& r) : runner(r) {
    const auto& specs = r.m_specs;
    dependents.resize(specs.size());
    for (std::size_t i = 0; i < specs.size(); ++i)
        index[specs[i].id] = i;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        for (const std::string& d : specs[i].dependsOn)
            dependents[index.at(d)].push_back(i);
        states.push_back({specs[i].id, specs[i].kind, JobStatus::Pending, specs[i].dependsOn});
        totalWeight += std::max(specs[i].estimatedSeconds, 1e-3);
    }
    stops.resize(specs.size());
    threadsOf.assign(specs.size(), 0);
    fraction.assign(specs.size(), 0.0);
    startedAt.resize(specs.size());
}

void JobRunner::Impl::send(std::vector<Note>& notes) {
    for (Note& n : notes)
        for (const auto& q : queues)
            q->push({runner.m_specs[n.job].id, n.data});
    notes.clear();
}

void JobRunner::Impl::emit(std::size_t job, JobEventData data) {
    for (const auto& q : queues)
        q->push({runner.m_specs[job].id, data});
}

// Final state of job i; a job that did not finish makes its pending dependents skipped.
void JobRunner::Impl::setFinal(std::size_t i, JobStatus s, std::string error, double seconds,
                               bool reused, std::vector<Note>& notes) {
    JobState& st = states[i];
    st.status = s;
    st.error = std::move(error);
    st.seconds = seconds;
    st.reusedFiles = reused;
    fraction[i] = 1.0;
    notes.push_back({i, JobStateChanged{s, st.error, seconds, reused}});
    if (s == JobStatus::Done) return;
    for (std::size_t d : dependents[i])
        if (states[d].status == JobStatus::Pending)
            setFinal(d, JobStatus::Skipped, "dependency " + st.id + " " + toString(s), 0, false,
                     notes);
}

bool JobRunner::Impl::ready(std::size_t i) const {
    if (states[i].status != JobStatus::Pending) return false;
    for (const std::string& d : states[i].dependsOn)
        if (states[index.at(d)].status != JobStatus::Done) return false;
    return true;
}

// Marks ready jobs running, in graph order, while job slots and threads are free; a job gets an
// equal share of the free threads among the ready jobs that can start now (at least one).
// Returns (job, threads) to start once the state changes have been sent.
std::vector<std::pair<std::size_t, int>> JobRunner::Impl::launchReady(std::vector<Note>& notes) {
    const std::size_t maxJobs = std::size_t(std::max(1, runner.m_options.maxConcurrentJobs));
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < states.size(); ++i)
        if (ready(i)) candidates.push_back(i);
    std::vector<std::pair<std::size_t, int>> start;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        const int free = runner.m_budget - threadsInUse;
        if (running >= maxJobs || free < 1 || global.stop_requested()) break;
        const std::size_t startable = std::min(candidates.size() - k, maxJobs - running);
        const int share = std::max(1, free / int(startable));
        const std::size_t i = candidates[k];
        states[i].status = JobStatus::Running;
        threadsOf[i] = share;
        threadsInUse += share;
        ++running;
        startedAt[i] = Clock::now();
        notes.push_back({i, JobStateChanged{JobStatus::Running}});
        start.emplace_back(i, share);
    }
    return start;
}

void JobRunner::Impl::runJob(std::size_t i, int threads) {
    Sink sink(*this, i);
    JobContext ctx;
    ctx.jobId = runner.m_specs[i].id;
    ctx.threads = threads;
    ctx.stop = stops[i].get_token();
    ctx.progress = &sink;
    ctx.publish = [this, i](JobEventData d) { emit(i, std::move(d)); };
    std::optional<Result<JobOutcome>> r;
    try {
        r.emplace(runner.m_specs[i].run(ctx));
    } catch (const std::exception& e) {
        r.emplace(Error::internal(std::string("internal error: ") + e.what()));
    } catch (...) {
        r.emplace(Error::internal("internal error (unknown exception)"));
    }
    std::lock_guard lock(mutex);
    finished.emplace_back(i, std::move(*r));
    cv.notify_all();
}

// Records the jobs that finished since the last call.
void JobRunner::Impl::collect(std::vector<Note>& notes) {
    for (auto& [i, r] : finished) {
        threadsInUse -= threadsOf[i];
        --running;
        const double s = secondsSince(startedAt[i]);
        if (r.ok())
            setFinal(i, JobStatus::Done, "", s, r->reusedFiles, notes);
        else if (r.error().kind == ErrorKind::Cancelled)
            setFinal(i, JobStatus::Cancelled, r.error().message, s, false, notes);
        else
            setFinal(i, JobStatus::Failed, r.error().message, s, false, notes);
    }
    finished.clear();
}

void JobRunner::Impl::cancelPending(std::size_t i, std::vector<Note>& notes) {
    if (states[i].status == JobStatus::Pending)
        setFinal(i, JobStatus::Cancelled, "cancelled before it started", 0, false, notes);
    else if (states[i].status == JobStatus::Running)
        stops[i].request_stop();
}

double JobRunner::Impl::graphFraction() const {
    double doneWeight = 0;
    for (std::size_t i = 0; i < states.size(); ++i)
        doneWeight += std::max(runner.m_specs[i].estimatedSeconds, 1e-3) * fraction[i];
    return totalWeight > 0 ? doneWeight / totalWeight : 1.0;
}

void JobRunner::Impl::progress(std::size_t i, const Progress& p) {
    JobProgress e{p.stage, p.done, p.total, p.detail};
    {
        std::lock_guard lock(mutex);
        e.jobFraction = p.total > 0 ? std::clamp(double(p.done) / double(p.total), 0.0, 1.0) : 0.0;
        if (!isFinal(states[i].status)) fraction[i] = std::max(fraction[i], e.jobFraction);
        e.graphFraction = graphFraction();
        const double elapsed = secondsSince(t0);
        if (e.graphFraction > 0.005 && e.graphFraction < 1)
            e.etaSeconds = elapsed * (1 - e.graphFraction) / e.graphFraction;
    }
    emit(i, std::move(e));
}

bool JobRunner::Impl::allFinal() const {
    return std::all_of(states.begin(), states.end(),
                       [](const JobState& s) { return isFinal(s.status); });
}

JobRunner::JobRunner(std::vector<JobSpec> jobs, RunnerOptions options)
    : m_specs(std::move(jobs)), m_options(options),
      m_budget(options.threads > 0 ? std::min(options.threads, hardwareConcurrency())
                                   : hardwareConcurrency()),
      m_impl(std::make_unique<Impl>(*this)) {}

JobRunner::~JobRunner() {
    cancelAll();
    m_impl->workers.clear(); // joins
}

std::shared_ptr<EventQueue> JobRunner::subscribe(std::size_t capacity, std::function<void()> wake) {
    auto q = std::make_shared<EventQueue>(capacity, std::move(wake));
    std::lock_guard lock(m_impl->mutex);
    m_impl->queues.push_back(q);
    return q;
}

RunSummary JobRunner::run(std::stop_token stop) {
    Impl& d = *m_impl;
    std::stop_callback onStop(stop, [this] { cancelAll(); });
    std::vector<Impl::Note> notes;
    std::unique_lock lock(d.mutex);
    d.t0 = Clock::now();
    while (true) {
        d.collect(notes);
        const auto start = d.launchReady(notes);
        const bool done = d.allFinal();
        lock.unlock();
        d.send(notes); // "running" reaches subscribers before anything the job says
        for (const auto& [i, threads] : start)
            d.workers.emplace_back([&d, i = i, threads = threads] { d.runJob(i, threads); });
        if (done) break;
        lock.lock();
        d.cv.wait(lock, [&d] { return !d.finished.empty() || d.allFinal(); });
    }
    d.workers.clear(); // joins the finished threads
    RunSummary s;
    s.seconds = secondsSince(d.t0);
    for (const JobState& st : states()) {
        s.done += st.status == JobStatus::Done;
        s.reused += st.status == JobStatus::Done && st.reusedFiles;
        s.failed += st.status == JobStatus::Failed;
        s.cancelled += st.status == JobStatus::Cancelled;
        s.skipped += st.status == JobStatus::Skipped;
    }
    return s;
}

void JobRunner::cancel(const std::string& jobId) {
    std::vector<Impl::Note> notes;
    {
        std::lock_guard lock(m_impl->mutex);
        const auto it = m_impl->index.find(jobId);
        if (it == m_impl->index.end()) return;
        m_impl->cancelPending(it->second, notes);
        m_impl->cv.notify_all();
    }
    m_impl->send(notes);
}

void JobRunner::cancelAll() {
    std::vector<Impl::Note> notes;
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->global.request_stop();
        for (std::size_t i = 0; i < m_impl->states.size(); ++i)
            m_impl->cancelPending(i, notes);
        m_impl->cv.notify_all();
    }
    m_impl->send(notes);
}

std::vector<JobState> JobRunner::states() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->states;
}

} // namespace netsurf
