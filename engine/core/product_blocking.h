#pragma once
// Fixed blocking of Eigen's matrix products, so that the same build sums in the same order on
// every machine.
//
// Eigen splits a product C = A·B (depth k) into depth blocks of kc terms, and kc follows the
// L1 cache size it reads from cpuid (kc = 200 for k = 784 with a 32 KiB L1, larger with 48 KiB):
// Σ_i a_i·b_i is then added up as other partial sums and rounds differently — a machine with
// another L1 trained another model from the same seed (the L2 and L3 sizes choose the row and
// column panels, which can decide which micro-kernel a row goes through). pinProductBlocking()
// sets all three to the constants below (the L1 of most x86-64 CPUs). It runs at start-up (before
// main) and again at the start of every engine job (runInArena), so that nothing which changed
// Eigen's setting in between can change the engine's numbers. It only writes when the setting
// differs, so in normal operation it is a read.
#include <cstddef>

namespace netsurf {

inline constexpr std::ptrdiff_t kProductL1Bytes = 32 * 1024;
inline constexpr std::ptrdiff_t kProductL2Bytes = 1024 * 1024;
inline constexpr std::ptrdiff_t kProductL3Bytes = 32 * 1024 * 1024;

void pinProductBlocking();

} // namespace netsurf
