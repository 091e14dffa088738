#pragma once
// Results of an injection sweep (SPEC §4): one row per (protection, BER, repetition), and the
// identity of the experiment. Stored as <model dir>/experiments/<ranking id>/<experiment
// key>/results.csv (see results_store.h); read back by `compare`.
#include <cstdint>
#include <string>
#include <vector>

namespace netsurf {

enum class SweepMode { Exhaustive, MonteCarlo };
const char* toString(SweepMode m); // "exhaustive", "montecarlo"

struct SweepRow {
    double protection = 0;
    double ber = 0;
    int rep = 0;
    std::uint64_t flips = 0;     // bits flipped in this repetition
    double trueBer = 0;          // flips / susceptible bits S
    double loss = 0;             // faulty mean loss on the evaluation split
    std::vector<double> metrics; // aligned with SweepResults::metricNames
    double mismatchRate = 0;
};

struct SweepResults {
    std::string rankingId, method, order, population;
    SweepMode mode = SweepMode::Exhaustive;
    std::uint64_t seed = 0;
    std::string benchmark, quantization, evalSplit;
    double pruning = 0;
    std::string modelChecksum;
    // SHA-256 of the evaluation data's source files (the dataset checksum): with the split name
    // and the model (whose seed carves the training split) it fixes the evaluated rows exactly;
    // part of the experiment's identity (results_store.h ExperimentId), required in format 2.
    std::string evalDataChecksum;
    std::vector<std::string> metricNames; // e.g. {"accuracy"} or {"mae", "r2", "pearson"}
    double cleanLoss = 0;
    std::vector<double> cleanMetrics;
    std::vector<SweepRow> rows; // sorted by (protection, ber, rep)
};

} // namespace netsurf
