#pragma once
// `bench train`: training throughput of the engine, measured side by side in one run against
// the plain single-threaded Eigen implementation of the same math (Execution::Reference).
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/core/progress.h"
#include "engine/model/benchmarks.h"
#include "engine/model/network.h"

namespace netsurf {

struct TrainBenchOptions {
    int epochs = 3;          // epochs per timed run
    int repeats = 3;         // timed runs per configuration; the median is reported
    int threads = 0;         // threads of the parallel run (0 = all hardware threads)
    std::size_t rows = 0;    // training rows (0 = the whole training split)
    double pruning = 0.125;
    std::uint64_t seed = 0;
};

struct TrainBenchRun {
    std::string label;       // "reference", "engine"
    Execution execution = Execution::Parallel;
    int threads = 1;
    std::vector<double> stepSeconds; // per repeat: time of the training steps only
    double medianSeconds = 0;
    double samplesPerSecond = 0;
    double gflopsPerSecond = 0;
    double finalLoss = 0;    // training objective of the last epoch (same for every repeat)
};

struct TrainBenchReport {
    std::string benchmark, dataset, datasetSource, scheme;
    std::size_t rows = 0;
    int epochs = 0, batchSize = 0;
    double flopsPerSample = 0; // trainingFlopsPerSample of the benchmark's model
    std::vector<TrainBenchRun> runs; // reference (1 thread), engine (1 thread), engine (N)
    // Trained weights of the parallel engine run vs the reference run: entries that differ
    // (the reductions sum in a different order, so rare last-bit differences can change a
    // quantized weight) out of all trainable entries.
    std::size_t differingWeights = 0, weights = 0;
};

// Trains `epochs` epochs of `spec` on the first `rows` training rows (no validation pass)
// `repeats` times per configuration and reports throughput. GFLOP/s counts the dense layers'
// multiply-adds of forward and backward (trainingFlopsPerSample).
Result<TrainBenchReport> benchTraining(const BenchmarkSpec& spec, const QuantScheme& scheme,
                                       const Dataset& data, const TrainBenchOptions& options,
                                       ProgressSink& sink, std::stop_token stop = {});

} // namespace netsurf
