#include "engine/storage/history_csv.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "engine/core/file_io.h"

namespace netsurf {

namespace {

std::string num(double v) {
    if (std::isnan(v)) return ""; // e.g. fisher_trace of an epoch it was not computed at
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::vector<std::string> splitCells(const std::string& line) {
    std::vector<std::string> cells(1);
    for (char ch : line) {
        if (ch == ',')
            cells.emplace_back();
        else if (ch != '\r')
            cells.back() += ch;
    }
    return cells;
}

bool parseCell(const std::string& cell, double& v) {
    if (cell.empty() || cell == "nan" || cell == "NaN") {
        v = NAN;
        return true;
    }
    const char* end = cell.data() + cell.size();
    const auto [ptr, ec] = std::from_chars(cell.data(), end, v);
    return ec == std::errc() && ptr == end;
}

} // namespace

std::string historyCsv(const std::vector<EpochRecord>& history) {
    std::string out = "epoch,loss";
    if (!history.empty()) {
        for (const auto& [k, v] : history.front().metrics)
            out += "," + k;
        out += ",val_loss";
        for (const auto& [k, v] : history.front().valMetrics)
            out += ",val_" + k;
    }
    out += ",sparsity,learning_rate,seconds,alpha_mean,beta_mean,range_penalty,fisher_trace\n";
    for (const EpochRecord& r : history) {
        out += std::to_string(r.epoch) + "," + num(r.loss);
        for (const auto& [k, v] : r.metrics)
            out += "," + num(v);
        out += "," + num(r.valLoss);
        for (const auto& [k, v] : r.valMetrics)
            out += "," + num(v);
        out += "," + num(r.sparsity) + "," + num(r.learningRate) + "," + num(r.seconds);
        out += "," + num(r.alphaMean) + "," + num(r.betaMean) + "," + num(r.rangePenalty) + "," +
               num(r.fisherTrace) + "\n";
    }
    return out;
}

Status saveHistoryCsv(const std::filesystem::path& path, const std::vector<EpochRecord>& history) {
    return atomicWriteFile(path, historyCsv(history));
}

std::vector<double> HistoryTable::column(const std::string& name) const {
    std::vector<double> out;
    for (std::size_t c = 0; c < columns.size(); ++c)
        if (columns[c] == name)
            for (const auto& row : rows)
                out.push_back(row[c]);
    return out;
}

Result<HistoryTable> readHistoryCsv(const std::filesystem::path& path) {
    auto text = readFile(path);
    if (!text) return text.error();
    HistoryTable t;
    std::size_t lineNo = 0, pos = 0;
    while (pos < text->size()) {
        std::size_t eol = text->find('\n', pos);
        if (eol == std::string::npos) eol = text->size();
        const std::string line = text->substr(pos, eol - pos);
        pos = eol + 1;
        ++lineNo;
        if (line.empty() || line == "\r") continue;
        std::vector<std::string> cells = splitCells(line);
        if (t.columns.empty()) {
            if (cells.front() != "epoch")
                return Error::data(path.string() + " is not a training history (its header does "
                                                   "not start with 'epoch')");
            t.columns = std::move(cells);
            continue;
        }
        if (cells.size() != t.columns.size())
            return Error::data(path.string() + " line " + std::to_string(lineNo) + " has " +
                               std::to_string(cells.size()) + " cells (expected " +
                               std::to_string(t.columns.size()) + ")");
        std::vector<double> row(cells.size());
        for (std::size_t c = 0; c < cells.size(); ++c)
            if (!parseCell(cells[c], row[c]))
                return Error::data(path.string() + " line " + std::to_string(lineNo) + ": column " +
                                   t.columns[c] + " is not a number ('" + cells[c] + "')");
        t.rows.push_back(std::move(row));
    }
    if (t.columns.empty()) return Error::data(path.string() + " is empty (expected a header row)");
    return t;
}

} // namespace netsurf
