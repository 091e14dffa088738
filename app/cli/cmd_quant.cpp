#include "app/cli/cli_output.h"
#include "app/cli/commands.h"

namespace netsurf::cli {

int cmdQuant(const Args& /*args*/) {
    return reportError(Error::internal("'quant' is not implemented yet"));
}

} // namespace netsurf::cli
