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

} // namespace

Result<InjectOutcome> runInjectJob(const InjectRequest& req, ProgressSink& sink,
                                   std::stop_token stop) {
    if (auto st = validateSweepConfig(req.sweep); !st) return st.error();
    const auto t0 = std::chrono::steady_clock::now();
    RankRequest rr{req.model,   {req.method}, req.order,   req.population, req.sweep.seed,
                   req.samples, false,        req.threads, req.data};
    auto ranked = runRankJob(rr, sink, stop);
    if (!ranked) return ranked.error();
    InjectOutcome out;
    out.ranking = std::move(ranked->rankings.front());
    const ModelFile* file = &ranked->file;
    const std::string* checksum = &ranked->modelChecksum;
    auto split = loadEvalSplit(*file, req.evalSplit, req.data);
    if (!split) return split.error();
    std::unique_ptr<FastFaultyEvaluator> ev;
    runInArena(req.threads, [&] {
        ev = std::make_unique<FastFaultyEvaluator>(file->model, split->X, split->y);
    });
    SweepResults id =
        identityOf(req, out.ranking.ranking, *file, *checksum, split->checksum, ev->clean());
    out.resultsPath = experimentDirectory(ranked->modelPath.parent_path(), out.ranking.ranking.id) /
                      "results.csv";
    std::optional<Result<SweepFileOutcome>> run;
    runInArena(req.threads, [&] {
        run.emplace(runSweepToFile(*ev, out.ranking.ranking, req.sweep, std::move(id),
                                   out.resultsPath, req.rerun,
                                   faultWriter(req.saveFaults, file->model), sink, stop));
    });
    if (!*run) return run->error();
    out.results = std::move((*run)->results);
    out.computedRows = (*run)->computedRows;
    out.reusedRows = (*run)->reusedRows;
    out.warnings = std::move((*run)->warnings);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace netsurf
