#include "engine/runner/event_queue.h"

#include <algorithm>

namespace netsurf {

EventQueue::EventQueue(std::size_t capacity, std::function<void()> wake)
    : m_capacity(std::max<std::size_t>(capacity, 16)), m_wake(std::move(wake)) {}

bool EventQueue::lossless(const JobEvent& e) const {
    return std::holds_alternative<SweepRowsProduced>(e.data) ||
           std::holds_alternative<EpochFinished>(e.data);
}

void EventQueue::push(JobEvent event) {
    bool wasEmpty = false;
    {
        std::lock_guard lock(m_mutex);
        wasEmpty = m_events.empty();
        if (std::holds_alternative<JobProgress>(event.data)) {
            const auto it = m_progress.find(event.jobId);
            if (it != m_progress.end()) { // coalesce in place
                m_events[std::size_t(it->second - m_front)].data = std::move(event.data);
                return;
            }
            m_progress[event.jobId] = m_front + m_events.size();
        } else if (lossless(event) && m_resyncPending.count(event.jobId)) {
            ++m_dropped; // the subscriber reloads this job from its files anyway
            return;
        }
        m_events.push_back(std::move(event));
        if (m_events.size() > m_capacity) overflow();
    }
    m_cv.notify_all();
    if (wasEmpty && m_wake) m_wake();
}

void EventQueue::overflow() {
    std::deque<JobEvent> kept;
    std::vector<std::string> resync;
    for (JobEvent& e : m_events) {
        if (!lossless(e)) {
            kept.push_back(std::move(e));
            continue;
        }
        ++m_dropped;
        if (m_resyncPending.insert(e.jobId).second) resync.push_back(e.jobId);
    }
    for (const std::string& job : resync)
        kept.push_back({job, JobResync{"the subscriber fell behind; reload this job's results "
                                       "from its files"}});
    m_events = std::move(kept);
    m_front = 0;
    m_progress.clear();
    for (std::size_t i = 0; i < m_events.size(); ++i)
        if (std::holds_alternative<JobProgress>(m_events[i].data))
            m_progress[m_events[i].jobId] = i;
}

std::vector<JobEvent> EventQueue::drain() {
    std::lock_guard lock(m_mutex);
    std::vector<JobEvent> out(std::make_move_iterator(m_events.begin()),
                              std::make_move_iterator(m_events.end()));
    m_front += m_events.size();
    m_events.clear();
    m_progress.clear();
    m_resyncPending.clear();
    return out;
}

bool EventQueue::waitFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, timeout, [this] { return !m_events.empty(); });
}

std::size_t EventQueue::droppedEvents() const {
    std::lock_guard lock(m_mutex);
    return m_dropped;
}

} // namespace netsurf
