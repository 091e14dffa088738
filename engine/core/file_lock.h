#pragma once
// Exclusive advisory lock on a lock file beside the data it guards (e.g. results.csv.lock), taken
// with flock(2): the lock belongs to the open file description, so the kernel releases it when
// the holder exits or is killed (kill -9, OOM) — no stale lock to clean up by hand — and two
// acquisitions in one process exclude each other as well. The holder writes "<pid>@<host>" into
// the file so that a refused writer can say who holds it. The lock file itself is left in place
// (removing it would let a third process lock a fresh inode while the old one is still held).
//
// Network file systems: on NFS (Linux client ≥ 2.6.12) flock is emulated with NLM byte-range
// locks and works across hosts when the lock daemon runs; Lustre supports flock across clients
// only when mounted with `-o flock` (with `-o localflock` it is per client; without either,
// flock fails with ENOSYS and acquire() says so). NETSURF_LOCKING=off skips locking on such
// systems (docs/injection.md explains the risk).
#include <filesystem>
#include <string>

#include "engine/core/result.h"

namespace netsurf {

class FileLock {
public:
    // Non-blocking. A lock held elsewhere is a data error "<what> is in use by process N on host
    // H (lock file F)"; `what` names the guarded data, e.g. the results file.
    static Result<FileLock> acquire(const std::filesystem::path& lockFile, const std::string& what);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock(); // releases the lock

    bool held() const { return m_fd >= 0; }

private:
    explicit FileLock(int fd) : m_fd(fd) {}
    void release();
    int m_fd = -1; // −1: not locked (moved from, or locking disabled)
};

} // namespace netsurf
