// Loading and validating model.json (see docs/formats.md).
#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"
#include "engine/model/model_check.h"
#include "engine/storage/model_file.h"

#include <cmath>

namespace netsurf {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Thrown inside the reader only; converted to a data Error naming the file.
struct FormatError {
    std::string what;
};

void require(bool cond, const std::string& what) {
    if (!cond) throw FormatError{what};
}

Eigen::VectorXd readVector(const json& j, const std::string& what) {
    require(j.is_array(), what + " must be an array of numbers");
    Eigen::VectorXd v(Eigen::Index(j.size()));
    for (std::size_t i = 0; i < j.size(); ++i) {
        require(j[i].is_number(), what + " must contain only numbers");
        v[Eigen::Index(i)] = j[i].get<double>();
    }
    return v;
}

// Shape, values and mask of one tensor; the model-wide rules (grid, pruned zeros, roles) are
// checked by checkModelInvariants once the whole model is read.
Tensor readTensor(const json& j) {
    Tensor t;
    t.name = j.at("name").get<std::string>();
    t.role = j.at("role").get<std::string>();
    const auto shape = j.at("shape").get<std::vector<int>>();
    require(shape.size() == 2 && shape[0] > 0 && shape[1] > 0,
            "tensor " + t.name + " has an invalid shape (expected [rows, cols])");
    t.rows = shape[0];
    t.cols = shape[1];
    t.trainable = j.at("trainable").get<bool>();
    t.prunable = j.value("prunable", false);
    t.values = readVector(j.at("values"), "values of tensor " + t.name);
    require(t.values.size() == Eigen::Index(t.rows) * t.cols,
            "tensor " + t.name + " has " + std::to_string(t.values.size()) + " values, expected " +
                std::to_string(Eigen::Index(t.rows) * t.cols) + " for shape [" +
                std::to_string(t.rows) + ", " + std::to_string(t.cols) + "]");
    if (j.contains("mask")) {
        t.mask = j.at("mask").get<std::vector<std::uint8_t>>();
        require(t.mask.size() == std::size_t(t.values.size()),
                "mask of tensor " + t.name + " has the wrong length");
    }
    return t;
}

// Index of the tensor a layer names for `role`; −1 when the layer names none.
int tensorRef(const Model& m, const json& refs, const char* role, const std::string& layer) {
    if (!refs.contains(role)) return -1;
    const std::string name = refs.at(role).get<std::string>();
    const int idx = m.tensorIndex(name);
    require(idx >= 0, "layer " + layer + " refers to a missing " + role + " tensor " + name);
    return idx;
}

Layer readLayer(const Model& m, const json& j, int width) {
    Layer l;
    l.name = j.at("name").get<std::string>();
    auto kind = layerKindFromString(j.at("kind").get<std::string>());
    require(kind.ok(), kind.ok() ? "" : kind.error().message);
    l.kind = *kind;
    l.in = j.at("in").get<int>();
    l.out = j.at("out").get<int>();
    require(l.in == width, "layer " + l.name + " expects " + std::to_string(l.in) +
                               " inputs but the previous layer gives " + std::to_string(width));
    require(l.out > 0 && (l.kind == LayerKind::Dense || l.out == l.in),
            "layer " + l.name + " has an invalid output width");
    const json refs = j.value("tensors", json::object());
    switch (l.kind) {
    case LayerKind::Dense:
        l.kernel = tensorRef(m, refs, "kernel", l.name);
        l.bias = tensorRef(m, refs, "bias", l.name);
        break;
    case LayerKind::ApplyAlpha:
        l.alpha = tensorRef(m, refs, "alpha", l.name);
        l.beta = tensorRef(m, refs, "beta", l.name);
        l.reg = j.value("reg", 0.0);
        break;
    case LayerKind::BatchNorm:
        l.gamma = tensorRef(m, refs, "gamma", l.name);
        l.beta = tensorRef(m, refs, "beta", l.name);
        l.movingMean = tensorRef(m, refs, "moving_mean", l.name);
        l.movingVariance = tensorRef(m, refs, "moving_variance", l.name);
        l.epsilon = j.value("epsilon", 1e-3);
        l.momentum = j.value("momentum", 0.99);
        break;
    case LayerKind::QRelu:
    case LayerKind::Softmax:
        break;
    }
    return l;
}

// One of the allowed strings of a key; anything else names the key and the choices.
std::string oneOf(const json& j, const char* key, std::initializer_list<const char*> allowed) {
    const std::string v = j.at(key).get<std::string>();
    std::string list;
    for (const char* a : allowed) {
        if (v == a) return v;
        list += (list.empty() ? "" : " or ") + std::string(a);
    }
    throw FormatError{std::string("\"") + key + "\" is '" + v + "', expected " + list};
}

ModelProvenance readProvenance(const json& p) {
    ModelProvenance r;
    r.version = p.value("version", "");
    r.gitRevision = p.value("git_revision", "");
    r.dataset = p.value("dataset", "");
    r.datasetSource = p.value("dataset_source", "");
    r.datasetChecksum = p.value("dataset_checksum", "");
    r.seed = p.value("seed", std::uint64_t(0));
    r.epochs = p.value("epochs", 0);
    r.epochsRun = p.value("epochs_run", 0);
    r.bestEpoch = p.value("best_epoch", 0);
    r.earlyStopped = p.value("early_stopped", false);
    r.threads = p.value("threads", 0);
    r.trainSeconds = p.value("train_seconds", 0.0);
    r.date = p.value("date", "");
    r.historySha256 = p.value("history_sha256", "");
    r.instructionSet = p.value("instruction_set", "");
    return r;
}

ModelFile readModel(const json& j) {
    require(j.is_object() && j.value("format", "") == "netsurf-model",
            "it is not a NetSurf model file (missing \"format\": \"netsurf-model\")");
    require(j.value("format_version", 0) == 1, "unsupported format_version (expected 1)");
    ModelFile f;
    Model& m = f.model;
    auto scheme = QuantScheme::parse(j.at("quantization").at("scheme").get<std::string>());
    require(scheme.ok(), scheme.ok() ? "" : scheme.error().message);
    m.scheme = *scheme;
    m.benchmark = j.at("benchmark").get<std::string>();
    m.task = oneOf(j, "task", {"classification", "regression"}) == "regression"
                 ? TaskKind::Regression
                 : TaskKind::Classification;
    m.loss = oneOf(j, "loss", {"cross_entropy", "mse"}) == "mse" ? LossKind::MeanSquaredError
                                                                 : LossKind::CrossEntropy;
    m.inputShape = j.at("input_shape").get<std::vector<int>>();
    m.inputs = j.at("inputs").get<int>();
    m.outputs = j.at("outputs").get<int>();
    f.pruning = j.at("pruning").get<double>();
    const json& nz = j.at("normalizer");
    m.normalizer.min = readVector(nz.at("min"), "normalizer min").transpose();
    m.normalizer.max = readVector(nz.at("max"), "normalizer max").transpose();
    m.normalizer.outMin = nz.at("out_min").get<double>();
    m.normalizer.outMax = nz.at("out_max").get<double>();
    for (const json& t : j.at("tensors"))
        m.tensors.push_back(readTensor(t));
    int width = m.inputs;
    for (const json& l : j.at("layers")) {
        m.layers.push_back(readLayer(m, l, width));
        width = m.layers.back().out;
    }
    require(!m.layers.empty() && width == m.outputs, "the layers produce " + std::to_string(width) +
                                                         " outputs, expected " +
                                                         std::to_string(m.outputs));
    if (j.contains("test_evaluation"))
        for (const auto& [k, v] : j.at("test_evaluation").items()) {
            // JSON has no NaN: an undefined metric (e.g. Pearson of a constant output) is null
            const double x = v.is_null() ? std::nan("") : v.get<double>();
            if (k == "loss")
                f.testLoss = x;
            else
                f.testMetrics.emplace_back(k, x);
        }
    f.provenance = readProvenance(j.value("provenance", json::object()));
    if (auto st = checkModelInvariants(m, f.pruning); !st) throw FormatError{st.error().message};
    return f;
}

} // namespace

Result<ModelFile> loadModelFile(const fs::path& path) {
    auto text = readFile(path);
    if (!text) return text.error();
    try {
        return readModel(json::parse(*text));
    } catch (const json::parse_error& e) {
        return Error::data("model file " + path.string() +
                           " is not valid JSON (truncated or corrupt at byte " +
                           std::to_string(e.byte) + ")");
    } catch (const json::exception& e) {
        return Error::data("model file " + path.string() + " is malformed: " + e.what());
    } catch (const FormatError& e) {
        return Error::data("model file " + path.string() + " is invalid: " + e.what);
    }
}

} // namespace netsurf
