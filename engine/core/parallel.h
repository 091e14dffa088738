#pragma once
// Thread control for the engine. TBB stays inside parallel.cpp: public headers are TBB-free.
#include <cstddef>
#include <functional>

namespace netsurf {

// Number of worker threads the engine uses: 0 = all hardware threads.
struct ThreadConfig {
    int threads = 0;
};

// Runs `fn` inside a task arena limited to `threads` (0 = default), at most
// hardwareConcurrency() (oneTBB would warn and ignore the surplus). All engine parallelism
// started inside `fn` stays inside that arena. Pins Eigen's product blocking first
// (product_blocking.h), so every job sums in the same order on every machine.
void runInArena(int threads, const std::function<void()>& fn);

// Hardware threads available to this process (the cores of its CPU affinity mask), ≥ 1.
int hardwareConcurrency();

// Calls fn(begin, end) on the fixed chunks [k·chunk, min(n, (k+1)·chunk)), k = 0.. in parallel.
// Chunk boundaries depend only on n and chunk, never on the thread count, so per-chunk results
// reduced in chunk order are identical for any number of threads.
void parallelChunks(std::size_t n, std::size_t chunk,
                    const std::function<void(std::size_t chunkIndex, std::size_t begin,
                                             std::size_t end)>& fn);

// Number of threads of the current arena (for reports).
int currentConcurrency();

} // namespace netsurf
