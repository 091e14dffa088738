#pragma once
// Work off the GUI thread, delivered back to it, stale results dropped (KDAB/hotspot's
// JobTracker): every request takes a ticket; a newer request cancels the older one (its stop
// token) and a result whose ticket is no longer the current one is never shown. The work gets a
// snapshot of its inputs by value and shares nothing mutable with the page.
#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>
#include <cstdint>
#include <stop_token>
#include <type_traits>
#include <utility>

namespace netsurf::widgets {

// GUI thread only.
class AsyncTicket {
public:
    AsyncTicket() = default;
    AsyncTicket(const AsyncTicket&) = delete;
    AsyncTicket& operator=(const AsyncTicket&) = delete;
    ~AsyncTicket() { m_stop.request_stop(); }

    // A new current ticket; the previous one's work is asked to stop.
    std::pair<std::uint64_t, std::stop_token> next() {
        m_stop.request_stop();
        m_stop = std::stop_source();
        ++m_running;
        return {++m_generation, m_stop.get_token()};
    }
    // Forgets the current request (its result will be dropped) without starting another.
    void cancel() {
        m_stop.request_stop();
        ++m_generation;
    }
    bool isCurrent(std::uint64_t generation) const { return generation == m_generation; }
    void finished(bool applied) {
        --m_running;
        m_dropped += applied ? 0 : 1;
    }
    bool busy() const { return m_running > 0; }
    std::size_t dropped() const { return m_dropped; } // results that arrived stale

private:
    std::stop_source m_stop;
    std::uint64_t m_generation = 0;
    std::size_t m_running = 0, m_dropped = 0;
};

// Runs work(stop_token) in Qt's global thread pool and calls deliver(result) on `context`'s
// thread if the request is still current when it finishes (never after `context` is gone).
template <typename Work, typename Deliver>
void runOffGuiThread(QObject* context, AsyncTicket& ticket, Work work, Deliver deliver) {
    using R = std::invoke_result_t<Work, std::stop_token>;
    const auto [generation, stop] = ticket.next();
    auto* watcher = new QFutureWatcher<R>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, &ticket, generation, deliver = std::move(deliver)]() {
                         watcher->deleteLater();
                         const bool current = ticket.isCurrent(generation);
                         ticket.finished(current);
                         if (current) deliver(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run(std::move(work), stop));
}

} // namespace netsurf::widgets
