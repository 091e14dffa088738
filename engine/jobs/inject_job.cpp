#include "engine/jobs/inject_job.h"
#include "engine/core/message_text.h"

#include <chrono>
#include <cstdio>
#include <fstream>

#include "engine/core/file_io.h"
#include "engine/core/parallel.h"
#include "engine/inject/results_store.h"
#include "engine/inject/sweep_file.h"
#include "engine/train/splits.h"

namespace netsurf {

namespace fs = std::filesystem;

Result<EvalData> loadEvalSplit(const ModelFile& file, const std::string& split,
                               const DatasetOptions& options) {
    if (split != "test" && split != "train")
        return Error::usage("--eval-split expects test or train, got " + quoteValue(split));
    const BenchmarkSpec spec = *benchmarkSpec(file.model.benchmark);
    auto data = loadDataset(spec.dataset, options);
    if (!data) return data.error();
    auto s = benchmarkSplits(*data, file.provenance.seed);
    if (!s) return s.error();
    Split& chosen = split == "test" ? s->test : s->train;
    return EvalData{std::move(chosen.X), std::move(chosen.y), data->checksum};
}

namespace {

SweepResults identityOf(const InjectRequest& req, const Ranking& r, const ModelFile& f,
                        const std::string& checksum, const std::string& dataChecksum,
                        const FaultyOutcome& clean) {
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
    id.evalDataChecksum = dataChecksum;
    for (const auto& [name, value] : clean.metrics) {
        id.metricNames.push_back(name);
        id.cleanMetrics.push_back(value);
    }
    id.cleanLoss = clean.loss;
    return id;
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

// Tells once per new experiment (its results file is created) that the ranking's format-1
// file, if any, is not reused.
void noteFormatOneFile(const fs::path& modelDir, const std::string& rankingId,
                       const fs::path& resultsPath, bool rerun, ProgressSink& sink,
                       std::vector<std::string>& warnings) {
    if (!rerun && fs::exists(resultsPath)) return; // resuming: said when it was created
    const std::string message = formatOneMessage(
        formatOneResultsPath(modelDir, rankingId),
        "its rows are not reused by this run, which starts the format-2 experiment " +
            resultsPath.parent_path().filename().string() + ", and the old file can be deleted");
    if (message.empty()) return;
    sink.warning(message);
    warnings.push_back(message);
}

void takeSweepOutcome(InjectOutcome& out, SweepFileOutcome&& run, std::vector<std::string> notes) {
    out.results = std::move(run.results);
    out.computedRows = run.computedRows;
    out.reusedRows = run.reusedRows;
    out.warnings = std::move(notes);
    out.warnings.insert(out.warnings.end(), run.warnings.begin(), run.warnings.end());
}

} // namespace

Result<InjectOutcome> runInjectOnRanking(const InjectRequest& req, const RankOutcome& model,
                                         const RankedFile& ranking, ProgressSink& sink,
                                         std::stop_token stop) {
    if (auto st = validateSweepConfig(req.sweep); !st) return st.error();
    if (ranking.ranking.modelChecksum != model.modelChecksum)
        return Error::data(ranking.path.string() + " ranks another model file than " +
                           model.modelPath.string() + "; refusing to inject with it");
    const auto t0 = std::chrono::steady_clock::now();
    InjectOutcome out;
    out.ranking = ranking;
    auto split = loadEvalSplit(model.file, req.evalSplit, req.data);
    if (!split) return split.error();
    std::unique_ptr<FastFaultyEvaluator> ev;
    runInArena(req.threads, [&] {
        ev = std::make_unique<FastFaultyEvaluator>(model.file.model, split->X, split->y);
    });
    SweepResults id = identityOf(req, ranking.ranking, model.file, model.modelChecksum,
                                 split->checksum, ev->clean());
    const fs::path modelDir = model.modelPath.parent_path();
    out.experimentKey = experimentKey(experimentId(id));
    out.resultsPath = resultsFilePath(modelDir, experimentId(id));
    std::vector<std::string> notes;
    noteFormatOneFile(modelDir, id.rankingId, out.resultsPath, req.rerun, sink, notes);
    const SweepFileOptions options{.rerun = req.rerun,
                                   .faults = faultWriter(req.saveFaults, model.file.model),
                                   .rowsAppended = req.rowsAppended};
    std::optional<Result<SweepFileOutcome>> run;
    runInArena(req.threads, [&] {
        run.emplace(runSweepToFile(*ev, ranking.ranking, req.sweep, std::move(id), out.resultsPath,
                                   options, sink, stop));
    });
    if (!*run) return run->error();
    takeSweepOutcome(out, std::move(**run), std::move(notes));
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

Result<InjectOutcome> runInjectJob(const InjectRequest& req, ProgressSink& sink,
                                   std::stop_token stop) {
    if (auto st = validateSweepConfig(req.sweep); !st) return st.error();
    const auto t0 = std::chrono::steady_clock::now();
    const RankRequest rr{.model = req.model,
                         .methods = {req.method},
                         .order = req.order,
                         .population = req.population,
                         .seed = req.sweep.seed,
                         .samples = req.samples,
                         .rerank = false,
                         .threads = req.threads,
                         .data = req.data};
    auto ranked = runRankJob(rr, sink, stop);
    if (!ranked) return ranked.error();
    auto out = runInjectOnRanking(req, *ranked, ranked->rankings.front(), sink, stop);
    if (out) // the whole job, ranking (and training) included
        out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace netsurf
