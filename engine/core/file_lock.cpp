#include "engine/core/file_lock.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

#include "engine/core/file_io.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

bool lockingDisabled() {
    const char* v = std::getenv("NETSURF_LOCKING");
    return v && std::string_view(v) == "off";
}

// "<pid>@<host>" as the holder wrote it (empty when it has not written yet).
std::string holderOf(const fs::path& lockFile) {
    auto text = readFile(lockFile);
    if (!text) return {};
    std::string s = *text;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s.size() > 300 ? std::string() : s;
}

std::string busyMessage(const fs::path& lockFile, const std::string& what) {
    // The holder writes its name right after locking; give it a moment when we came in between.
    std::string holder = holderOf(lockFile);
    for (int i = 0; i < 20 && holder.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        holder = holderOf(lockFile);
    }
    const std::size_t at = holder.find('@');
    const std::string who = holder.empty()            ? "another process"
                            : at == std::string::npos ? "process " + holder
                                                      : "process " + holder.substr(0, at) +
                                                            " on host " + holder.substr(at + 1);
    return what + " is in use by " + who + " (lock file " + lockFile.string() +
           "); wait for it to finish or stop it";
}

} // namespace

Result<FileLock> FileLock::acquire(const fs::path& lockFile, const std::string& what) {
    if (lockingDisabled()) return FileLock(-1);
    if (lockFile.has_parent_path())
        if (auto st = ensureDirectory(lockFile.parent_path()); !st) return st.error();
    const int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return Error::data("cannot open the lock file " + lockFile.string() + ": " +
                           std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd);
        if (err == EWOULDBLOCK) return Error::data(busyMessage(lockFile, what));
        return Error::data("cannot lock " + lockFile.string() + ": " + std::strerror(err) +
                           " (a file system without flock support, e.g. Lustre without -o flock; "
                           "NETSURF_LOCKING=off runs without locks)");
    }
    const std::string holder = std::to_string(::getpid()) + "@" + hostName() + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, holder.data(), holder.size(), 0) != ssize_t(holder.size())) {
        ::close(fd);
        return Error::data("cannot write the lock file " + lockFile.string() + ": " +
                           std::strerror(errno));
    }
    return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) {
    other.m_fd = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        release();
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    release();
}

void FileLock::release() {
    if (m_fd < 0) return;
    ::close(m_fd); // closing the last descriptor of the description releases the flock
    m_fd = -1;
}

} // namespace netsurf
