#pragma once
// Smart-pixel clusters in the public CSV layout (pandas-written, one header row):
//   QuantizedInputTrainSetLocal0.csv / QuantizedInputTestSetLocal0.csv: 13 numeric input columns
//     (integers 0..25), optionally preceded by an unnamed index column ("" or "Unnamed: 0");
//   TrainSetLabelLocal0.csv / TestSetLabelLocal0.csv: a column "ptLabel" (0 high pT, 1 low pT
//     negative, 2 low pT positive) among possibly others, or a single unnamed label column.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"

namespace netsurf {

constexpr int kSmartPixelFeatures = 13;
constexpr int kSmartPixelClasses = 3;

// A numeric CSV table: header names and values (rows×cols, row-major), index column dropped.
struct CsvTable {
    std::vector<std::string> header;
    std::size_t rows = 0;
    std::vector<double> values;
};

// Parses a CSV with a header row and numeric cells; a leading index column ("" or
// "Unnamed: 0") is dropped. `name` is the file named in error messages.
Result<CsvTable> parseNumericCsv(std::string_view text, const std::string& name);

// The four file names in checksum order: train inputs, train labels, test inputs, test labels.
const std::vector<std::string>& smartPixelFileNames();

// True when `dir` holds all four files.
bool hasSmartPixelCsv(const std::filesystem::path& dir);

// Writes a smart-pixel dataset (e.g. the simulated one) as the four files of the public layout
// into `dir`: inputs with an unnamed index column and columns 0..12, labels as ",ptLabel", values
// in shortest round-trip form, each file written atomically. loadSmartPixelCsv reads the rows
// back exactly (its checksum is that of the CSV bytes, not of the simulator's). Beside them,
// netsurf-export.json records the dataset's name, source and checksum.
Status saveSmartPixelCsv(const Dataset& data, const std::filesystem::path& dir);

// Reads the four files; fills out.train*/test*, inputShape {13} and checksum (SHA-256 over
// the four files' bytes in smartPixelFileNames() order).
Status loadSmartPixelCsv(const std::filesystem::path& dir, Dataset& out);

} // namespace netsurf
