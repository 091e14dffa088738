// Refuses to start on a CPU that lacks the instruction set the build targets (NETSURF_ARCH),
// with one sentence instead of an illegal-instruction crash somewhere later.
//
// This file is compiled for the baseline x86-64 (engine/CMakeLists.txt), and its check runs as a
// priority-101 constructor: before the default-priority static initializers of the program's
// own code, which may already use AVX2. Once the CPU is known to be good it pins Eigen's product
// blocking (product_blocking.h) before anything multiplies a matrix. Every executable that links
// the engine gets it (the engine's link interface forces `netsurf_cpu_check_anchor` in).
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "engine/core/product_blocking.h"

extern "C" {
extern char* program_invocation_short_name; // glibc
int netsurf_cpu_check_anchor = 0;
}

namespace {

#if NETSURF_ARCH_LEVEL >= 4
#define NETSURF_ARCH_FEATURES "AVX-512"
#elif NETSURF_ARCH_LEVEL == 3
#define NETSURF_ARCH_FEATURES "AVX2, FMA and BMI2"
#else
#define NETSURF_ARCH_FEATURES "SSE4.2 and POPCNT"
#endif

bool cpuHasBuildTarget() {
#if NETSURF_ARCH_LEVEL >= 4
    return __builtin_cpu_supports("x86-64-v4");
#elif NETSURF_ARCH_LEVEL == 3
    return __builtin_cpu_supports("x86-64-v3");
#elif NETSURF_ARCH_LEVEL == 2
    return __builtin_cpu_supports("x86-64-v2");
#else
    return true; // baseline or a custom -march: nothing to check
#endif
}

void say(const char* s) {
    ssize_t ignored = ::write(2, s, std::strlen(s));
    (void)ignored;
}

__attribute__((constructor(101))) void checkCpu() {
    __builtin_cpu_init();
    if (cpuHasBuildTarget()) {
        netsurf::pinProductBlocking(); // built for NETSURF_ARCH, safe to call from here on
        return;
    }
    say(program_invocation_short_name);
    say(": error: this build of NetSurf needs a CPU with " NETSURF_ARCH_FEATURES
        " (" NETSURF_ARCH_STRING ") and this CPU lacks them; rebuild with cmake "
        "-DNETSURF_ARCH=x86-64 for this machine (slower, and some sums round differently)\n");
    ::_exit(1);
}

} // namespace
