#include "engine/runner/batch_jobs.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/compare/compare_job.h"
#include "engine/jobs/inject_job.h"
#include "engine/jobs/profile_job.h"
#include "engine/storage/workspace.h"

namespace netsurf {

using nlohmann::json;

namespace {

// Sizes behind the estimates: rows fitted, test rows, multiply-adds per sample.
struct BenchmarkSize {
    double fitRows, testRows, macs;
};

BenchmarkSize sizeOf(const std::string& benchmark) {
    static const std::map<std::string, BenchmarkSize> sizes{
        {"mnist_fnn", {7200, 2000, 784 * 64 + 64 * 10}},
        {"fashion_mnist_fnn", {54000, 10000, 784 * 64 + 64 * 10}},
        {"autompg", {283, 78, 9 * 64 + 64 * 64 + 64}},
        {"smartpixel_small", {40873, 11113, 13 * 58 + 58 * 3}}};
    const auto it = sizes.find(benchmark);
    return it != sizes.end() ? it->second : BenchmarkSize{10000, 2000, 50000};
}

// Seconds of the mnist_fnn ranking (7 200 samples, 51 018 parameters, 2 cores; benchmarks.md).
double mnistRankSeconds(RankMethod m) {
    switch (m) {
    case RankMethod::Oracle:
        return 4.0;
    case RankMethod::Hessian:
    case RankMethod::HessianDelta:
        return 1.15;
    case RankMethod::GradDelta:
        return 0.33;
    case RankMethod::Taylor:
    case RankMethod::QPolarGrad:
        return 0.11;
    case RankMethod::Grad:
    case RankMethod::GradNorm:
        return 0.08;
    default:
        return 0.04;
    }
}

json modelParams(const ModelSelector& m) {
    return {{"benchmark", m.benchmark},
            {"quantization", m.scheme.str()},
            {"pruning", m.pruning},
            {"workspace", m.workspace.string()}};
}

JobSpec trainJob(const ModelSelector& m, const BatchConfig& c, const DatasetOptions& data) {
    JobSpec s;
    s.id = "train:" + modelKey(m.benchmark, m.scheme, m.pruning);
    s.kind = JobKind::Train;
    s.params = modelParams(m);
    s.params["seed"] = c.seed;
    s.params["epochs"] = c.epochs ? json(*c.epochs) : json();
    const int epochs = c.epochs.value_or(benchmarkSpec(m.benchmark)->epochs);
    s.estimatedSeconds = estimateTrainSeconds(m.benchmark, epochs);
    TrainRequest req{.model = m, .epochs = c.epochs, .seed = c.seed, .data = data};
    s.run = [req, epochs](JobContext& ctx) -> Result<JobOutcome> {
        TrainRequest r = req;
        r.threads = ctx.threads;
        r.onEpoch = [&ctx, epochs](const EpochRecord& e) { ctx.publish(EpochFinished{e, epochs}); };
        auto out = runTrainJob(r, *ctx.progress, ctx.stop);
        if (!out) return out.error();
        return JobOutcome{.reusedFiles = out->reused};
    };
    return s;
}

JobSpec profileJob(const ModelSelector& m, const BatchConfig& c, const DatasetOptions& data,
                   const std::string& trainId) {
    JobSpec s;
    s.id = "profile:" + modelKey(m.benchmark, m.scheme, m.pruning);
    s.kind = JobKind::Profile;
    s.dependsOn = {trainId};
    s.params = modelParams(m);
    s.params["samples"] = c.profileSamples;
    s.estimatedSeconds = estimateProfileSeconds(m.benchmark, c.profileSamples);
    const ProfileRequest req{
        .model = m, .samples = c.profileSamples, .data = data, .reuseExisting = true};
    s.run = [req](JobContext& ctx) -> Result<JobOutcome> {
        ProfileRequest r = req;
        r.threads = ctx.threads;
        auto out = runProfileJob(r, *ctx.progress, ctx.stop);
        if (!out) return out.error();
        return JobOutcome{.reusedFiles = out->reused};
    };
    return s;
}

std::string rankingKey(RankMethod m, RankOrder o, std::uint64_t seed) {
    const RankConfig rc{.method = m, .order = o};
    return std::string(toString(m)) + "-" + toString(effectiveOrder(rc)) + "-s" +
           std::to_string(seed);
}

JobSpec rankJob(const ModelSelector& model, RankMethod m, RankOrder o, const BatchConfig& c,
                const DatasetOptions& data, const std::string& trainId) {
    JobSpec s;
    s.id = "rank:" + modelKey(model.benchmark, model.scheme, model.pruning) + "/" +
           rankingKey(m, o, c.seed);
    s.kind = JobKind::Rank;
    s.dependsOn = {trainId};
    s.params = modelParams(model);
    s.params.update({{"method", toString(m)}, {"order", toString(o)}, {"seed", c.seed}});
    s.estimatedSeconds = estimateRankSeconds(model.benchmark, m);
    RankRequest req{.model = model,
                    .methods = {m},
                    .order = o,
                    .seed = c.seed,
                    .data = data,
                    .trainIfMissing = false};
    s.run = [req](JobContext& ctx) -> Result<JobOutcome> {
        RankRequest r = req;
        r.threads = ctx.threads;
        auto out = runRankJob(r, *ctx.progress, ctx.stop);
        if (!out) return out.error();
        const RankedFile& f = out->rankings.front();
        ctx.publish(RankingFinished{
            toString(f.ranking.config.method), toString(effectiveOrder(f.ranking.config)),
            f.ranking.id, f.path, f.ranking.population.bits(), f.ranking.seconds, f.reused});
        return JobOutcome{.reusedFiles = f.reused};
    };
    return s;
}

JobSpec injectJob(const ModelSelector& model, RankMethod m, RankOrder o, const BatchConfig& c,
                  const DatasetOptions& data, const std::string& rankId) {
    JobSpec s;
    s.id = "inject:" + modelKey(model.benchmark, model.scheme, model.pruning) + "/" +
           rankingKey(m, o, c.seed) + "/" + toString(c.sweep.mode) + "-" + c.evalSplit;
    s.kind = JobKind::Inject;
    s.dependsOn = {rankId};
    s.params = modelParams(model);
    s.params.update({{"method", toString(m)},
                     {"order", toString(o)},
                     {"seed", c.seed},
                     {"mode", toString(c.sweep.mode)},
                     {"eval_split", c.evalSplit},
                     {"ber", c.sweep.bers},
                     {"protection", c.sweep.protections},
                     {"reps", c.sweep.reps}});
    s.estimatedSeconds = estimateInjectSeconds(model.benchmark, c.sweep, c.evalSplit);
    InjectRequest req{.model = model,
                      .method = m,
                      .order = o,
                      .sweep = c.sweep,
                      .evalSplit = c.evalSplit,
                      .data = data};
    s.run = [req](JobContext& ctx) -> Result<JobOutcome> {
        // The ranking is the rank job's: load it, never compute it here.
        RankRequest rr{.model = req.model,
                       .methods = {req.method},
                       .order = req.order,
                       .seed = req.sweep.seed,
                       .threads = ctx.threads,
                       .data = req.data,
                       .trainIfMissing = false,
                       .existingOnly = true};
        auto ranked = runRankJob(rr, *ctx.progress, ctx.stop);
        if (!ranked) return ranked.error();
        InjectRequest r = req;
        r.threads = ctx.threads;
        std::uint64_t batch = 0; // numbered per job: a gap would mean lost rows
        r.rowsAppended = [&ctx, &batch](const std::filesystem::path& file,
                                        const std::vector<SweepRow>& rows) {
            ctx.publish(SweepRowsProduced{batch++, file, rows});
        };
        auto out =
            runInjectOnRanking(r, *ranked, ranked->rankings.front(), *ctx.progress, ctx.stop);
        if (!out) return out.error();
        for (const std::string& w : out->warnings)
            ctx.progress->warning(w);
        return JobOutcome{.reusedFiles = out->computedRows == 0};
    };
    return s;
}

JobSpec compareJob(const ModelSelector& model, std::vector<std::string> injectIds) {
    JobSpec s;
    s.id = "compare:" + modelKey(model.benchmark, model.scheme, model.pruning);
    s.kind = JobKind::Compare;
    s.dependsOn = std::move(injectIds);
    s.params = modelParams(model);
    s.estimatedSeconds = 0.5;
    const CompareRequest req{.model = model};
    s.run = [req](JobContext& ctx) -> Result<JobOutcome> {
        CompareRequest r = req;
        r.threads = ctx.threads;
        auto out = runCompareJob(r, *ctx.progress, ctx.stop);
        if (!out) return out.error();
        for (const std::string& w : out->warnings)
            ctx.progress->warning(w);
        return JobOutcome{};
    };
    return s;
}

// The jobs of one model: train, then profile, per ranking rank → inject, then compare.
void addModelJobs(const ModelSelector& model, const BatchConfig& c, const DatasetOptions& data,
                  std::vector<JobSpec>& jobs) {
    jobs.push_back(trainJob(model, c, data));
    const std::string trainId = jobs.back().id;
    if (c.profile) jobs.push_back(profileJob(model, c, data, trainId));
    std::vector<std::string> injects;
    std::map<std::string, bool> seen; // methods that ignore the order rank once
    for (RankMethod m : c.methods)
        for (RankOrder o : c.orders) {
            if (!seen.emplace(rankingKey(m, o, c.seed), true).second) continue;
            jobs.push_back(rankJob(model, m, o, c, data, trainId));
            const std::string rankId = jobs.back().id;
            jobs.push_back(injectJob(model, m, o, c, data, rankId));
            injects.push_back(jobs.back().id);
        }
    jobs.push_back(compareJob(model, std::move(injects)));
}

} // namespace

std::string modelKey(const std::string& benchmark, const QuantScheme& q, double pruning) {
    return benchmark + "/" + q.dirName() + "/" + pruningDirName(pruning);
}

std::vector<JobSpec> buildBatchJobs(const BatchConfig& c, const BatchJobsOptions& options) {
    std::vector<JobSpec> jobs;
    const std::filesystem::path ws =
        options.workspace.empty() ? defaultWorkspaceDir() : options.workspace;
    for (const std::string& b : c.benchmarks)
        for (const QuantScheme& q : c.quantizations)
            for (double p : c.prunings)
                addModelJobs(
                    ModelSelector{.benchmark = b, .scheme = q, .pruning = p, .workspace = ws}, c,
                    options.data, jobs);
    return jobs;
}

double estimateTrainSeconds(const std::string& benchmark, int epochs) {
    const BenchmarkSize s = sizeOf(benchmark);
    // 2.8e-10 s per sample and multiply-add (forward, backward, validation) + 0.6 ms per epoch.
    return epochs * (s.fitRows * s.macs * 2.8e-10 + 6e-4) + 0.5;
}

double estimateRankSeconds(const std::string& benchmark, RankMethod method) {
    const BenchmarkSize s = sizeOf(benchmark);
    return mnistRankSeconds(method) * (s.fitRows * s.macs) / (7200.0 * 50816.0) + 0.3;
}

double estimateProfileSeconds(const std::string& benchmark, std::size_t samples) {
    const BenchmarkSize s = sizeOf(benchmark);
    const double rows = samples > 0 ? std::min(double(samples), s.fitRows) : s.fitRows;
    // Loading + per-bit distributions (~20 µs per multiply-add of the network) + per row 40 µs
    // and 1.5 ns per multiply-add (gradients); measured on 2 cores, both profiles: mnist_fnn
    // 7 200 rows 1.9–2.4 s, fashion_mnist_fnn 54 000 rows 9 s, smartpixel_small 40 873 rows 1.8 s.
    return 0.5 + s.macs * 2e-5 + rows * (4e-5 + s.macs * 1.5e-9);
}

double estimateInjectSeconds(const std::string& benchmark, const SweepConfig& sweep,
                             const std::string& evalSplit) {
    double evaluations = 0;
    for (std::size_t p = 0; p < sweep.protections.size(); ++p)
        for (double ber : sweep.bers)
            evaluations += sweep.mode == SweepMode::MonteCarlo ? sweep.reps : std::ceil(1 / ber);
    const BenchmarkSize s = sizeOf(benchmark);
    const double rows = evalSplit == "train" ? s.fitRows : s.testRows;
    // 3e-12 s per row and multiply-add of a fast faulty evaluation + 50 µs per evaluation.
    return evaluations * (rows * s.macs * 3e-12 + 5e-5) + 0.5;
}

} // namespace netsurf
