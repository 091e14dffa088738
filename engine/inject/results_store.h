#pragma once
// results.csv of an injection sweep: <model dir>/experiments/<ranking id>/results.csv
//   # {"format":"netsurf-results","version":1,"ranking_id":…,"model_checksum":…,…}
//   protection,ber,rep,flips,true_ber,loss,<metrics…>,mismatch_rate,method,order,mode,seed,
//   benchmark,quantization,pruning,eval_split
// Rows are appended in batches (flushed) while a sweep runs and rewritten sorted by
// (protection, BER, rep) when it completes. A truncated last line (killed run) and corrupt rows
// are reported (line number) and dropped; the other rows are kept. Writers hold
// `results.csv.lock` (FileLock) for the whole run, so two runs never write one file at once.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/inject/sweep_results.h"

namespace netsurf {

std::filesystem::path experimentDirectory(const std::filesystem::path& modelDir,
                                          const std::string& rankingId);

// Writes header + column line + the rows of `results` atomically (temp file + rename).
Status writeResultsFile(const std::filesystem::path& path, const SweepResults& results,
                        int threads);
// Appends rows (identity columns from `identity`) and flushes them to disk.
Status appendResultRows(const std::filesystem::path& path, const SweepResults& identity,
                        const std::vector<SweepRow>& rows);
// Reads a results file; the rows come back sorted. Unusable rows are skipped and identical
// repeats of a (protection, BER, rep) dropped, each with a message in `warnings`; two different
// rows for one key are a data error.
Result<SweepResults> loadResultsFile(const std::filesystem::path& path,
                                     std::vector<std::string>* warnings = nullptr);

// Sorts rows by (protection, BER, rep).
void sortRows(std::vector<SweepRow>& rows);

} // namespace netsurf
