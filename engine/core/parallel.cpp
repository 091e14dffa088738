#include "engine/core/parallel.h"

#include <algorithm>

#include "engine/core/product_blocking.h"

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace netsurf {

int hardwareConcurrency() {
    return std::max(1, tbb::info::default_concurrency());
}

void runInArena(int threads, const std::function<void()>& fn) {
    pinProductBlocking();
    threads = std::min(threads, hardwareConcurrency());
    if (threads <= 0) {
        tbb::task_arena arena;
        arena.execute(fn);
    } else {
        tbb::task_arena arena(threads);
        arena.execute(fn);
    }
}

void parallelChunks(std::size_t n, std::size_t chunk,
                    const std::function<void(std::size_t, std::size_t, std::size_t)>& fn) {
    if (n == 0) return;
    if (chunk == 0) chunk = n;
    const std::size_t chunks = (n + chunk - 1) / chunk;
    if (chunks == 1) {
        fn(0, 0, n);
        return;
    }
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                          for (std::size_t k = r.begin(); k != r.end(); ++k)
                              fn(k, k * chunk, std::min(n, (k + 1) * chunk));
                      });
}

int currentConcurrency() { return tbb::this_task_arena::max_concurrency(); }

} // namespace netsurf
