#pragma once
// A sweep backed by the results.csv of its experiment: rows already in the file are kept (after
// checking that the file holds the same experiment: ranking, model, mode, evaluation split and
// data, seed), only the (protection, BER, rep) rows of the requested grid that are missing are
// computed and appended batch by batch, and the complete file — old rows outside the requested
// grid included, the grid is coverage that grows — is rewritten sorted at the end. So an
// interrupted and resumed run ends with the same rows as an uninterrupted one, and extending a
// grid computes only the new points.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/inject/sweep.h"

namespace netsurf {

struct SweepFileOptions {
    bool rerun = false;            // start the file over instead of reusing its rows
    FaultSink faults;              // may be empty
    SweepRowObserver rowsAppended; // may be empty
};

struct SweepFileOutcome {
    SweepResults results; // identity + every row of the file, sorted
    std::size_t computedRows = 0, reusedRows = 0;
    std::vector<std::string> warnings; // dropped truncated/corrupt rows, low BERs
};

// `identity`: the run's SweepResults without rows. The number of threads in the caller's arena is
// recorded in the header.
Result<SweepFileOutcome> runSweepToFile(const FaultyEvalBase& evaluator, const Ranking& ranking,
                                        const SweepConfig& config, SweepResults identity,
                                        const std::filesystem::path& path,
                                        const SweepFileOptions& options, ProgressSink& sink,
                                        std::stop_token stop);

} // namespace netsurf
