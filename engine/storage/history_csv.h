#pragma once
// history.csv: epoch, loss, <metrics>, val_loss, val_<metrics>, sparsity, seconds.
#include <filesystem>
#include <vector>

#include "engine/train/trainer.h"

namespace netsurf {

Status saveHistoryCsv(const std::filesystem::path& path, const std::vector<EpochRecord>& history);

} // namespace netsurf
