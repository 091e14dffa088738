#include "engine/core/version.h"

namespace netsurf {

const char* version() {
    return NETSURF_VERSION_STRING;
}

const char* instructionSet() {
    return NETSURF_ARCH_STRING " ("
#if defined(__AVX512F__)
                               "AVX-512, "
#endif
#if defined(__AVX2__)
                               "AVX2, "
#elif defined(__AVX__)
                               "AVX, "
#else
                               "SSE2, "
#endif
#if defined(__FMA__)
                               "FMA"
#else
                               "no FMA"
#endif
                               ")";
}

} // namespace netsurf
