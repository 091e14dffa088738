#include "engine/storage/model_file.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "engine/core/file_io.h"

namespace netsurf {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "netsurf-model";
constexpr int kFormatVersion = 1;

json vectorJson(const Eigen::VectorXd& v) { return json(std::vector<double>(v.begin(), v.end())); }

json layerJson(const Model& m, const Layer& l) {
    json j{{"name", l.name}, {"kind", toString(l.kind)}, {"in", l.in}, {"out", l.out}};
    json t = json::object();
    auto add = [&](const char* role, int idx) {
        if (idx >= 0) t[role] = m.tensors[std::size_t(idx)].name;
    };
    add("kernel", l.kernel);
    add("bias", l.bias);
    add("alpha", l.alpha);
    add("beta", l.beta);
    add("gamma", l.gamma);
    add("moving_mean", l.movingMean);
    add("moving_variance", l.movingVariance);
    if (!t.empty()) j["tensors"] = t;
    if (l.kind == LayerKind::ApplyAlpha) j["reg"] = l.reg;
    if (l.kind == LayerKind::BatchNorm) {
        j["epsilon"] = l.epsilon;
        j["momentum"] = l.momentum;
    }
    return j;
}

json tensorJson(const Tensor& t, const std::string& layer) {
    json j{{"name", t.name}, {"layer", layer}, {"role", t.role}, {"shape", {t.rows, t.cols}},
           {"trainable", t.trainable}, {"prunable", t.prunable}, {"values", vectorJson(t.values)}};
    if (!t.mask.empty()) j["mask"] = t.mask;
    return j;
}

json provenanceJson(const ModelProvenance& p) {
    return {{"version", p.version},       {"git_revision", p.gitRevision},
            {"dataset", p.dataset},       {"dataset_source", p.datasetSource},
            {"dataset_checksum", p.datasetChecksum}, {"seed", p.seed},
            {"epochs", p.epochs},         {"epochs_run", p.epochsRun},
            {"best_epoch", p.bestEpoch},  {"early_stopped", p.earlyStopped},
            {"threads", p.threads},       {"train_seconds", p.trainSeconds},
            {"date", p.date},
            {"history_sha256", p.historySha256},
            {"instruction_set", p.instructionSet}};
}

} // namespace

std::string utcTimestamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Status saveModelFile(const fs::path& path, const ModelFile& f) {
    const Model& m = f.model;
    const QuantScheme& q = m.scheme;
    json j;
    j["format"] = kFormat;
    j["format_version"] = kFormatVersion;
    j["benchmark"] = m.benchmark;
    j["task"] = m.task == TaskKind::Classification ? "classification" : "regression";
    j["loss"] = toString(m.loss);
    j["quantization"] = {{"scheme", q.str()}, {"m", q.m()}, {"n", q.n()}, {"s", q.s()},
                         {"f", q.f()}, {"min", q.minValue()}, {"max", q.maxValue()},
                         {"lsb", q.lsb()}};
    j["pruning"] = f.pruning;
    j["sparsity"] = m.kernelSparsity();
    j["input_shape"] = m.inputShape;
    j["inputs"] = m.inputs;
    j["outputs"] = m.outputs;
    j["normalizer"] = {{"min", json(std::vector<double>(m.normalizer.min.begin(), m.normalizer.min.end()))},
                       {"max", json(std::vector<double>(m.normalizer.max.begin(), m.normalizer.max.end()))},
                       {"out_min", m.normalizer.outMin},
                       {"out_max", m.normalizer.outMax}};
    json layers = json::array(), tensors = json::array();
    for (const Layer& l : m.layers) layers.push_back(layerJson(m, l));
    for (const Tensor& t : m.tensors)
        tensors.push_back(tensorJson(t, t.name.substr(0, t.name.find('/'))));
    j["layers"] = layers;
    j["tensors"] = tensors;
    json metrics{{"loss", f.testLoss}};
    for (const auto& [k, v] : f.testMetrics) metrics[k] = v;
    j["test_evaluation"] = metrics;
    j["provenance"] = provenanceJson(f.provenance);
    return atomicWriteFile(path, j.dump(1) + "\n");
}

} // namespace netsurf
