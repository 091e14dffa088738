#include "engine/core/file_io.h"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace netsurf {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempTag = ".tmp.";

// Whether process `pid` of this host is alive (a process we may not signal is alive too).
bool processAlive(long pid) {
    if (pid <= 0) return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

// "<name>.tmp.<pid>[@<host>]" → (pid, host); false for any other name.
bool parseTempName(const std::string& name, long& pid, std::string& host) {
    const std::size_t at = name.rfind(kTempTag);
    if (at == std::string::npos || at == 0) return false;
    const std::string_view rest = std::string_view(name).substr(at + kTempTag.size());
    const std::size_t sep = rest.find('@');
    const std::string_view digits = rest.substr(0, sep);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty()) return false;
    host = sep == std::string_view::npos ? std::string() : std::string(rest.substr(sep + 1));
    return true;
}

} // namespace

std::string hostName() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "localhost";
    return buf;
}

Status ensureDirectory(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error::data("cannot create directory " + dir.string() + ": " + ec.message());
    return {};
}

int syncDirectory(const fs::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    const int err = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return err;
}

Status atomicWriteFile(const fs::path& path, std::string_view content) {
    if (path.has_parent_path())
        if (auto st = ensureDirectory(path.parent_path()); !st) return st;
    const fs::path tmp =
        path.string() + std::string(kTempTag) + std::to_string(::getpid()) + "@" + hostName();
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return Error::data("cannot write " + tmp.string() + ": " + std::strerror(errno));
    const bool written = std::fwrite(content.data(), 1, content.size(), f) == content.size();
    const bool flushed = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
    const bool closed = std::fclose(f) == 0;
    if (!written || !flushed || !closed) {
        std::remove(tmp.c_str());
        return Error::data("cannot write " + path.string() + " (disk full or I/O error)");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        return Error::data("cannot rename " + tmp.string() + " to " + path.string() + ": " +
                           ec.message());
    }
    // File systems that cannot sync a directory (EINVAL) keep their own durability rules; an
    // I/O error means the rename may not survive a power cut.
    if (const int err = syncDirectory(path.parent_path()); err == EIO)
        return Error::data("cannot sync directory " + path.parent_path().string() +
                           " after writing " + path.filename().string() + ": " +
                           std::strerror(err));
    return {};
}

Result<std::string> readFile(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return Error::data("cannot read " + path.string() + ": it is a directory, expected a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::data("cannot open " + path.string() + ": " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return Error::data("cannot read " + path.string());
    return ss.str();
}

std::size_t removeStaleTempFiles(const fs::path& dir) {
    std::error_code ec;
    std::size_t removed = 0;
    const std::string here = hostName();
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        long pid = 0;
        std::string host;
        if (!it->is_regular_file(ec) || !parseTempName(it->path().filename().string(), pid, host))
            continue;
        if ((!host.empty() && host != here) || processAlive(pid)) continue;
        std::error_code rm;
        if (fs::remove(it->path(), rm)) ++removed;
    }
    return removed;
}

nlohmann::json readJsonHeader(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string line;
    if (!std::getline(in, line) || line.rfind("# ", 0) != 0) return nullptr;
    return nlohmann::json::parse(line.substr(2), nullptr, false);
}

} // namespace netsurf
