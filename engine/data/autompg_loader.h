#pragma once
// UCI Auto-MPG from vega-datasets' cars.json: an array of objects
//   {"Name", "Miles_per_Gallon", "Cylinders", "Displacement", "Horsepower", "Weight_in_lbs",
//    "Acceleration", "Year": "1970-01-01", "Origin": "USA" | "Europe" | "Japan"}.
// Rows with a null or missing MPG or Horsepower are dropped (406 → 392 rows).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"

namespace netsurf {

// Feature order of the 9 inputs: Cylinders, Displacement, Horsepower, Weight, Acceleration,
// Model Year, Europe, Japan, USA (origin one-hot).
const std::vector<std::string>& autoMpgFeatureNames();

// Parsed rows: x: n×9 (features above), y: n (MPG).
struct AutoMpgRows {
    MatrixRM x;
    Eigen::VectorXd y;
    std::size_t dropped = 0; // rows without MPG or Horsepower
};
Result<AutoMpgRows> parseCarsJson(std::string_view text, const std::string& name);

// Reads cars.json and splits 80/20 with the fixed seeded split (train = round(0.8·n));
// fills out.train*/test*, inputShape {9}, featureNames, targetName and checksum (SHA-256 of
// the file's bytes).
Status loadAutoMpg(const std::filesystem::path& carsJson, Dataset& out);

} // namespace netsurf
