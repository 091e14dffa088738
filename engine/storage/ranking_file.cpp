#include "engine/storage/ranking_file.h"

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "engine/core/file_io.h"
#include "engine/core/number_format.h"
#include "engine/core/version.h"

namespace netsurf {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kColumns = "rank,tensor,index,bit,exponent,value,delta,score";

json headerJson(const Model& model, const Ranking& r, const RankingFileInfo& info) {
    json diag = json::object();
    for (const auto& [k, v] : r.diagnostics) diag[k] = v;
    return {{"format", "netsurf-ranking"},
            {"version", 1},
            {"method", toString(r.config.method)},
            {"order", toString(effectiveOrder(r.config))},
            {"population", toString(r.config.population)},
            {"samples", r.config.samples},
            {"samples_used", r.samplesUsed},
            {"seed", r.config.seed},
            {"id", r.id},
            {"benchmark", info.benchmark},
            {"quantization", model.scheme.str()},
            {"pruning", info.pruning},
            {"model_checksum", r.modelChecksum},
            {"bits", r.rows.size()},
            {"seconds", r.seconds},
            {"diagnostics", diag},
            {"netsurf_version", version()},
            {"git_revision", gitRevision()},
            {"date", info.date}};
}

Error corrupt(const fs::path& path, std::size_t line, const std::string& what) {
    return Error::data(path.string() + " line " + std::to_string(line) + ": " + what);
}

// Splits one CSV line (no quoting in this format) into exactly 8 fields.
bool splitFields(std::string_view line, std::string_view (&f)[8]) {
    std::size_t k = 0, start = 0;
    for (std::size_t i = 0; i <= line.size(); ++i) {
        if (i < line.size() && line[i] != ',') continue;
        if (k == 8) return false;
        f[k++] = line.substr(start, i - start);
        start = i + 1;
    }
    return k == 8;
}

template <class T> bool parseField(std::string_view s, T& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

Result<RankConfig> configFromHeader(const json& h, const fs::path& path) {
    if (h.value("format", "") != "netsurf-ranking" || h.value("version", 0) != 1)
        return Error::data(path.string() + ": not a netsurf-ranking v1 file");
    RankConfig c;
    auto method = parseRankMethod(h.at("method").get<std::string>());
    if (!method) return Error::data(path.string() + ": " + method.error().message);
    auto order = parseRankOrder(h.at("order").get<std::string>());
    if (!order) return Error::data(path.string() + ": " + order.error().message);
    auto pop = parsePopulation(h.at("population").get<std::string>());
    if (!pop) return Error::data(path.string() + ": " + pop.error().message);
    c.method = *method;
    c.order = *order;
    c.population = *pop;
    c.samples = h.at("samples").get<std::size_t>();
    c.seed = h.at("seed").get<std::uint64_t>();
    return c;
}

} // namespace

std::string rankingFileName(const Ranking& r) {
    return std::string(toString(r.config.method)) + "-" + toString(effectiveOrder(r.config)) +
           "-" + r.id + ".csv";
}

fs::path rankingsDirectory(const fs::path& modelDir) { return modelDir / "rankings"; }

Status saveRankingFile(const fs::path& path, const Model& model, const Ranking& r,
                       const RankingFileInfo& info) {
    std::string out = "# " + headerJson(model, r, info).dump() + "\n" + kColumns + "\n";
    out.reserve(out.size() + r.rows.size() * 64);
    char buf[256];
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        const ParamRef& p = r.population.params[r.rows[i].param];
        const Tensor& t = model.tensors[p.tensor];
        const double v = t.values[Eigen::Index(p.index)];
        const int b = r.rows[i].bit;
        const int n = std::snprintf(buf, sizeof buf, "%zu,%s,%u,%d,%d,", i + 1, t.name.c_str(),
                                    p.index, b, model.scheme.exponent(b));
        out.append(buf, std::size_t(n));
        appendDouble(out, v);
        out += ',';
        appendDouble(out, model.scheme.delta(v, b));
        out += ',';
        appendDouble(out, r.rows[i].score);
        out += '\n';
    }
    if (auto st = ensureDirectory(path.parent_path()); !st) return st;
    return atomicWriteFile(path, out);
}

namespace {

Status readHeader(std::string_view line, const fs::path& path, const Model& model,
                  const std::string& modelChecksum, Ranking& r) {
    json h = json::parse(line, nullptr, false);
    if (h.is_discarded() || !h.is_object()) return corrupt(path, 1, "the header is not JSON");
    try {
        auto c = configFromHeader(h, path);
        if (!c) return c.error();
        r.config = *c;
        r.id = h.at("id").get<std::string>();
        r.modelChecksum = h.at("model_checksum").get<std::string>();
        r.samplesUsed = h.value("samples_used", std::size_t(0));
        r.seconds = h.value("seconds", 0.0);
        const json diag = h.value("diagnostics", json::object()); // keep it alive for items()
        for (const auto& [k, v] : diag.items())
            if (v.is_number()) r.diagnostics.emplace_back(k, v.get<double>());
        if (h.at("quantization").get<std::string>() != model.scheme.str())
            return Error::data(path.string() + " was written for scheme " +
                               h.at("quantization").get<std::string>() + ", not " +
                               model.scheme.str());
    } catch (const json::exception& e) {
        return corrupt(path, 1, std::string("header field missing or mistyped: ") + e.what());
    }
    if (r.modelChecksum != modelChecksum)
        return Error::data(path.string() + " was ranked on another model (checksum " +
                           r.modelChecksum.substr(0, 12) + "…, current model " +
                           modelChecksum.substr(0, 12) + "…); rerank with --rerank");
    return {};
}

// Lookup of population entries by (tensor name, index).
struct PopulationIndex {
    std::unordered_map<std::uint64_t, std::uint32_t> where; // (tensor << 32 | index) → p
    std::unordered_map<std::string, std::uint32_t> tensor;  // name → tensor
    explicit PopulationIndex(const Model& model, const BitPopulation& pop) {
        for (std::size_t p = 0; p < pop.params.size(); ++p) {
            const ParamRef& ref = pop.params[p];
            where[(std::uint64_t(ref.tensor) << 32) | ref.index] = std::uint32_t(p);
            tensor[model.tensors[ref.tensor].name] = ref.tensor;
        }
    }
    std::optional<std::uint32_t> find(std::string_view name, std::uint32_t index) const {
        const auto t = tensor.find(std::string(name));
        if (t == tensor.end()) return std::nullopt;
        const auto w = where.find((std::uint64_t(t->second) << 32) | index);
        if (w == where.end()) return std::nullopt;
        return w->second;
    }
};

Status readRows(std::string_view all, std::size_t pos, const fs::path& path, const Model& model,
                Ranking& r) {
    const std::size_t m = std::size_t(r.population.bitsPerParam);
    const PopulationIndex lookup(model, r.population);
    std::vector<std::uint8_t> seen(r.population.bits(), 0);
    std::size_t line = 2;
    r.rows.reserve(r.population.bits());
    while (pos < all.size()) {
        ++line;
        const std::size_t end = all.find('\n', pos);
        if (end == std::string_view::npos) return corrupt(path, line, "truncated last line");
        std::string_view f[8];
        std::size_t rank = 0;
        std::uint32_t index = 0;
        int bit = 0, exponent = 0;
        double value = 0, delta = 0, score = 0;
        if (!splitFields(all.substr(pos, end - pos), f) || !parseField(f[0], rank) ||
            !parseField(f[2], index) || !parseField(f[3], bit) || !parseField(f[4], exponent) ||
            !parseField(f[5], value) || !parseField(f[6], delta) || !parseField(f[7], score))
            return corrupt(path, line, std::string("expected 8 numeric fields ") + kColumns);
        pos = end + 1;
        const auto p = lookup.find(f[1], index);
        if (!p || bit < 0 || std::size_t(bit) >= m)
            return corrupt(path, line, std::string(f[1]) + "[" + std::to_string(index) +
                                           "] bit " + std::to_string(bit) +
                                           " is not in the model's bit population");
        const std::size_t id = std::size_t(*p) * m + std::size_t(bit);
        const double v = paramValue(model, r.population.params[*p]);
        if (rank != r.rows.size() + 1 || seen[id] || value != v ||
            delta != model.scheme.delta(v, bit) || exponent != model.scheme.exponent(bit))
            return corrupt(path, line, "rank, value, delta or exponent disagree with the model, "
                                       "or the bit is listed twice");
        seen[id] = 1;
        r.rows.push_back({*p, std::uint8_t(bit), score});
    }
    if (r.rows.size() != r.population.bits())
        return corrupt(path, line, "lists " + std::to_string(r.rows.size()) + " bits, expected " +
                                       std::to_string(r.population.bits()));
    return {};
}

} // namespace

Result<Ranking> loadRankingFile(const fs::path& path, const Model& model,
                                const std::string& modelChecksum) {
    auto text = readFile(path);
    if (!text) return text.error();
    const std::string_view all = *text;
    const std::size_t eol = all.find('\n');
    if (all.rfind("# ", 0) != 0 || eol == std::string_view::npos)
        return corrupt(path, 1, "expected a '# {…}' JSON header line");
    Ranking r;
    if (auto st = readHeader(all.substr(2, eol - 2), path, model, modelChecksum, r); !st)
        return st.error();
    r.population = makePopulation(model, r.config.population);
    const std::size_t colsEnd = all.find('\n', eol + 1);
    if (colsEnd == std::string_view::npos || all.substr(eol + 1, colsEnd - eol - 1) != kColumns)
        return corrupt(path, 2, std::string("expected the column header '") + kColumns + "'");
    if (auto st = readRows(all, colsEnd + 1, path, model, r); !st) return st.error();
    return r;
}

} // namespace netsurf
