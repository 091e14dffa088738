#include "engine/data/autompg_loader.h"

#include <array>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"
#include "engine/core/sha256.h"

namespace netsurf {

namespace {

using nlohmann::json;

constexpr int kFeatures = 9;
const std::string kExpect =
    " (expected a vega-datasets cars.json array of objects with Miles_per_Gallon, Cylinders, "
    "Displacement, Horsepower, Weight_in_lbs, Acceleration, Year and Origin)";

bool present(const json& row, const char* key) {
    auto it = row.find(key);
    return it != row.end() && !it->is_null();
}

// Model year from "YYYY-MM-DD" (e.g. "1970-01-01" → 70); -1 when malformed.
int modelYear(const json& v) {
    if (v.is_number()) return v.get<int>() >= 1900 ? v.get<int>() - 1900 : v.get<int>();
    if (!v.is_string()) return -1;
    const std::string s = v.get<std::string>();
    int year = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + std::min<std::size_t>(4, s.size()), year);
    if (ec != std::errc() || ptr != s.data() + 4 || year < 1900) return -1;
    return year - 1900;
}

// One row → 9 features, or an error text describing the bad field.
std::string parseRow(const json& row, Eigen::Ref<Eigen::RowVectorXd> x) {
    static const std::array<const char*, 5> numeric = {"Cylinders", "Displacement", "Horsepower",
                                                       "Weight_in_lbs", "Acceleration"};
    for (std::size_t k = 0; k < numeric.size(); ++k) {
        auto it = row.find(numeric[k]);
        if (it == row.end() || !it->is_number())
            return std::string("field ") + numeric[k] + " is not a number";
        x[Eigen::Index(k)] = it->get<double>();
    }
    auto year = row.find("Year");
    const int y = year == row.end() ? -1 : modelYear(*year);
    if (y < 0) return "field Year is not a date \"YYYY-MM-DD\"";
    x[5] = y;
    auto origin = row.find("Origin");
    const std::string o =
        origin != row.end() && origin->is_string() ? origin->get<std::string>() : "";
    if (o != "Europe" && o != "Japan" && o != "USA")
        return "field Origin is not USA, Europe or Japan";
    x[6] = o == "Europe";
    x[7] = o == "Japan";
    x[8] = o == "USA";
    return {};
}

} // namespace

const std::vector<std::string>& autoMpgFeatureNames() {
    static const std::vector<std::string> names = {"Cylinders", "Displacement", "Horsepower",
                                                   "Weight",    "Acceleration", "Model Year",
                                                   "Europe",    "Japan",        "USA"};
    return names;
}

Result<AutoMpgRows> parseCarsJson(std::string_view text, const std::string& name) {
    const json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) return Error::data(name + ": invalid JSON" + kExpect);
    if (!doc.is_array() || doc.empty())
        return Error::data(name + ": not a non-empty array" + kExpect);
    AutoMpgRows rows;
    rows.x.resize(Eigen::Index(doc.size()), kFeatures);
    rows.y.resize(Eigen::Index(doc.size()));
    Eigen::Index n = 0;
    for (std::size_t i = 0; i < doc.size(); ++i) {
        const json& row = doc[i];
        if (!row.is_object())
            return Error::data(name + ": row " + std::to_string(i) + " is not an object" + kExpect);
        if (!present(row, "Miles_per_Gallon") || !present(row, "Horsepower")) {
            ++rows.dropped;
            continue;
        }
        if (!row["Miles_per_Gallon"].is_number())
            return Error::data(name + ": row " + std::to_string(i) +
                               ": field Miles_per_Gallon is not a number" + kExpect);
        if (auto why = parseRow(row, rows.x.row(n)); !why.empty())
            return Error::data(name + ": row " + std::to_string(i) + ": " + why + kExpect);
        rows.y[n++] = row["Miles_per_Gallon"].get<double>();
    }
    if (n == 0) return Error::data(name + ": no row has both MPG and Horsepower" + kExpect);
    rows.x.conservativeResize(n, kFeatures);
    rows.y.conservativeResize(n);
    return rows;
}

Status loadAutoMpg(const std::filesystem::path& carsJson, Dataset& out) {
    auto text = readFile(carsJson);
    if (!text) return text.error();
    auto rows = parseCarsJson(*text, carsJson.string());
    if (!rows) return rows.error();
    const auto n = std::size_t(rows->x.rows());
    assignSeededSplit(rows->x, rows->y, std::size_t(std::llround(0.8 * double(n))), out);
    out.inputShape = {kFeatures};
    out.featureNames = autoMpgFeatureNames();
    out.targetName = "MPG";
    out.checksum = sha256Hex(*text);
    return {};
}

} // namespace netsurf
