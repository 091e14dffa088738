#include "engine/data/idx_loader.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

#include "engine/core/file_io.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

constexpr std::array<const char*, 4> kIdxBases = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte"};

bool isGzip(std::string_view bytes) {
    return bytes.size() >= 2 && std::uint8_t(bytes[0]) == 0x1f && std::uint8_t(bytes[1]) == 0x8b;
}

std::uint32_t readBigEndian32(std::string_view b, std::size_t at) {
    return (std::uint32_t(std::uint8_t(b[at])) << 24) |
           (std::uint32_t(std::uint8_t(b[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(b[at + 2])) << 8) | std::uint32_t(std::uint8_t(b[at + 3]));
}

std::string dimsText(const std::vector<int>& dims) {
    std::string s;
    for (std::size_t i = 0; i < dims.size(); ++i)
        s += (i ? "x" : "") + std::to_string(dims[i]);
    return s;
}

// Header → dims; checks magic 00 00 08 <expectedDims> and that all sizes fit the file.
Result<std::vector<int>> parseIdxHeader(std::string_view b, const std::string& name,
                                        int expectedDims) {
    const std::uint32_t expectedMagic = 0x00000800u | std::uint32_t(expectedDims);
    if (b.size() < 4 || readBigEndian32(b, 0) != expectedMagic) {
        char want[16];
        std::snprintf(want, sizeof want, "0x%08x", expectedMagic);
        return Error::data(name + ": not an IDX " + (expectedDims == 1 ? "labels" : "images") +
                           " file (expected magic number " + want + ")");
    }
    const std::size_t headerBytes = 4 + 4 * std::size_t(expectedDims);
    if (b.size() < headerBytes)
        return Error::data(name + ": truncated IDX header (expected " +
                           std::to_string(headerBytes) + " bytes, found " +
                           std::to_string(b.size()) + ")");
    std::vector<int> dims;
    for (int i = 0; i < expectedDims; ++i) {
        const std::uint32_t d = readBigEndian32(b, 4 + 4 * std::size_t(i));
        if (d == 0 || d > std::uint32_t(std::numeric_limits<int>::max()))
            return Error::data(name + ": IDX dimension " + std::to_string(i) + " is " +
                               std::to_string(d) + " (expected a positive size)");
        dims.push_back(int(d));
    }
    return dims;
}

// Labels: N bytes → VectorXd, each < classes.
Result<Eigen::VectorXd> toLabels(const IdxArray& a, int classes, const std::string& name) {
    Eigen::VectorXd y(a.dims[0]);
    for (int i = 0; i < a.dims[0]; ++i) {
        if (a.data[std::size_t(i)] >= classes)
            return Error::data(name + ": label " + std::to_string(a.data[std::size_t(i)]) +
                               " at index " + std::to_string(i) + " (expected 0.." +
                               std::to_string(classes - 1) + ")");
        y[i] = a.data[std::size_t(i)];
    }
    return y;
}

} // namespace

Result<std::string> gunzip(std::string_view bytes, const std::string& name) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return Error::internal(name + ": cannot initialize zlib");
    std::string out;
    if (bytes.size() >= 18) { // gzip trailer ISIZE: uncompressed size mod 2^32, little-endian
        const auto* t = reinterpret_cast<const std::uint8_t*>(bytes.data() + bytes.size() - 4);
        out.reserve(std::min<std::size_t>(std::uint32_t(t[0]) | std::uint32_t(t[1]) << 8 |
                                              std::uint32_t(t[2]) << 16 | std::uint32_t(t[3]) << 24,
                                          std::size_t(1) << 30));
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs.avail_in = uInt(bytes.size());
    std::array<char, 1 << 16> chunk;
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
        zs.avail_out = uInt(chunk.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(chunk.data(), chunk.size() - zs.avail_out);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) break; // input ended before the stream did
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return Error::data(name + ": gzip data is truncated or corrupt (expected a complete gzip "
                                  "stream)");
    return out;
}

Result<IdxArray> parseIdx(std::string_view bytes, const std::string& name, int expectedDims) {
    std::string inflated;
    if (isGzip(bytes)) {
        auto r = gunzip(bytes, name);
        if (!r) return r.error();
        inflated = std::move(r.value());
        bytes = inflated;
    }
    auto dims = parseIdxHeader(bytes, name, expectedDims);
    if (!dims) return dims.error();
    std::size_t expected = 1;
    for (int d : *dims)
        expected *= std::size_t(d);
    const std::size_t headerBytes = 4 + 4 * std::size_t(expectedDims);
    const std::size_t actual = bytes.size() - headerBytes;
    if (actual != expected)
        return Error::data(name + ": IDX payload of " + dimsText(*dims) + " bytes should be " +
                           std::to_string(expected) + " bytes, found " + std::to_string(actual) +
                           (actual < expected ? " (truncated)" : " (trailing data)"));
    IdxArray a;
    a.dims = std::move(*dims);
    a.data.assign(bytes.begin() + std::ptrdiff_t(headerBytes), bytes.end());
    return a;
}

Result<IdxArray> readIdxFile(const fs::path& path, int expectedDims, Sha256& hash) {
    auto bytes = readFile(path);
    if (!bytes) return bytes.error();
    hash.update(*bytes);
    return parseIdx(*bytes, path.string(), expectedDims);
}

Result<IdxSplit> readIdxPair(const fs::path& images, const fs::path& labels, int classes,
                             Sha256& hash) {
    auto img = readIdxFile(images, 3, hash);
    if (!img) return img.error();
    auto lab = readIdxFile(labels, 1, hash);
    if (!lab) return lab.error();
    if (img->dims[0] != lab->dims[0])
        return Error::data(labels.string() + ": " + std::to_string(lab->dims[0]) + " labels for " +
                           std::to_string(img->dims[0]) + " images in " + images.string() +
                           " (expected equal counts)");
    IdxSplit s;
    s.shape = {img->dims[1], img->dims[2]};
    const Eigen::Index n = img->dims[0], d = Eigen::Index(img->dims[1]) * img->dims[2];
    // x: N×d, x(i, r·cols + c) = pixel(i, r, c) / 255
    s.x = Eigen::Map<
              const Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
              img->data.data(), n, d)
              .cast<double>() /
          255.0;
    auto y = toLabels(*lab, classes, labels.string());
    if (!y) return y.error();
    s.y = std::move(*y);
    return s;
}

fs::path findIdxFile(const fs::path& dir, const std::string& base) {
    std::error_code ec;
    if (fs::is_regular_file(dir / base, ec)) return dir / base;
    if (fs::is_regular_file(dir / (base + ".gz"), ec)) return dir / (base + ".gz");
    return {};
}

bool hasIdxSet(const fs::path& dir) {
    for (const char* base : kIdxBases)
        if (findIdxFile(dir, base).empty()) return false;
    return true;
}

Status loadIdxSet(const fs::path& dir, int classes, Dataset& out) {
    std::array<fs::path, 4> files;
    for (std::size_t i = 0; i < files.size(); ++i) {
        files[i] = findIdxFile(dir, kIdxBases[i]);
        if (files[i].empty())
            return Error::data((dir / kIdxBases[i]).string() +
                               "[.gz]: file not found (expected an IDX file)");
    }
    Sha256 hash;
    auto train = readIdxPair(files[0], files[1], classes, hash);
    if (!train) return train.error();
    auto test = readIdxPair(files[2], files[3], classes, hash);
    if (!test) return test.error();
    if (train->shape != test->shape)
        return Error::data(files[2].string() + ": images are " + dimsText(test->shape) +
                           " (expected " + dimsText(train->shape) + " as in the training set)");
    out.inputShape = train->shape;
    out.trainX = std::move(train->x);
    out.trainY = std::move(train->y);
    out.testX = std::move(test->x);
    out.testY = std::move(test->y);
    out.checksum = hash.hexDigest();
    return {};
}

} // namespace netsurf
