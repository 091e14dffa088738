// netsurf-cli datasets [--json] [--data-dir DIR] [--smartpixel-dir DIR]
// Loads every benchmark dataset and lists its source, split sizes, shape and checksum.
// Exit code 1 when any dataset is missing or corrupt, so scripts can check the setup.
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/cli_args.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/core/message_text.h"
#include "engine/data/dataset.h"
#include "engine/data/smartpixel_csv_loader.h"

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli datasets [--data-dir DIR] [--smartpixel-dir DIR] [--json]\n"
    "       netsurf-cli datasets --export smartpixel [--out DIR] [--smartpixel-dir DIR]\n"
    "Loads every benchmark dataset and lists its source, split sizes (train as used for\n"
    "fitting, validation, test), input shape, output and SHA-256 checksum. Exits with 1 when any\n"
    "dataset is missing or corrupt.\n"
    "--export smartpixel writes the smart-pixel set NetSurf uses (the seeded simulation unless\n"
    "--smartpixel-dir or NETSURF_SMARTPIXEL_DIR names the public CSVs) as the four CSV files of\n"
    "the public layout into DIR (default <data dir>/smartpixel-simulated), e.g. for\n"
    "docs/examples/reload_model.py or another tool.\n";

std::string shapeText(const std::vector<int>& shape) {
    std::string s;
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? "x" : "") + std::to_string(shape[i]);
    return s.empty() ? "-" : s;
}

std::string outputText(const DatasetInfo& info) {
    if (!info.error.empty()) return "-";
    if (info.task == TaskKind::Regression) return "target " + info.targetName;
    return std::to_string(info.classes) + " classes";
}

// Train as used for fitting: the dataset's train split minus the validation carve-out.
std::size_t fitCount(const DatasetInfo& info) {
    return info.train - info.validation;
}

nlohmann::json toJson(const DatasetInfo& info) {
    using nlohmann::json;
    const bool ok = info.error.empty();
    json j = {{"name", info.name},
              {"source", toString(info.source)},
              {"source_detail", info.sourceDetail},
              {"train", fitCount(info)},
              {"validation", info.validation},
              {"test", info.test},
              {"input_shape", info.inputShape},
              {"task", ok ? json(toString(info.task)) : json()},
              {"checksum", ok ? json(info.checksum) : json()},
              {"error", ok ? json() : json(info.error)}};
    if (ok && info.task == TaskKind::Regression)
        j["target"] = info.targetName;
    else if (ok)
        j["classes"] = info.classes;
    return j;
}

void printTable(const std::string& dataDir, const std::vector<DatasetInfo>& infos) {
    std::printf("data dir: %s\n", dataDir.c_str());
    std::printf("%-14s %-9s %7s %6s %6s %-6s %-12s %s\n", "dataset", "source", "train", "valid",
                "test", "input", "output", "sha256");
    for (const auto& info : infos) {
        const bool ok = info.error.empty();
        std::printf("%-14s %-9s %7s %6s %6s %-6s %-12s %s\n", info.name.c_str(),
                    toString(info.source), ok ? std::to_string(fitCount(info)).c_str() : "-",
                    ok ? std::to_string(info.validation).c_str() : "-",
                    ok ? std::to_string(info.test).c_str() : "-",
                    shapeText(info.inputShape).c_str(), outputText(info).c_str(),
                    ok ? info.checksum.substr(0, 12).c_str() : "-");
    }
    for (const auto& info : infos) {
        if (info.error.empty())
            std::printf("  %-14s %s\n", info.name.c_str(), info.sourceDetail.c_str());
        else
            std::printf("  %-14s %s\n", info.name.c_str(), info.error.c_str());
    }
}

int exportSmartPixel(const CliArgs& args, const DatasetOptions& options) {
    if (*args.value("export") != "smartpixel")
        return reportError(Error::usage("--export supports smartpixel only, got " +
                                        quoteValue(*args.value("export"))));
    const std::filesystem::path out =
        args.value("out").value_or((resolveDataDir(options) / "smartpixel-simulated").string());
    auto data = loadDataset("smartpixel", options);
    if (!data) return reportError(data.error());
    if (auto st = saveSmartPixelCsv(*data, out); !st) return reportError(st.error());
    if (args.flag("json"))
        printJson({{"dataset", "smartpixel"},
                   {"source", toString(data->source)},
                   {"checksum", data->checksum},
                   {"out", out.string()},
                   {"train", data->trainX.rows()},
                   {"test", data->testX.rows()}});
    else
        std::printf("smartpixel (%s, %lld train + %lld test rows) written to %s\n",
                    data->sourceDetail.c_str(), static_cast<long long>(data->trainX.rows()),
                    static_cast<long long>(data->testX.rows()), out.string().c_str());
    return 0;
}

} // namespace

int cmdDatasets(const Args& args) {
    auto parsed = CliArgs::parse(args, {.valued = {"data-dir", "smartpixel-dir", "export", "out"},
                                        .flags = {"json", "help"}});
    if (!parsed) return reportError(parsed.error());
    if (parsed->flag("help")) {
        std::printf("%s", kHelp);
        return 0;
    }
    if (!parsed->positional().empty())
        return reportError(Error::usage("datasets takes no positional argument (got " +
                                        quoteValue(parsed->positional().front()) + ")"));
    DatasetOptions options;
    if (auto dir = parsed->value("data-dir")) options.dataDir = *dir;
    if (auto dir = parsed->value("smartpixel-dir")) options.smartpixelDir = *dir;
    if (parsed->value("export")) return exportSmartPixel(*parsed, options);
    if (parsed->value("out"))
        return reportError(Error::usage("--out is the directory of --export"));
    const std::string dataDir = resolveDataDir(options).string();

    std::vector<DatasetInfo> infos;
    bool allOk = true;
    for (const auto& name : datasetNames()) {
        infos.push_back(describeDataset(name, options));
        allOk = allOk && infos.back().error.empty();
    }
    if (parsed->flag("json")) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& info : infos)
            list.push_back(toJson(info));
        printJson({{"data_dir", dataDir}, {"datasets", list}});
    } else {
        printTable(dataDir, infos);
    }
    return allOk ? 0 : 1;
}

} // namespace netsurf::cli
