#pragma once
// Progress reporting from the engine to whoever runs it (CLI progress line, GUI controller).
// The engine never knows about Qt; implementations must be thread-safe if a job reports from
// worker threads (the engine reports from the calling thread unless documented otherwise).
#include <cstdint>
#include <string>

namespace netsurf {

struct Progress {
    std::string stage;     // e.g. "train", "load"
    std::int64_t done = 0; // units of work done in this stage
    std::int64_t total = 0;
    std::string detail;    // short human-readable status ("epoch 3/40 loss 0.41")
};

class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    virtual void progress(const Progress& /*p*/) {}
    virtual void warning(const std::string& /*message*/) {}
};

// A sink that ignores everything.
class NullProgressSink final : public ProgressSink {};

} // namespace netsurf
