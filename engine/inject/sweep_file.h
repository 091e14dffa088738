#pragma once
// A sweep backed by its results.csv: rows already in the file are kept (after checking that
// the file belongs to the same ranking, model and run), only missing rows are computed and
// appended batch by batch, and the complete file is rewritten sorted at the end — so an
// interrupted and resumed run ends with the same rows as an uninterrupted one.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/inject/sweep.h"

namespace netsurf {

struct SweepFileOutcome {
    SweepResults results; // identity + every row of the file, sorted
    std::size_t computedRows = 0, reusedRows = 0;
    std::vector<std::string> warnings; // dropped truncated/corrupt rows
};

// `identity`: the run's SweepResults without rows. `threads` is recorded in the header.
Result<SweepFileOutcome> runSweepToFile(const FaultyEvalBase& evaluator, const Ranking& ranking,
                                        const SweepConfig& config, SweepResults identity,
                                        const std::filesystem::path& path, bool rerun,
                                        const FaultSink& faults, ProgressSink& sink,
                                        std::stop_token stop);

} // namespace netsurf
