#include "app/cli/cli_output.h"
#include "app/cli/commands.h"

namespace netsurf::cli {

int cmdBench(const Args& /*args*/) {
    return reportError(Error::internal("'bench' is not implemented yet"));
}

} // namespace netsurf::cli
