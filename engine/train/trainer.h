#pragma once
// Quantization-aware training with magnitude pruning (SPEC §2).
//
// Forward with the stored codes Q(w) (masked), straight-through gradient to float shadow weights,
// Adam step, shadow weights clipped to [Qmin, Qmax], then re-quantized. Batches are split into
// fixed row chunks processed in parallel and reduced in chunk order, so the trained weights are
// identical for any number of threads.
#include <cmath>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <vector>

#include "engine/core/progress.h"
#include "engine/model/benchmarks.h"
#include "engine/model/loss.h"
#include "engine/model/network.h"
#include "engine/train/splits.h"

namespace netsurf {

struct EpochRecord;

struct TrainOptions {
    int epochs = 0; // 0 = the benchmark's default
    std::uint64_t seed = 0;
    Execution execution = Execution::Parallel; // Reference: the single-threaded baseline
    // Called on the training thread after each epoch with its record (live front ends).
    std::function<void(const EpochRecord&)> onEpoch;
    // EpochRecord::fisherTrace every `fisherEvery` epochs (and at the last epoch run); 0 picks
    // the period from the split sizes (fisherPeriod), a negative value never computes it.
    int fisherEvery = 0;
};

struct EpochRecord {
    int epoch = 0;
    double loss = 0;    // mean training objective over the epoch (data loss + penalty)
    Metrics metrics;    // training metrics of the epoch's batches (surrogate forward)
    double valLoss = 0; // exact evaluation on the validation split
    Metrics valMetrics;
    double sparsity = 0;     // kernel sparsity at the end of the epoch
    double learningRate = 0; // Adam's step size during the epoch
    double seconds = 0;      // wall time of the epoch
    double stepSeconds = 0;  // of which the training steps (without pruning and validation)
    // Diagnostics (read-only: they never change the trained weights).
    double alphaMean = NAN;   // mean of the stored α over every channel of every apply_alpha
    double betaMean = NAN;    // … and of β (NaN without apply_alpha layers)
    double rangePenalty = 0;  // the apply_alpha range penalty of the objective, epoch mean
    double fisherTrace = NAN; // empirical Fisher trace on the Fisher rows (NaN when skipped)
    double fisherSeconds = 0; // of `seconds`: the Fisher trace's computation
};

struct TrainResult {
    Model model; // stored (quantized, masked) model
    std::vector<EpochRecord> history;
    int epochsConfigured = 0;
    int epochsRun = 0;
    int bestEpoch = 0; // epoch whose weights were kept
    bool earlyStopped = false;
    double seconds = 0;
    std::uint64_t samplesProcessed = 0;
    double stepSeconds = 0;   // sum of EpochRecord::stepSeconds
    double fisherSeconds = 0; // sum of EpochRecord::fisherSeconds
    int fisherEvery = 0;      // the period used
};

// Rows of the training split the Fisher trace of the history is computed on (the first ones).
inline constexpr std::size_t kFisherTraceRows = 256;
// The automatic period of EpochRecord::fisherTrace: the trace costs about a forward and a
// backward pass over kFisherTraceRows rows, an epoch one over `trainRows`; the period keeps the
// trace near 1 % of the epochs' work: ⌈min(256, trainRows) / (0.01 · trainRows)⌉ (measured
// 0.4 % on mnist_fnn, 1.5 % on autompg, where fixed costs weigh more: docs/diagnostics.md).
int fisherPeriod(std::size_t trainRows);

Result<TrainResult> trainModel(const BenchmarkSpec& spec, const QuantScheme& scheme, double pruning,
                               const Dataset& data, const Splits& splits,
                               const TrainOptions& options, ProgressSink& sink,
                               std::stop_token stop = {});

// The stored model trainModel starts from (seed = TrainOptions::seed): the initial weights,
// quantized, with the normalizer fitted on the training split; nothing pruned yet.
Model initialModel(const BenchmarkSpec& spec, const QuantScheme& scheme, const Dataset& data,
                   const Splits& splits, std::uint64_t seed);

// Floating-point operations of one training step per sample (forward + backward of the dense
// layers: 2·in·out each for Z, dW and dX except dX of the first layer).
double trainingFlopsPerSample(const Model& model);

} // namespace netsurf
