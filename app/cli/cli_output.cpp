#include "app/cli/cli_output.h"

#include <cstdio>
#include <iostream>

namespace netsurf::cli {

namespace {
bool g_jsonErrors = false;
} // namespace

int exitCodeFor(const Error& error) {
    switch (error.kind) {
    case ErrorKind::Usage:
        return 2;
    case ErrorKind::Cancelled:
        return 130;
    case ErrorKind::Data:
    case ErrorKind::Internal:
        return 1;
    }
    return 1;
}

const char* kindName(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Usage:
        return "usage";
    case ErrorKind::Data:
        return "data";
    case ErrorKind::Cancelled:
        return "cancelled";
    case ErrorKind::Internal:
        return "internal";
    }
    return "internal";
}

void setJsonErrors(bool on) {
    g_jsonErrors = on;
}

int reportError(const Error& error) {
    const int code = exitCodeFor(error);
    if (g_jsonErrors) {
        // ordered_json: the keys in this order, as documented
        const nlohmann::ordered_json j = {
            {"error", error.message}, {"kind", kindName(error.kind)}, {"exit_code", code}};
        std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
    }
    std::cout.flush();
    std::fprintf(stderr, "netsurf-cli: error: %s\n", error.message.c_str());
    return code;
}

void printWarning(const std::string& message) {
    std::fprintf(stderr, "netsurf-cli: warning: %s\n", message.c_str());
}

void printJson(const nlohmann::json& j) {
    // Invalid UTF-8 in a message or path (a raw argument) is replaced, never a throw.
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

} // namespace netsurf::cli
