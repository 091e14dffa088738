#pragma once
// File helpers. Every file the engine writes goes through atomicWriteFile: the content is written
// to a temporary file beside the target, flushed, then renamed over it, so a killed run never
// leaves a half-written file behind.
#include <filesystem>
#include <string>
#include <string_view>

#include "engine/core/result.h"

namespace netsurf {

Status atomicWriteFile(const std::filesystem::path& path, std::string_view content);
Result<std::string> readFile(const std::filesystem::path& path);
Status ensureDirectory(const std::filesystem::path& dir);

} // namespace netsurf
