#include "engine/jobs/rank_jobs.h"

#include <chrono>
#include <map>

#include "engine/core/parallel.h"
#include "engine/core/sha256.h"
#include "engine/model/input_grid.h"
#include "engine/storage/ranking_file.h"
#include "engine/train/splits.h"

namespace netsurf {

namespace fs = std::filesystem;

Result<TrainingData> loadTrainingData(const ModelFile& file, const DatasetOptions& options,
                                      ProgressSink& sink) {
    const BenchmarkSpec spec = *benchmarkSpec(file.model.benchmark);
    sink.progress({"load", 0, 1, "loading dataset " + spec.dataset});
    auto data = loadDataset(spec.dataset, options);
    if (!data) return data.error();
    if (data->checksum != file.provenance.datasetChecksum)
        sink.warning("dataset " + spec.dataset +
                     " differs from the one the model was trained on "
                     "(checksum " +
                     data->checksum.substr(0, 12) + " vs " +
                     file.provenance.datasetChecksum.substr(0, 12) + ")");
    auto splits = benchmarkSplits(*data, file.provenance.seed);
    if (!splits) return splits.error();
    return TrainingData{std::move(*data), std::move(*splits)};
}

Result<RankData> loadRankData(const ModelFile& file, std::size_t samples,
                              const DatasetOptions& options, ProgressSink& sink) {
    auto loaded = loadTrainingData(file, options, sink);
    if (!loaded) return loaded.error();
    const Split& train = loaded->splits.train;
    const auto n = Eigen::Index(samples > 0 ? std::min(samples, train.size()) : train.size());
    RankData d;
    d.X = evaluationInputs(file.model, train.X.topRows(n));
    d.y = train.y.head(n);
    return d;
}

Result<Ranking> computeRanking(RankContext& ctx, const RankConfig& config,
                               const std::string& modelChecksum, ProgressSink& sink,
                               std::stop_token stop) {
    const auto t0 = std::chrono::steady_clock::now();
    sink.progress({toString(config.method), 0, 1, "ranking"});
    auto scores = scoreFunction(config.method)(ctx, sink, stop);
    if (!scores) return scores.error();
    if (scores->values.size() !=
        (scores->kind == ScoreKind::PerBit ? ctx.population.bits() : ctx.population.params.size()))
        return Error::internal(std::string(toString(config.method)) + " returned " +
                               std::to_string(scores->values.size()) + " scores");
    Ranking r;
    r.config = config;
    r.modelChecksum = modelChecksum;
    r.id = rankingId(config, modelChecksum);
    r.samplesUsed = std::size_t(ctx.X.rows());
    r.diagnostics = std::move(scores->diagnostics);
    r.population = ctx.population;
    r.rows = orderBits(ctx.model, ctx.population, *scores, config);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sink.progress({toString(config.method), 1, 1, "done"});
    return r;
}

namespace {

// Everything shared by the methods of one call.
struct SharedWork {
    std::optional<RankData> data;
    std::map<Population, BitPopulation> populations;
    std::map<Population, std::unique_ptr<RankContext>> contexts;
};

Result<RankContext*> contextFor(SharedWork& w, const ModelFile& file, const RankRequest& req,
                                ProgressSink& sink) {
    if (!w.data) {
        auto d = loadRankData(file, req.samples, req.data, sink);
        if (!d) return d.error();
        w.data = std::move(*d);
    }
    auto& ctx = w.contexts[req.population];
    if (!ctx) {
        const auto& pop = w.populations[req.population] =
            makePopulation(file.model, req.population);
        ctx.reset(new RankContext{file.model, pop, w.data->X, w.data->y, req.seed, {}, {}});
    }
    return ctx.get();
}

Result<RankedFile> rankOne(RankMethod method, const RankRequest& req, const ModelFile& file,
                           const fs::path& modelPath, const std::string& checksum, SharedWork& work,
                           ProgressSink& sink, std::stop_token stop) {
    RankConfig c{method, req.order, req.population, req.seed, req.samples};
    Ranking probe;
    probe.config = c;
    probe.id = rankingId(c, checksum);
    RankedFile out;
    out.path = rankingsDirectory(modelPath.parent_path()) / rankingFileName(probe);
    if (!req.rerank && fs::exists(out.path)) {
        auto r = loadRankingFile(out.path, file.model, checksum);
        if (!r) return Error::data(r.error().message + " (use --rerank to recompute it)");
        out.reused = true;
        out.ranking = std::move(*r);
        return out;
    }
    if (req.existingOnly)
        return Error::data("no " + std::string(toString(method)) + " ranking at " +
                           out.path.string() + " (its rank job has to run first)");
    auto ctx = contextFor(work, file, req, sink);
    if (!ctx) return ctx.error();
    auto r = computeRanking(**ctx, c, checksum, sink, stop);
    if (!r) return r.error();
    out.ranking = std::move(*r);
    RankingFileInfo info{file.model.benchmark, file.pruning, utcTimestamp()};
    if (auto st = saveRankingFile(out.path, file.model, out.ranking, info); !st) return st.error();
    return out;
}

} // namespace

Result<RankOutcome> runRankJob(const RankRequest& req, ProgressSink& sink, std::stop_token stop) {
    if (req.methods.empty()) return Error::usage("no ranking method given");
    RankOutcome out;
    out.modelPath = modelPathFor(req.model);
    removeStaleTempFilesOf(req.model, sink);
    if (req.trainIfMissing && !fs::exists(out.modelPath)) {
        // The model is trained with the request's seed (the seed of the ranking and sweep).
        TrainRequest t{
            .model = req.model, .seed = req.seed, .threads = req.threads, .data = req.data};
        auto trained = runTrainJob(t, sink, stop);
        if (!trained) return trained.error();
        out.trained = true;
    }
    auto file = loadSelectedModel(req.model);
    if (!file) return file.error();
    auto checksum = sha256File(out.modelPath);
    if (!checksum) return checksum.error();
    SharedWork work;
    Status status;
    runInArena(req.threads, [&] {
        for (RankMethod m : req.methods) {
            auto r = rankOne(m, req, *file, out.modelPath, *checksum, work, sink, stop);
            if (!r) {
                status = r.error();
                return;
            }
            out.rankings.push_back(std::move(*r));
        }
    });
    if (!status) return status.error();
    out.file = std::move(*file);
    out.modelChecksum = std::move(*checksum);
    return out;
}

} // namespace netsurf
