#pragma once
// File helpers. Every file the engine writes goes through atomicWriteFile: the content is written
// to a temporary file beside the target (`<name>.tmp.<pid>@<host>`), flushed and synced, renamed
// over the target, then the directory is synced — so a killed run never leaves a half-written
// file behind, and a finished file survives a power cut.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/core/result.h"

namespace netsurf {

Status atomicWriteFile(const std::filesystem::path& path, std::string_view content);
// A directory is refused with "it is a directory, expected a file".
Result<std::string> readFile(const std::filesystem::path& path);
Status ensureDirectory(const std::filesystem::path& dir);
// fsync of a directory (makes renames and new entries in it durable): 0, or the errno.
int syncDirectory(const std::filesystem::path& dir);

// The JSON object of a file's header line ("# {…}" on line 1, as ranking and results files
// start); null when the file or its header cannot be read.
nlohmann::json readJsonHeader(const std::filesystem::path& file);

// This machine's host name ("localhost" when unknown).
std::string hostName();

// Removes, below `dir` (recursively), the temporary files of atomicWriteFile left by processes
// of this host that are no longer alive (`*.tmp.<pid>` of older versions count as this host's).
// A live writer's file and other hosts' files are kept. Returns the number removed.
std::size_t removeStaleTempFiles(const std::filesystem::path& dir);

} // namespace netsurf
