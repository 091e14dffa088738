#pragma once
namespace netsurf {
const char* version();     // semantic version of this build, e.g. "0.1.0"
const char* gitRevision(); // short git revision of the built tree ("-dirty" when modified)
} // namespace netsurf
