#include "engine/core/version.h"

namespace netsurf {
const char* version() { return NETSURF_VERSION_STRING; }
} // namespace netsurf
