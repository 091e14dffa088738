#include "engine/jobs/inject_job.h"

#include <chrono>
#include <cstdio>
#include <fstream>

#include "engine/core/file_io.h"
#include "engine/core/parallel.h"
#include "engine/core/sha256.h"
#include "engine/inject/results_store.h"
#include "engine/train/splits.h"

namespace netsurf {

namespace fs = std::filesystem;

Result<std::pair<MatrixRM, Eigen::VectorXd>> loadEvalSplit(const ModelFile& file,
                                                           const std::string& split,
                                                           const DatasetOptions& options) {
    if (split != "test" && split != "train")
        return Error::usage("--eval-split expects test or train, got '" + split + "'");
    const BenchmarkSpec spec = *benchmarkSpec(file.model.benchmark);
    auto data = loadDataset(spec.dataset, options);
    if (!data) return data.error();
    if (split == "test") return std::pair{std::move(data->testX), std::move(data->testY)};
    Splits s = makeSplits(*data, file.provenance.seed);
    return std::pair{std::move(s.train.X), std::move(s.train.y)};
}

namespace {

SweepResults identityOf(const InjectRequest& req, const Ranking& r, const ModelFile& f,
                        const std::string& checksum, const FaultyOutcome& clean) {
    SweepResults id;
    id.rankingId = r.id;
    id.method = toString(r.config.method);
    id.order = toString(effectiveOrder(r.config));
    id.population = toString(r.config.population);
    id.mode = req.sweep.mode;
    id.seed = req.sweep.seed;
    id.benchmark = f.model.benchmark;
    id.quantization = f.model.scheme.str();
    id.pruning = f.pruning;
    id.evalSplit = req.evalSplit;
    id.modelChecksum = checksum;
    for (const auto& [name, value] : clean.metrics) {
        id.metricNames.push_back(name);
        id.cleanMetrics.push_back(value);
    }
    id.cleanLoss = clean.loss;
    return id;
}

// Existing rows to keep, or an error when the file belongs to another run.
Result<std::vector<SweepRow>> existingRows(const fs::path& path, const SweepResults& id,
                                           std::vector<std::string>& warnings) {
    auto old = loadResultsFile(path, &warnings);
    if (!old) return Error::data(old.error().message + " (use --rerun to start it again)");
    if (old->rankingId != id.rankingId || old->modelChecksum != id.modelChecksum)
        return Error::data(path.string() + " was written for another ranking or model (ranking " +
                           old->rankingId + "); refusing to mix results (use --rerun)");
    if (old->mode != id.mode || old->seed != id.seed || old->evalSplit != id.evalSplit ||
        old->metricNames != id.metricNames)
        return Error::data(path.string() + " holds a " + toString(old->mode) + " run with seed " +
                           std::to_string(old->seed) + " on the " + old->evalSplit +
                           " split; use --rerun to replace it");
    return std::move(old->rows);
}

// --save-faults: one CSV per grid point, DIR/faults-p<protection>-ber<ber>.csv.
FaultSink faultWriter(const fs::path& dir, const Model& model) {
    if (dir.empty()) return {};
    return [dir, &model](const SweepRow& row, const std::vector<ParamFlip>& flips) -> Status {
        char name[96];
        std::snprintf(name, sizeof name, "faults-p%g-ber%g.csv", row.protection, row.ber);
        if (auto st = ensureDirectory(dir); !st) return st;
        const fs::path path = dir / name;
        const bool fresh = !fs::exists(path);
        std::ofstream out(path, std::ios::app);
        if (fresh) out << "rep,tensor,index,bit\n";
        const int m = model.scheme.m();
        for (const ParamFlip& f : flips)
            for (int b = 0; b < m; ++b)
                if (f.mask & (1u << (m - 1 - b)))
                    out << row.rep << ',' << model.tensors[f.tensor].name << ',' << f.index << ','
                        << b << '\n';
        if (!out) return Error::data("writing " + path.string() + " failed");
        return {};
    };
}

} // namespace

Result<InjectOutcome> runInjectJob(const InjectRequest& req, ProgressSink& sink,
                                   std::stop_token stop) {
    if (auto st = validateSweepConfig(req.sweep); !st) return st.error();
    const auto t0 = std::chrono::steady_clock::now();
    RankRequest rr{req.model, {req.method}, req.order, req.population, req.sweep.seed,
                   req.samples, false, req.threads, req.data};
    auto ranked = runRankJob(rr, sink, stop);
    if (!ranked) return ranked.error();
    InjectOutcome out;
    out.ranking = std::move(ranked->rankings.front());
    auto file = loadSelectedModel(req.model);
    if (!file) return file.error();
    auto checksum = sha256File(ranked->modelPath);
    if (!checksum) return checksum.error();
    auto split = loadEvalSplit(*file, req.evalSplit, req.data);
    if (!split) return split.error();
    std::unique_ptr<FastFaultyEvaluator> ev;
    runInArena(req.threads, [&] {
        ev = std::make_unique<FastFaultyEvaluator>(file->model, split->first, split->second);
    });
    SweepResults id = identityOf(req, out.ranking.ranking, *file, *checksum, ev->clean());
    out.resultsPath =
        experimentDirectory(ranked->modelPath.parent_path(), out.ranking.ranking.id) / "results.csv";
    std::vector<SweepRow> have;
    if (!req.rerun && fs::exists(out.resultsPath)) {
        auto rows = existingRows(out.resultsPath, id, out.warnings);
        if (!rows) return rows.error();
        have = std::move(*rows);
        for (const auto& w : out.warnings) sink.warning(w);
    }
    id.rows = have;
    if (auto st = writeResultsFile(out.resultsPath, id, currentConcurrency()); !st)
        return st.error();
    std::optional<Result<std::vector<SweepRow>>> fresh;
    runInArena(req.threads, [&] {
        fresh.emplace(runSweep(
            *ev, out.ranking.ranking, req.sweep, have,
            [&](const std::vector<SweepRow>& rows) {
                return appendResultRows(out.resultsPath, id, rows);
            },
            faultWriter(req.saveFaults, file->model), sink, stop));
    });
    if (!*fresh) return fresh->error();
    out.reusedRows = have.size();
    out.computedRows = (*fresh)->size();
    id.rows.insert(id.rows.end(), (*fresh)->begin(), (*fresh)->end());
    sortRows(id.rows);
    int threads = 0;
    runInArena(req.threads, [&] { threads = currentConcurrency(); });
    if (auto st = writeResultsFile(out.resultsPath, id, threads); !st) return st.error();
    out.results = std::move(id);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace netsurf
