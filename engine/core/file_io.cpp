#include "engine/core/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace netsurf {

namespace fs = std::filesystem;

Status ensureDirectory(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error::data("cannot create directory " + dir.string() + ": " + ec.message());
    return {};
}

Status atomicWriteFile(const fs::path& path, std::string_view content) {
    if (path.has_parent_path())
        if (auto st = ensureDirectory(path.parent_path()); !st) return st;
    const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
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
    return {};
}

Result<std::string> readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::data("cannot open " + path.string() + ": " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return Error::data("cannot read " + path.string());
    return ss.str();
}

} // namespace netsurf
