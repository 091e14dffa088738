#pragma once
// IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed.
// Layout: magic 00 00 08 <ndims> (big-endian 0x00000803 images, 0x00000801 labels), then ndims
// big-endian uint32 sizes, then the uint8 payload, row-major, exactly prod(sizes) bytes.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"
#include "engine/core/sha256.h"
#include "engine/data/dataset.h"

namespace netsurf {

// A decoded uint8 IDX array: dims e.g. {N, 28, 28} (images) or {N} (labels).
struct IdxArray {
    std::vector<int> dims;
    std::vector<std::uint8_t> data; // prod(dims) bytes, row-major
};

// Inflates gzip data (magic 1f 8b); `name` is the file named in error messages.
Result<std::string> gunzip(std::string_view bytes, const std::string& name);

// Decodes IDX bytes (gzip detected by magic). expectedDims: 3 for images, 1 for labels.
Result<IdxArray> parseIdx(std::string_view bytes, const std::string& name, int expectedDims);

// Reads and decodes an IDX file; the raw file bytes (as stored) are added to `hash`.
Result<IdxArray> readIdxFile(const std::filesystem::path& path, int expectedDims, Sha256& hash);

// One split of an image dataset: x: N×(rows·cols) in [0,1] (byte / 255), y: N labels.
struct IdxSplit {
    MatrixRM x;
    Eigen::VectorXd y;
    std::vector<int> shape; // {rows, cols}
};

// Reads an images file and its labels file; counts must match and labels be < classes.
Result<IdxSplit> readIdxPair(const std::filesystem::path& images,
                             const std::filesystem::path& labels, int classes, Sha256& hash);

// `<dir>/<base>` if it exists, else `<dir>/<base>.gz` if it exists, else an empty path.
std::filesystem::path findIdxFile(const std::filesystem::path& dir, const std::string& base);

// True when `dir` holds all four canonical files (train-/t10k- images and labels).
bool hasIdxSet(const std::filesystem::path& dir);

// Loads the four canonical files of `dir` into out.train*/test*, inputShape and checksum
// (SHA-256 over train images, train labels, t10k images, t10k labels, as stored on disk).
Status loadIdxSet(const std::filesystem::path& dir, int classes, Dataset& out);

} // namespace netsurf
