#pragma once
// `bench rank`: time per ranking of each method on one model, and the speed-up of the oracle's
// incremental evaluator over a full re-evaluation per bit, measured on the same sampled bits in
// the same run.
#include <stop_token>
#include <string>
#include <vector>

#include "engine/core/progress.h"
#include "engine/rank/rank_context.h"
#include "engine/rank/ranking.h"

namespace netsurf {

struct RankBenchOptions {
    std::vector<RankMethod> methods; // empty: all 14
    std::size_t sampleBits = 200;    // bits timed by full re-evaluation for the oracle
    std::uint64_t seed = 0;
};

struct RankBenchMethod {
    RankMethod method;
    double seconds = 0; // scores + ordering, fresh context (no work shared with other methods)
    std::size_t bits = 0;
};

struct OracleSpeedup {
    std::size_t sampledBits = 0;
    double fullSecondsPerBit = 0;        // full Exact forward pass per bit
    double incrementalSecondsPerBit = 0; // OracleEvaluator::deltaLoss, no memo
    double rankingSecondsPerBit = 0;     // whole oracle ranking / population bits (with memos)
    double maxAbsDifference = 0;         // |incremental − full| over the sampled bits
};

struct RankBenchReport {
    std::size_t samples = 0, bits = 0;
    int threads = 0;
    std::vector<RankBenchMethod> methods;
    bool hasOracle = false;
    OracleSpeedup oracle;
};

// X, y: the ranking data (normalized). Runs in the caller's arena.
Result<RankBenchReport> benchRanking(const Model& model, const MatrixRM& X,
                                     const Eigen::VectorXd& y, const RankBenchOptions& options,
                                     ProgressSink& sink, std::stop_token stop = {});

} // namespace netsurf
