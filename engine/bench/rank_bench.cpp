#include "engine/bench/rank_bench.h"

#include <chrono>
#include <cmath>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/jobs/rank_jobs.h"
#include "engine/rank/oracle.h"

namespace netsurf {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Times full re-evaluation and incremental ΔL on the same seeded sample of bits.
OracleSpeedup measureOracle(const Model& model, const BitPopulation& pop, const MatrixRM& X,
                            const Eigen::VectorXd& y, const RankBenchOptions& o,
                            ProgressSink& sink) {
    OracleSpeedup s;
    const std::size_t bits = pop.bits(), m = std::size_t(pop.bitsPerParam);
    s.sampledBits = std::min(o.sampleBits, bits);
    std::vector<std::size_t> sample(s.sampledBits);
    KeyedStream rng(hashKey(o.seed, std::uint64_t(RngPurpose::Ranking), 77));
    for (auto& b : sample) b = std::size_t(rng.below(bits));
    const OracleEvaluator eval(model, X, y);
    std::vector<double> inc(sample.size()), full(sample.size());
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < sample.size(); ++i)
        inc[i] = eval.deltaLoss(pop.params[sample[i] / m], int(sample[i] % m));
    s.incrementalSecondsPerBit = since(t0) / double(sample.size());
    const double clean = eval.cleanLoss();
    t0 = Clock::now();
    for (std::size_t i = 0; i < sample.size(); ++i) {
        if (i % 20 == 0)
            sink.progress({"bench oracle", std::int64_t(i), std::int64_t(sample.size()),
                           "full re-evaluation per bit"});
        full[i] = fullReevaluationDeltaLoss(model, X, y, pop.params[sample[i] / m],
                                            int(sample[i] % m), clean);
    }
    s.fullSecondsPerBit = since(t0) / double(sample.size());
    for (std::size_t i = 0; i < sample.size(); ++i)
        s.maxAbsDifference = std::max(s.maxAbsDifference, std::abs(inc[i] - full[i]));
    return s;
}

} // namespace

Result<RankBenchReport> benchRanking(const Model& model, const MatrixRM& X,
                                     const Eigen::VectorXd& y, const RankBenchOptions& o,
                                     ProgressSink& sink, std::stop_token stop) {
    RankBenchReport rep;
    const BitPopulation pop = makePopulation(model, Population::All);
    rep.samples = std::size_t(X.rows());
    rep.bits = pop.bits();
    rep.threads = currentConcurrency();
    const auto methods = o.methods.empty() ? allRankMethods() : o.methods;
    NullProgressSink quiet;
    for (RankMethod method : methods) {
        sink.progress({"bench rank", std::int64_t(rep.methods.size()),
                       std::int64_t(methods.size()), toString(method)});
        RankContext ctx{model, pop, X, y, o.seed, {}, {}};
        const RankConfig config{method, RankOrder::Plane, Population::All, o.seed, 0};
        const auto t0 = Clock::now();
        auto r = computeRanking(ctx, config, "bench", quiet, stop);
        if (!r) return r.error();
        rep.methods.push_back({method, since(t0), r->rows.size()});
        if (method == RankMethod::Oracle) {
            rep.hasOracle = true;
            rep.oracle = measureOracle(model, pop, X, y, o, sink);
            rep.oracle.rankingSecondsPerBit = rep.methods.back().seconds / double(pop.bits());
        }
    }
    sink.progress({"bench rank", std::int64_t(methods.size()), std::int64_t(methods.size()),
                   "done"});
    return rep;
}

} // namespace netsurf
