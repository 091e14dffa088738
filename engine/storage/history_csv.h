#pragma once
// history.csv: epoch, loss, <metrics>, val_loss, val_<metrics>, sparsity, learning_rate, seconds.
#include <filesystem>
#include <vector>

#include "engine/train/trainer.h"

namespace netsurf {

// The file's text (header + one row per epoch).
std::string historyCsv(const std::vector<EpochRecord>& history);
Status saveHistoryCsv(const std::filesystem::path& path, const std::vector<EpochRecord>& history);

} // namespace netsurf
