#pragma once
namespace netsurf {
const char* version();     // semantic version of this build, e.g. "0.1.0"
const char* gitRevision(); // short git revision of the built tree ("-dirty" when modified)
// Instruction set the engine was compiled for, e.g. "x86-64-v3 (AVX2, FMA)": the same seed and
// data give the same numbers on every machine for one build; another instruction set may
// round some sums differently.
const char* instructionSet();
} // namespace netsurf
