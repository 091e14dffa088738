#include "app/cli/cli_output.h"

#include <cstdio>
#include <iostream>

namespace netsurf::cli {

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

int reportError(const Error& error) {
    std::cout.flush();
    std::fprintf(stderr, "netsurf-cli: error: %s\n", error.message.c_str());
    return exitCodeFor(error);
}

void printJson(const nlohmann::json& j) {
    std::cout << j.dump(2) << std::endl;
}

} // namespace netsurf::cli
