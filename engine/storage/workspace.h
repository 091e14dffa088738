#pragma once
// Workspace layout (SPEC §3 names):
//   <workspace>/<benchmark>/<q6_2_1>/<prune_0.125>/model.json, history.csv, rankings/, …
#include <filesystem>
#include <string>

#include "engine/quant/quant_scheme.h"

namespace netsurf {

// $NETSURF_WORKSPACE, else ~/.local/share/netsurf/workspace.
std::filesystem::path defaultWorkspaceDir();

// Pruning in shortest decimal form: 0 → "prune_0", 0.125 → "prune_0.125".
std::string pruningDirName(double pruning);

std::filesystem::path modelDirectory(const std::filesystem::path& workspace,
                                     const std::string& benchmark, const QuantScheme& scheme,
                                     double pruning);

// Validates a pruning fraction given by the user: 0 ≤ p < 1.
Status validatePruning(double pruning);

} // namespace netsurf
