#pragma once
// A subscriber's inbox for job events (job_events.h).
//
// Workers push and never wait for the subscriber: a push only takes the queue's mutex for a few
// moves. Progress is coalesced — a job has at most one progress event waiting, the newest, kept
// at the place of the first one so that it never overtakes a later state change. Every other
// event is kept in order. When more than `capacity` events wait (a subscriber that stopped
// draining), the bulky ones that can be re-read from the workspace — sweep rows and epoch records
// — are dropped for the affected jobs and replaced by one JobResync each: the subscriber reloads
// those jobs from their files, and identifies rows by (protection, BER, rep), merging what
// arrives afterwards. State changes, rankings and messages are never dropped.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "engine/runner/job_events.h"

namespace netsurf {

class EventQueue {
public:
    // `wake` is called (on the pushing thread, outside the lock) when the queue goes from empty
    // to non-empty: the GUI posts a queued call to drain(), the CLI wakes its loop.
    explicit EventQueue(std::size_t capacity = 20000, std::function<void()> wake = {});

    void push(JobEvent event);
    // Everything waiting, in order (oldest first); the queue is empty afterwards.
    std::vector<JobEvent> drain();
    // Blocks until an event waits or `timeout` passes; true when something waits.
    bool waitFor(std::chrono::milliseconds timeout);

    std::size_t droppedEvents() const;

private:
    bool lossless(const JobEvent& e) const;
    void overflow(); // called with the lock held

    std::size_t m_capacity;
    std::function<void()> m_wake;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<JobEvent> m_events;
    std::uint64_t m_front = 0; // sequence number of m_events.front()
    std::map<std::string, std::uint64_t>
        m_progress;                        // job → sequence number of its waiting progress
    std::set<std::string> m_resyncPending; // jobs whose JobResync waits
    std::size_t m_dropped = 0;
};

} // namespace netsurf
