#include "engine/storage/history_csv.h"

#include <cstdio>
#include <string>

#include "engine/core/file_io.h"

namespace netsurf {

namespace {
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}
} // namespace

std::string historyCsv(const std::vector<EpochRecord>& history) {
    std::string out = "epoch,loss";
    if (!history.empty()) {
        for (const auto& [k, v] : history.front().metrics) out += "," + k;
        out += ",val_loss";
        for (const auto& [k, v] : history.front().valMetrics) out += ",val_" + k;
    }
    out += ",sparsity,learning_rate,seconds\n";
    for (const EpochRecord& r : history) {
        out += std::to_string(r.epoch) + "," + num(r.loss);
        for (const auto& [k, v] : r.metrics) out += "," + num(v);
        out += "," + num(r.valLoss);
        for (const auto& [k, v] : r.valMetrics) out += "," + num(v);
        out += "," + num(r.sparsity) + "," + num(r.learningRate) + "," + num(r.seconds) + "\n";
    }
    return out;
}

Status saveHistoryCsv(const std::filesystem::path& path, const std::vector<EpochRecord>& history) {
    return atomicWriteFile(path, historyCsv(history));
}

} // namespace netsurf
