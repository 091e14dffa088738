#pragma once
// history.csv: epoch, loss, <metrics>, val_loss, val_<metrics>, sparsity, learning_rate, seconds,
// alpha_mean, beta_mean, range_penalty, fisher_trace (NaN is written as an empty cell).
#include <filesystem>
#include <string>
#include <vector>

#include "engine/train/trainer.h"

namespace netsurf {

// The file's text (header + one row per epoch).
std::string historyCsv(const std::vector<EpochRecord>& history);
Status saveHistoryCsv(const std::filesystem::path& path, const std::vector<EpochRecord>& history);

// history.csv read back as a table of numbers (whatever its columns: files written before the
// diagnostics columns existed have fewer); an empty cell reads as NaN.
struct HistoryTable {
    std::vector<std::string> columns;
    std::vector<std::vector<double>> rows; // one per epoch, columns.size() values each
    // The column's values (empty when the file has no such column).
    std::vector<double> column(const std::string& name) const;
};
// A missing file, a row of the wrong width or a cell that is not a number is a data error naming
// the file (and the line).
Result<HistoryTable> readHistoryCsv(const std::filesystem::path& path);

} // namespace netsurf
