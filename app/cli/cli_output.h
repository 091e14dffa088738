#pragma once
// Output conventions of netsurf-cli: with --json exactly one JSON object on stdout; otherwise
// human-readable tables. Errors go to stderr as one sentence; exit codes: 0 ok, 1 data error,
// 2 usage error, 130 cancelled.
#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/result.h"

namespace netsurf::cli {

int exitCodeFor(const Error& error);
int reportError(const Error& error); // prints "netsurf-cli: error: …" and returns the exit code
void printJson(const nlohmann::json& j);

} // namespace netsurf::cli
