#include "app/cli/cli_output.h"
#include "app/cli/commands.h"

namespace netsurf::cli {

int cmdDatasets(const Args& /*args*/) {
    return reportError(Error::internal("'datasets' is not implemented yet"));
}

} // namespace netsurf::cli
