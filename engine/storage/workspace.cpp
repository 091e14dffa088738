#include "engine/storage/workspace.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "engine/core/number_format.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {
fs::path homeDir() {
    const char* h = std::getenv("HOME");
    return h && *h ? fs::path(h) : fs::current_path();
}
} // namespace

fs::path defaultWorkspaceDir() {
    if (const char* w = std::getenv("NETSURF_WORKSPACE"); w && *w) return w;
    return homeDir() / ".local/share/netsurf/workspace";
}

std::string pruningDirName(double pruning) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, pruning);
    return "prune_" + std::string(buf, ec == std::errc() ? end : buf);
}

fs::path modelDirectory(const fs::path& workspace, const std::string& benchmark,
                        const QuantScheme& scheme, double pruning) {
    return workspace / benchmark / scheme.dirName() / pruningDirName(pruning);
}

Status validatePruning(double pruning) {
    if (!std::isfinite(pruning) || pruning < 0 || pruning >= 1)
        return Error::usage("invalid pruning " + shortestDouble(pruning) +
                            ": expected a fraction with 0 <= pruning < 1");
    return {};
}

} // namespace netsurf
