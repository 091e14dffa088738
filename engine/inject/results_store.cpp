#include "engine/inject/results_store.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <tuple>
#include <unistd.h>

#include "engine/core/file_io.h"
#include "engine/core/number_format.h"
#include "engine/core/version.h"
#include "engine/storage/model_file.h"

namespace netsurf {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t kIdentityColumns = 8; // method … eval_split
constexpr int kFormatVersion = 2;           // 1: exhaustive flips keyed by the BER's index

std::string columns(const SweepResults& r) {
    std::string s = "protection,ber,rep,flips,true_ber,loss";
    for (const auto& m : r.metricNames)
        s += "," + m;
    return s + ",mismatch_rate,method,order,mode,seed,benchmark,quantization,pruning,eval_split";
}

std::string header(const SweepResults& r, int threads) {
    const json h = {{"format", "netsurf-results"},
                    {"version", kFormatVersion},
                    {"ranking_id", r.rankingId},
                    {"method", r.method},
                    {"order", r.order},
                    {"population", r.population},
                    {"mode", toString(r.mode)},
                    {"seed", r.seed},
                    {"benchmark", r.benchmark},
                    {"quantization", r.quantization},
                    {"pruning", r.pruning},
                    {"eval_split", r.evalSplit},
                    {"model_checksum", r.modelChecksum},
                    {"eval_data_checksum", r.evalDataChecksum},
                    {"metrics", r.metricNames},
                    {"clean", {{"loss", r.cleanLoss}, {"metrics", r.cleanMetrics}}},
                    {"netsurf_version", version()},
                    {"git_revision", gitRevision()},
                    {"instruction_set", instructionSet()},
                    {"threads", threads},
                    {"date", utcTimestamp()}};
    return "# " + h.dump() + "\n" + columns(r) + "\n";
}

std::string rowText(const SweepResults& id, const SweepRow& r) {
    std::string s;
    for (double v : {r.protection, r.ber}) {
        appendDouble(s, v);
        s += ',';
    }
    s += std::to_string(r.rep) + "," + std::to_string(r.flips) + ",";
    appendDouble(s, r.trueBer);
    s += ',';
    appendDouble(s, r.loss);
    for (double m : r.metrics) {
        s += ',';
        appendDouble(s, m);
    }
    s += ',';
    appendDouble(s, r.mismatchRate);
    s += "," + id.method + "," + id.order + "," + toString(id.mode) + "," +
         std::to_string(id.seed) + "," + id.benchmark + ",\"" + id.quantization + "\",";
    appendDouble(s, id.pruning);
    return s + "," + id.evalSplit + "\n";
}

// Splits a CSV line; fields may be double-quoted (no escaped quotes in this format).
std::vector<std::string_view> splitCsv(std::string_view line) {
    std::vector<std::string_view> f;
    std::size_t i = 0;
    while (i <= line.size()) {
        if (i < line.size() && line[i] == '"') {
            const std::size_t q = line.find('"', i + 1);
            if (q == std::string_view::npos) return {};
            f.push_back(line.substr(i + 1, q - i - 1));
            i = q + 2;
            continue;
        }
        std::size_t c = line.find(',', i);
        if (c == std::string_view::npos) c = line.size();
        f.push_back(line.substr(i, c - i));
        i = c + 1;
    }
    return f;
}

template <class T> bool num(std::string_view s, T& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

bool parseRow(std::string_view line, const SweepResults& id, SweepRow& r) {
    const auto f = splitCsv(line);
    const std::size_t nm = id.metricNames.size();
    if (f.size() != 7 + nm + kIdentityColumns) return false;
    unsigned long long flips = 0;
    if (!num(f[0], r.protection) || !num(f[1], r.ber) || !num(f[2], r.rep) || !num(f[3], flips) ||
        !num(f[4], r.trueBer) || !num(f[5], r.loss) || !num(f[6 + nm], r.mismatchRate))
        return false;
    r.flips = flips;
    r.metrics.resize(nm);
    for (std::size_t k = 0; k < nm; ++k)
        if (!num(f[6 + k], r.metrics[k])) return false;
    const std::size_t o = 7 + nm;
    return f[o] == id.method && f[o + 1] == id.order && f[o + 2] == toString(id.mode) &&
           f[o + 3] == std::to_string(id.seed) && f[o + 4] == id.benchmark &&
           f[o + 5] == id.quantization && f[o + 7] == id.evalSplit;
}

// The version of a netsurf-results header; 0 when `h` is not one.
int formatVersion(const json& h) {
    if (h.is_discarded() || !h.is_object()) return 0;
    const auto f = h.find("format"), v = h.find("version");
    if (f == h.end() || *f != "netsurf-results" || v == h.end() || !v->is_number_integer())
        return 0;
    return v->get<int>();
}

// "qpolargrad-plane, exhaustive, test split" from a format-1 header (what is readable of it).
std::string formatOneContents(const json& h) {
    auto text = [&](const char* key) {
        const auto it = h.find(key);
        return it != h.end() && it->is_string() ? it->get<std::string>() : std::string("?");
    };
    return text("method") + "-" + text("order") + ", " + text("mode") + ", " + text("eval_split") +
           " split";
}

std::string formatOneText(const fs::path& path, const json& h, const std::string& remedy) {
    return path.string() + " is in results format 1 (" + formatOneContents(h) +
           "), which keyed exhaustive flips by the BER's position in the list, so it cannot "
           "be extended or compared with format-2 experiments; " +
           remedy;
}

Status readHeader(std::string_view line, const fs::path& path, SweepResults& r) {
    const json h = json::parse(line, nullptr, false);
    const int version = formatVersion(h);
    if (version == 1) return Error::data(formatOneText(path, h, kFormatOneRemedy));
    if (version != kFormatVersion)
        return Error::data(path.string() + " line 1: expected a netsurf-results version " +
                           std::to_string(kFormatVersion) + " JSON header");
    try {
        r.rankingId = h.at("ranking_id");
        r.method = h.at("method");
        r.order = h.at("order");
        r.population = h.at("population");
        r.mode = h.at("mode") == "montecarlo" ? SweepMode::MonteCarlo : SweepMode::Exhaustive;
        r.seed = h.at("seed");
        r.benchmark = h.at("benchmark");
        r.quantization = h.at("quantization");
        r.pruning = h.at("pruning");
        r.evalSplit = h.at("eval_split");
        r.modelChecksum = h.at("model_checksum");
        r.evalDataChecksum = h.at("eval_data_checksum");
        r.metricNames = h.at("metrics").get<std::vector<std::string>>();
        r.cleanLoss = h.at("clean").at("loss");
        r.cleanMetrics = h.at("clean").at("metrics").get<std::vector<double>>();
    } catch (const json::exception& e) {
        return Error::data(path.string() + " line 1: header field missing or mistyped (" +
                           e.what() + ")");
    }
    if (r.evalDataChecksum.empty())
        return Error::data(path.string() +
                           " line 1: expected the evaluation data's checksum in "
                           "eval_data_checksum (part of the experiment's identity)");
    return {};
}

std::string keyText(const SweepRow& r) {
    return "protection " + shortestDouble(r.protection) + ", BER " + shortestDouble(r.ber) +
           ", rep " + std::to_string(r.rep);
}

bool sameRow(const SweepRow& a, const SweepRow& b) {
    return a.flips == b.flips && a.trueBer == b.trueBer && a.loss == b.loss &&
           a.metrics == b.metrics && a.mismatchRate == b.mismatchRate;
}

// Rows sorted by key with repeated keys removed: identical repeats (two runs of the same
// experiment at once, or a resume after both were killed) are dropped with a warning; two
// different rows for one key cannot both be right, so the file is refused.
Status dropDuplicateRows(const fs::path& path, std::vector<SweepRow>& rows,
                         std::vector<std::string>* warnings) {
    sortRows(rows);
    std::size_t kept = 0, dropped = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (kept > 0 &&
            std::tie(rows[kept - 1].protection, rows[kept - 1].ber, rows[kept - 1].rep) ==
                std::tie(rows[i].protection, rows[i].ber, rows[i].rep)) {
            if (!sameRow(rows[kept - 1], rows[i]))
                return Error::data(path.string() + " holds two different rows for " +
                                   keyText(rows[i]) +
                                   "; refusing to guess which is right (recompute the experiment "
                                   "with inject --rerun)");
            ++dropped;
            continue;
        }
        if (kept != i) rows[kept] = std::move(rows[i]);
        ++kept;
    }
    rows.resize(kept);
    if (dropped && warnings)
        warnings->push_back(path.string() + ": " + std::to_string(dropped) +
                            " duplicate rows dropped (identical repeats of a (protection, BER, "
                            "rep), as two runs of one experiment at once leave)");
    return {};
}

} // namespace

ExperimentId experimentId(const SweepResults& r) {
    return {r.rankingId, r.mode, r.evalSplit, r.seed, r.evalDataChecksum};
}

std::string experimentKey(const ExperimentId& id) {
    return std::string(toString(id.mode)) + "-" + id.evalSplit + "-seed" + std::to_string(id.seed) +
           "-" + id.evalDataChecksum.substr(0, 12);
}

fs::path experimentDirectory(const fs::path& modelDir, const ExperimentId& id) {
    return modelDir / "experiments" / id.rankingId / experimentKey(id);
}

fs::path resultsFilePath(const fs::path& modelDir, const ExperimentId& id) {
    return experimentDirectory(modelDir, id) / "results.csv";
}

fs::path formatOneResultsPath(const fs::path& modelDir, const std::string& rankingId) {
    return modelDir / "experiments" / rankingId / "results.csv";
}

std::vector<fs::path> findResultsFiles(const fs::path& modelDir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& ranking : fs::directory_iterator(modelDir / "experiments", ec)) {
        if (!ranking.is_directory()) continue;
        if (fs::is_regular_file(ranking.path() / "results.csv"))
            files.push_back(ranking.path() / "results.csv"); // format 1
        std::error_code inner;
        for (const auto& e : fs::directory_iterator(ranking.path(), inner))
            if (e.is_directory() && fs::is_regular_file(e.path() / "results.csv"))
                files.push_back(e.path() / "results.csv");
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string formatOneMessage(const fs::path& path, const std::string& remedy) {
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line) || line.rfind("# ", 0) != 0) return {};
    const json h = json::parse(line.substr(2), nullptr, false);
    return formatVersion(h) == 1 ? formatOneText(path, h, remedy) : std::string();
}

void sortRows(std::vector<SweepRow>& rows) {
    std::stable_sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) {
        return std::tie(a.protection, a.ber, a.rep) < std::tie(b.protection, b.ber, b.rep);
    });
}

Status writeResultsFile(const fs::path& path, const SweepResults& results, int threads) {
    if (results.evalDataChecksum.empty())
        return Error::internal("writeResultsFile: " + path.string() +
                               " needs the evaluation data checksum");
    std::string text = header(results, threads);
    for (const SweepRow& r : results.rows)
        text += rowText(results, r);
    if (auto st = ensureDirectory(path.parent_path()); !st) return st;
    return atomicWriteFile(path, text);
}

Status appendResultRows(const fs::path& path, const SweepResults& id,
                        const std::vector<SweepRow>& rows) {
    std::string text;
    for (const SweepRow& r : rows)
        text += rowText(id, r);
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return Error::data("cannot append to " + path.string());
    const bool ok =
        ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fdatasync(fd) == 0;
    ::close(fd);
    if (!ok) return Error::data("writing " + path.string() + " failed (disk full?)");
    return {};
}

Result<SweepResults> loadResultsFile(const fs::path& path, std::vector<std::string>* warnings) {
    auto text = readFile(path);
    if (!text) return text.error();
    const std::string_view all = *text;
    const std::size_t eol = all.find('\n');
    if (all.rfind("# ", 0) != 0 || eol == std::string_view::npos)
        return Error::data(path.string() + " line 1: expected a '# {…}' JSON header line");
    SweepResults r;
    if (auto st = readHeader(all.substr(2, eol - 2), path, r); !st) return st.error();
    const std::size_t colsEnd = all.find('\n', eol + 1);
    if (colsEnd == std::string_view::npos || all.substr(eol + 1, colsEnd - eol - 1) != columns(r))
        return Error::data(path.string() + " line 2: expected the columns " + columns(r));
    std::size_t pos = colsEnd + 1, line = 2;
    auto warn = [&](const std::string& what) {
        if (warnings)
            warnings->push_back(path.string() + " line " + std::to_string(line) + ": " + what);
    };
    while (pos < all.size()) {
        ++line;
        const std::size_t end = all.find('\n', pos);
        if (end == std::string_view::npos) {
            warn("truncated last line dropped (interrupted run)");
            break;
        }
        SweepRow row;
        if (parseRow(all.substr(pos, end - pos), r, row))
            r.rows.push_back(std::move(row));
        else
            warn("corrupt row skipped");
        pos = end + 1;
    }
    if (auto st = dropDuplicateRows(path, r.rows, warnings); !st) return st.error();
    return r;
}

} // namespace netsurf
