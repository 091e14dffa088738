#include "app/cli/cli_output.h"
#include "app/cli/commands.h"

namespace netsurf::cli {

int cmdEvaluate(const Args& /*args*/) {
    return reportError(Error::internal("'evaluate' is not implemented yet"));
}

} // namespace netsurf::cli
