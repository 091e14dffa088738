#include "engine/data/smartpixel_csv_loader.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"
#include "engine/core/message_text.h"
#include "engine/core/number_format.h"
#include "engine/core/sha256.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

std::string_view trimField(std::string_view f) {
    while (!f.empty() && (f.front() == ' ' || f.front() == '\t'))
        f.remove_prefix(1);
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t' || f.back() == '\r'))
        f.remove_suffix(1);
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
    return f;
}

std::vector<std::string_view> splitFields(std::string_view line) {
    std::vector<std::string_view> out;
    for (std::size_t start = 0;;) {
        const std::size_t comma = line.find(',', start);
        out.push_back(trimField(line.substr(start, comma - start)));
        if (comma == std::string_view::npos) return out;
        start = comma + 1;
    }
}

// Next non-empty line of `text` from `pos` (advanced past it); false at the end.
bool nextLine(std::string_view text, std::size_t& pos, std::string_view& line,
              std::size_t& lineNo) {
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++lineNo;
        if (!trimField(line).empty()) return true;
    }
    return false;
}

bool parseNumber(std::string_view f, double& v) {
    if (!f.empty() && f.front() == '+') f.remove_prefix(1);
    auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    return ec == std::errc() && ptr == f.data() + f.size() && std::isfinite(v);
}

// Label column index: "ptLabel", else the only column; -1 when neither.
int labelColumn(const CsvTable& t) {
    for (std::size_t c = 0; c < t.header.size(); ++c)
        if (t.header[c] == "ptLabel") return int(c);
    return t.header.size() == 1 ? 0 : -1;
}

struct Split {
    MatrixRM x;        // N×13
    Eigen::VectorXd y; // N, class 0..2
};

Result<MatrixRM> readInputs(const std::string& text, const fs::path& file) {
    auto t = parseNumericCsv(text, file.string());
    if (!t) return t.error();
    const auto cols = t->header.size();
    if (cols != std::size_t(kSmartPixelFeatures))
        return Error::data(file.string() + ": " + std::to_string(cols) +
                           " input columns (expected " + std::to_string(kSmartPixelFeatures) +
                           " cluster features, plus an optional unnamed index column)");
    return MatrixRM(
        Eigen::Map<const MatrixRM>(t->values.data(), Eigen::Index(t->rows), kSmartPixelFeatures));
}

Result<Eigen::VectorXd> readLabels(const std::string& text, const fs::path& file) {
    auto t = parseNumericCsv(text, file.string());
    if (!t) return t.error();
    const int c = labelColumn(*t);
    if (c < 0)
        return Error::data(file.string() + ": no column named ptLabel (expected the label column)");
    Eigen::VectorXd y(Eigen::Index(t->rows));
    for (std::size_t r = 0; r < t->rows; ++r) {
        const double v = t->values[r * t->header.size() + std::size_t(c)];
        if (v != 0.0 && v != 1.0 && v != 2.0)
            return Error::data(file.string() + ": label " + shortestDouble(v) + " on data row " +
                               std::to_string(r + 1) + " (expected 0, 1 or 2)");
        y[Eigen::Index(r)] = v;
    }
    return y;
}

Result<Split> readSplit(const fs::path& dir, const std::string& inputs, const std::string& labels,
                        Sha256& hash) {
    auto xText = readFile(dir / inputs);
    if (!xText) return xText.error();
    hash.update(*xText);
    auto yText = readFile(dir / labels);
    if (!yText) return yText.error();
    hash.update(*yText);
    auto x = readInputs(*xText, dir / inputs);
    if (!x) return x.error();
    auto y = readLabels(*yText, dir / labels);
    if (!y) return y.error();
    if (x->rows() != y->size())
        return Error::data((dir / labels).string() + ": " + std::to_string(y->size()) +
                           " labels for " + std::to_string(x->rows()) + " input rows in " + inputs +
                           " (expected equal counts)");
    return Split{std::move(*x), std::move(*y)};
}

} // namespace

Result<CsvTable> parseNumericCsv(std::string_view text, const std::string& name) {
    std::size_t pos = 0, lineNo = 0;
    std::string_view line;
    if (!nextLine(text, pos, line, lineNo))
        return Error::data(name + ": empty file (expected a CSV header row)");
    CsvTable t;
    for (auto f : splitFields(line))
        t.header.emplace_back(f);
    const bool dropIndex =
        t.header.size() > 1 && (t.header.front().empty() || t.header.front() == "Unnamed: 0");
    if (dropIndex) t.header.erase(t.header.begin());
    const std::size_t fileCols = t.header.size() + (dropIndex ? 1 : 0);
    while (nextLine(text, pos, line, lineNo)) {
        const auto fields = splitFields(line);
        if (fields.size() != fileCols)
            return Error::data(name + ": line " + std::to_string(lineNo) + " has " +
                               std::to_string(fields.size()) + " fields (expected " +
                               std::to_string(fileCols) + " as in the header)");
        for (std::size_t c = dropIndex ? 1 : 0; c < fields.size(); ++c) {
            double v = 0;
            if (!parseNumber(fields[c], v))
                return Error::data(name + ": line " + std::to_string(lineNo) + ", column " +
                                   std::to_string(c + 1) + ": " + quoteValue(fields[c]) +
                                   " is not a number (expected numeric cells)");
            t.values.push_back(v);
        }
        ++t.rows;
    }
    if (t.rows == 0)
        return Error::data(name + ": no data rows (expected a header and at least one row)");
    return t;
}

const std::vector<std::string>& smartPixelFileNames() {
    static const std::vector<std::string> names = {
        "QuantizedInputTrainSetLocal0.csv", "TrainSetLabelLocal0.csv",
        "QuantizedInputTestSetLocal0.csv", "TestSetLabelLocal0.csv"};
    return names;
}

bool hasSmartPixelCsv(const fs::path& dir) {
    std::error_code ec;
    for (const auto& f : smartPixelFileNames())
        if (!fs::is_regular_file(dir / f, ec)) return false;
    return true;
}

namespace {

std::string inputsCsv(const MatrixRM& x) {
    std::string out;
    for (Eigen::Index c = 0; c < x.cols(); ++c)
        out += "," + std::to_string(c);
    out += "\n";
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        out += std::to_string(r);
        for (Eigen::Index c = 0; c < x.cols(); ++c) {
            out += ',';
            appendDouble(out, x(r, c));
        }
        out += '\n';
    }
    return out;
}

std::string labelsCsv(const Eigen::VectorXd& y) {
    std::string out = ",ptLabel\n";
    for (Eigen::Index r = 0; r < y.size(); ++r) {
        out += std::to_string(r) + ",";
        appendDouble(out, y[r]);
        out += '\n';
    }
    return out;
}

} // namespace

Status saveSmartPixelCsv(const Dataset& data, const fs::path& dir) {
    const auto& names = smartPixelFileNames();
    const std::string texts[4] = {inputsCsv(data.trainX), labelsCsv(data.trainY),
                                  inputsCsv(data.testX), labelsCsv(data.testY)};
    for (std::size_t i = 0; i < 4; ++i)
        if (auto st = atomicWriteFile(dir / names[i], texts[i]); !st) return st;
    // What the files hold: readers can compare the checksum with a model's dataset_checksum.
    const nlohmann::json note = {{"dataset", data.name},
                                 {"source", toString(data.source)},
                                 {"source_detail", data.sourceDetail},
                                 {"checksum", data.checksum}};
    return atomicWriteFile(dir / "netsurf-export.json", note.dump(1) + "\n");
}

Status loadSmartPixelCsv(const fs::path& dir, Dataset& out) {
    const auto& names = smartPixelFileNames();
    std::error_code ec;
    for (const auto& f : names)
        if (!fs::is_regular_file(dir / f, ec))
            return Error::data((dir / f).string() +
                               ": file not found (expected the smart-pixel CSV set)");
    Sha256 hash;
    auto train = readSplit(dir, names[0], names[1], hash);
    if (!train) return train.error();
    auto test = readSplit(dir, names[2], names[3], hash);
    if (!test) return test.error();
    out.trainX = std::move(train->x);
    out.trainY = std::move(train->y);
    out.testX = std::move(test->x);
    out.testY = std::move(test->y);
    out.inputShape = {kSmartPixelFeatures};
    out.checksum = hash.hexDigest();
    return {};
}

} // namespace netsurf
