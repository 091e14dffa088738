#include "app/cli/cli_output.h"
#include "app/cli/commands.h"

namespace netsurf::cli {

int cmdTrain(const Args& /*args*/) {
    return reportError(Error::internal("'train' is not implemented yet"));
}

} // namespace netsurf::cli
