#include "engine/inject/sweep_file.h"

#include "engine/core/file_lock.h"
#include "engine/core/parallel.h"
#include "engine/inject/results_store.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

// Existing rows to keep, or an error when the file holds another experiment (the directory
// names the identity, so this catches files moved or copied by hand).
Result<std::vector<SweepRow>> existingRows(const fs::path& path, const SweepResults& id,
                                           std::vector<std::string>& warnings) {
    auto old = loadResultsFile(path, &warnings);
    if (!old) return Error::data(old.error().message + " (use --rerun to start it again)");
    if (old->rankingId != id.rankingId || old->modelChecksum != id.modelChecksum)
        return Error::data(path.string() + " was written for another ranking or model (ranking " +
                           old->rankingId + "); refusing to mix results (use --rerun)");
    if (old->mode != id.mode || old->seed != id.seed || old->evalSplit != id.evalSplit ||
        old->metricNames != id.metricNames)
        return Error::data(path.string() + " holds the " + toString(old->mode) + " run with seed " +
                           std::to_string(old->seed) + " on the " + old->evalSplit +
                           " split; use --rerun to replace it");
    if (old->evalDataChecksum != id.evalDataChecksum)
        return Error::data(path.string() +
                           " was computed on other evaluation data (dataset "
                           "checksum " +
                           old->evalDataChecksum.substr(0, 12) + "…, now " +
                           id.evalDataChecksum.substr(0, 12) +
                           "…); use --rerun to recompute it on the current data");
    return std::move(old->rows);
}

// Forwards everything to `inner` and also keeps the warnings (they belong to the outcome).
class WarningRecorder final : public ProgressSink {
public:
    WarningRecorder(ProgressSink& inner, std::vector<std::string>& kept)
        : m_inner(inner), m_kept(kept) {}
    void progress(const Progress& p) override { m_inner.progress(p); }
    void warning(const std::string& message) override {
        m_kept.push_back(message);
        m_inner.warning(message);
    }

private:
    ProgressSink& m_inner;
    std::vector<std::string>& m_kept;
};

} // namespace

Result<SweepFileOutcome> runSweepToFile(const FaultyEvalBase& ev, const Ranking& ranking,
                                        const SweepConfig& config, SweepResults id,
                                        const fs::path& path, const SweepFileOptions& options,
                                        ProgressSink& sink, std::stop_token stop) {
    // One writer per results file for the whole run (read, resume, append, final rewrite).
    auto lock = FileLock::acquire(path.string() + ".lock", path.string());
    if (!lock) return lock.error();
    SweepFileOutcome out;
    std::vector<SweepRow> have;
    if (!options.rerun && fs::exists(path)) {
        auto rows = existingRows(path, id, out.warnings);
        if (!rows) return rows.error();
        have = std::move(*rows);
        for (const auto& w : out.warnings)
            sink.warning(w);
    }
    // Rewrite first: drops a truncated last line before anything is appended after it.
    id.rows = have;
    if (auto st = writeResultsFile(path, id, currentConcurrency()); !st) return st.error();
    WarningRecorder recorder(sink, out.warnings);
    const auto append = [&](const std::vector<SweepRow>& rows) -> Status {
        if (auto st = appendResultRows(path, id, rows); !st) return st;
        if (options.rowsAppended) options.rowsAppended(path, rows); // now in the file
        return {};
    };
    auto fresh = runSweep(ev, ranking, config, have, append, options.faults, recorder, stop);
    if (!fresh) {
        if (fresh.error().kind == ErrorKind::Cancelled)
            return Error::cancelled(fresh.error().message + "; the finished rows are kept in " +
                                    path.string() + ", run the same command again to resume");
        return fresh.error();
    }
    out.reusedRows = have.size();
    out.computedRows = fresh->size();
    id.rows.insert(id.rows.end(), fresh->begin(), fresh->end());
    sortRows(id.rows);
    if (auto st = writeResultsFile(path, id, currentConcurrency()); !st) return st.error();
    out.results = std::move(id);
    return out;
}

} // namespace netsurf
