#pragma once
// Output conventions of netsurf-cli: with --json exactly one JSON object on stdout; otherwise
// human-readable tables. Errors go to stderr as one sentence; with --json anywhere in the
// arguments an error also prints {"error": …, "kind": …, "exit_code": …} on stdout. Exit codes:
// 0 ok, 1 data error, 2 usage error, 130 cancelled.
#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/result.h"

namespace netsurf::cli {

int exitCodeFor(const Error& error);
const char* kindName(ErrorKind kind); // "usage", "data", "cancelled", "internal"

// Set once by main() when "--json" is among the arguments, before the command parses them.
void setJsonErrors(bool on);
// Prints "netsurf-cli: error: …" on stderr (and the JSON error object on stdout when
// setJsonErrors(true)) and returns the exit code.
int reportError(const Error& error);
void printWarning(const std::string& message); // "netsurf-cli: warning: …" on stderr
void printJson(const nlohmann::json& j);

} // namespace netsurf::cli
