#pragma once
// `bench inject`: the fast (sparse-correction) faulty evaluator against the dense reference on
// the same flip sets at each BER of the grid, and the wall time of a whole sweep with each.
#include <stop_token>
#include <vector>

#include "engine/core/progress.h"
#include "engine/inject/sweep.h"

namespace netsurf {

struct InjectBenchOptions {
    SweepConfig grid;           // its BERs are measured; the whole grid is timed unless skipGrid
    double protection = 0.1;    // protection of the per-BER measurement
    std::size_t flipSets = 128; // flip sets per BER (the first repetitions of the point),
                                // timed in 5 rounds of one window of ≥ 0.25 s per evaluator
                                // (repeated passes over the sets) after a warm-up pass; each
                                // evaluator's fastest window counts
    bool skipGrid = false;
};

struct InjectBenchRow {
    double ber = 0;
    std::size_t flipSets = 0, meanFlips = 0;
    double fastEvalsPerSecond = 0, denseEvalsPerSecond = 0, denseGflops = 0;
    double speedup = 0;
    double maxAbsDiff = 0;                // max |loss_fast − loss_dense| over the flip sets
    std::size_t predictionMismatches = 0; // flip sets whose mismatch rates differ
};

struct InjectBenchReport {
    std::size_t samples = 0, bits = 0;
    int threads = 0;
    std::vector<InjectBenchRow> rows;
    bool gridTimed = false;
    std::size_t gridEvaluations = 0;
    double gridFastSeconds = 0, gridDenseSeconds = 0;
};

// Runs in the caller's arena (evaluations in parallel over flip sets / repetitions).
Result<InjectBenchReport> benchInjection(const FaultyEvalBase& fast, const FaultyEvalBase& dense,
                                         const Ranking& ranking, const InjectBenchOptions& options,
                                         ProgressSink& sink, std::stop_token stop = {});

} // namespace netsurf
