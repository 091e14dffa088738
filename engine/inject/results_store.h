#pragma once
// The results of injection experiments, one results.csv per experiment (format 2):
//   <model dir>/experiments/<ranking id>/<experiment key>/results.csv
//   # {"format":"netsurf-results","version":2,"ranking_id":…,"mode":…,"eval_split":…,
//   #  "eval_data_checksum":…,"seed":…,"model_checksum":…,…}
//   protection,ber,rep,flips,true_ber,loss,<metrics…>,mismatch_rate,method,order,mode,seed,
//   benchmark,quantization,pruning,eval_split
// An experiment is what it is (its identity, ExperimentId: the ranking, the mode, the evaluation
// split and the evaluation data's checksum, the seed); its BERs, protections and repetitions are
// coverage that can grow — rows are keyed by (protection, BER, rep), whose flips do not depend on
// the rest of the grid (sweep.h). Rows are appended in batches (flushed) while a sweep runs and
// rewritten sorted by (protection, BER, rep) when it completes. A truncated last line (killed
// run) and corrupt rows are reported (line number) and dropped; the other rows are kept.
// Writers hold `results.csv.lock` (FileLock) for the whole run, so two runs never write one file
// at once.
//
// Format 1 kept one experiment per ranking in <model dir>/experiments/<ranking id>/results.csv,
// with exhaustive flips keyed by the BER's position in the list; such files are refused with a
// message saying so (formatOneMessage).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/inject/sweep_results.h"

namespace netsurf {

// What an experiment is. Two runs with equal ids are one experiment (a resume or an extension);
// anything else lives in its own directory.
struct ExperimentId {
    std::string rankingId;
    SweepMode mode = SweepMode::Exhaustive;
    std::string evalSplit;        // "test" or "train"
    std::uint64_t seed = 0;       // keys the flips
    std::string evalDataChecksum; // SHA-256 (hex) of the evaluation data's source files
};
ExperimentId experimentId(const SweepResults& results);

// Human-readable and unique for the identity within a ranking:
// "<mode>-<split>-seed<S>-<first 12 hex digits of the evaluation data checksum>",
// e.g. "exhaustive-test-seed0-3f9a0c21b4de".
std::string experimentKey(const ExperimentId& id);

// The one place that says where an experiment lives:
// <model dir>/experiments/<ranking id>/<experiment key>; its rows are in results.csv there
// (resultsFilePath).
std::filesystem::path experimentDirectory(const std::filesystem::path& modelDir,
                                          const ExperimentId& id);
std::filesystem::path resultsFilePath(const std::filesystem::path& modelDir,
                                      const ExperimentId& id);

// Where format 1 kept the only experiment of a ranking: <model dir>/experiments/<id>/results.csv.
std::filesystem::path formatOneResultsPath(const std::filesystem::path& modelDir,
                                           const std::string& rankingId);

// Every results.csv below <model dir>/experiments, sorted: the format-2 files
// <ranking id>/<key>/results.csv and any format-1 <ranking id>/results.csv left from older runs.
std::vector<std::filesystem::path> findResultsFiles(const std::filesystem::path& modelDir);

// When `path` is a format-1 results file, the sentence that says so: what it holds, that format 1
// keyed exhaustive flips by the BER's position in the list so it cannot be extended or compared
// with format-2 experiments, and `remedy` (the sentence's end). Empty otherwise. Reads the header
// line only.
std::string formatOneMessage(const std::filesystem::path& path, const std::string& remedy);
// The remedy of a format-1 file met where results are read (compare, loadResultsFile).
inline constexpr const char* kFormatOneRemedy =
    "run the same inject command again to recompute it in format 2, then delete the old file";

// Writes header + column line + the rows of `results` atomically (temp file + rename); the
// evaluation data checksum is required (it is part of the identity).
Status writeResultsFile(const std::filesystem::path& path, const SweepResults& results,
                        int threads);
// Appends rows (identity columns from `identity`) and flushes them to disk.
Status appendResultRows(const std::filesystem::path& path, const SweepResults& identity,
                        const std::vector<SweepRow>& rows);
// Reads a format-2 results file; the rows come back sorted. Unusable rows are skipped and
// identical repeats of a (protection, BER, rep) dropped, each with a message in `warnings`; two
// different rows for one key are a data error, and so is a format-1 file (formatOneMessage with
// kFormatOneRemedy).
Result<SweepResults> loadResultsFile(const std::filesystem::path& path,
                                     std::vector<std::string>* warnings = nullptr);

// Sorts rows by (protection, BER, rep).
void sortRows(std::vector<SweepRow>& rows);

} // namespace netsurf
