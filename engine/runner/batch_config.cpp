#include "engine/runner/batch_config.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "engine/core/message_text.h"
#include "engine/core/number_format.h"
#include "engine/model/benchmarks.h"
#include "engine/storage/workspace.h"

namespace netsurf {

using nlohmann::json;

BatchConfig seedSweepConfig() {
    BatchConfig c;
    c.benchmarks = {"fashion_mnist_fnn", "mnist_fnn", "autompg", "smartpixel_small"};
    for (const char* q : {"q<6,2,1>", "q<6,0,1>", "q<6,0,0>", "q<16,1,1>"})
        c.quantizations.push_back(*QuantScheme::parse(q));
    c.prunings = {0, 0.125, 0.25};
    c.methods = {RankMethod::Hessian,    RankMethod::Fisher,     RankMethod::QPolar,
                 RankMethod::QPolarGrad, RankMethod::BitwiseMsb, RankMethod::Random,
                 RankMethod::GradNorm,   RankMethod::GradDelta,  RankMethod::WeightAbsValue,
                 RankMethod::Oracle};
    c.orders = {RankOrder::Plane};
    c.sweep = SweepConfig{}; // the seed grid: BER 0.001 … 0.15 × protection 0.01 … 0.4
    return c;
}

namespace {

// Thrown inside the parser only; converted to a usage error naming the config.
struct ConfigError {
    std::string what;
};

void require(bool cond, const std::string& what) {
    if (!cond) throw ConfigError{what};
}

const std::vector<std::string>& configKeys() {
    static const std::vector<std::string> keys{
        "benchmarks", "quantizations", "prunings", "methods",    "orders", "ber",
        "protection", "mode",          "reps",     "eval_split", "epochs", "seed", "profile"};
    return keys;
}

// The elements of a non-empty list of unique values, each converted by `parse`.
template <class T>
std::vector<T> listOf(const json& j, const std::string& key,
                      const std::function<T(const json&)>& parse) {
    require(j.is_array() && !j.empty(), "\"" + key + "\" must be a non-empty list");
    std::vector<T> out;
    for (const json& v : j) {
        T x = parse(v);
        require(std::find(out.begin(), out.end(), x) == out.end(),
                "\"" + key + "\" lists " + quoteValue(v.dump()) + " twice");
        out.push_back(std::move(x));
    }
    return out;
}

template <class T> T valueOf(const Result<T>& r) {
    require(r.ok(), r.ok() ? "" : r.error().message);
    return *r;
}

std::string stringOf(const json& v, const std::string& key) {
    require(v.is_string(), "\"" + key + "\" must hold strings, found " + quoteValue(v.dump()));
    return v.get<std::string>();
}

double numberOf(const json& v, const std::string& key) {
    require(v.is_number(), "\"" + key + "\" must hold numbers, found " + quoteValue(v.dump()));
    return v.get<double>();
}

std::int64_t integerOf(const json& v, const std::string& key, std::int64_t lo, std::int64_t hi) {
    require(v.is_number_integer() && v.get<std::int64_t>() >= lo && v.get<std::int64_t>() <= hi,
            "\"" + key + "\" must be an integer between " + std::to_string(lo) + " and " +
                std::to_string(hi) + ", found " + quoteValue(v.dump()));
    return v.get<std::int64_t>();
}

void applyModelKeys(const json& j, BatchConfig& c) {
    if (j.contains("benchmarks"))
        c.benchmarks = listOf<std::string>(j["benchmarks"], "benchmarks", [](const json& v) {
            const std::string name = stringOf(v, "benchmarks");
            return valueOf(benchmarkSpec(name)).name;
        });
    if (j.contains("quantizations"))
        c.quantizations =
            listOf<QuantScheme>(j["quantizations"], "quantizations", [](const json& v) {
                return valueOf(QuantScheme::parse(stringOf(v, "quantizations")));
            });
    if (j.contains("prunings"))
        c.prunings = listOf<double>(j["prunings"], "prunings", [](const json& v) {
            const double p = numberOf(v, "prunings");
            const Status st = validatePruning(p);
            require(st.ok(), st.ok() ? "" : st.error().message);
            return p;
        });
    if (j.contains("epochs")) c.epochs = int(integerOf(j["epochs"], "epochs", 1, 100000));
}

// "profile": true / false, or {"samples": N} (N ≥ 1 rows of the training split).
void applyProfileKey(const json& j, BatchConfig& c) {
    if (!j.contains("profile")) return;
    const json& v = j["profile"];
    require(v.is_boolean() || v.is_object(),
            "\"profile\" must be true, false or {\"samples\": N}, found " + quoteValue(v.dump()));
    if (v.is_boolean()) {
        c.profile = v.get<bool>();
        return;
    }
    for (const auto& [key, value] : v.items())
        require(key == "samples",
                "unknown key " + quoteValue(key) + " in \"profile\" (expected samples)");
    c.profile = true;
    if (v.contains("samples"))
        c.profileSamples = std::size_t(integerOf(v["samples"], "profile.samples", 1, 100000000));
}

void applyRankKeys(const json& j, BatchConfig& c) {
    if (j.contains("methods"))
        c.methods = listOf<RankMethod>(j["methods"], "methods", [](const json& v) {
            return valueOf(parseRankMethod(stringOf(v, "methods")));
        });
    if (j.contains("orders"))
        c.orders = listOf<RankOrder>(j["orders"], "orders", [](const json& v) {
            return valueOf(parseRankOrder(stringOf(v, "orders")));
        });
    if (j.contains("seed")) c.seed = std::uint64_t(integerOf(j["seed"], "seed", 0, 1LL << 62));
}

void applySweepKeys(const json& j, BatchConfig& c) {
    const auto numbers = [](const std::string& key) {
        return [key](const json& v) { return numberOf(v, key); };
    };
    if (j.contains("ber")) c.sweep.bers = listOf<double>(j["ber"], "ber", numbers("ber"));
    if (j.contains("protection"))
        c.sweep.protections = listOf<double>(j["protection"], "protection", numbers("protection"));
    if (j.contains("mode")) {
        const std::string m = stringOf(j["mode"], "mode");
        require(m == "exhaustive" || m == "montecarlo",
                "\"mode\" is " + quoteValue(m) + ", expected exhaustive or montecarlo");
        c.sweep.mode = m == "exhaustive" ? SweepMode::Exhaustive : SweepMode::MonteCarlo;
    }
    if (j.contains("reps")) c.sweep.reps = int(integerOf(j["reps"], "reps", 1, 100000));
    if (j.contains("eval_split")) {
        c.evalSplit = stringOf(j["eval_split"], "eval_split");
        require(c.evalSplit == "test" || c.evalSplit == "train",
                "\"eval_split\" is " + quoteValue(c.evalSplit) + ", expected test or train");
    }
    c.sweep.seed = c.seed;
    const Status st = validateSweepConfig(c.sweep);
    require(st.ok(), st.ok() ? "" : st.error().message);
}

} // namespace

Result<BatchConfig> parseBatchConfig(std::string_view text, const std::string& source) {
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return Error::usage(source + " is not a JSON object (expected {\"benchmarks\": […], …})");
    BatchConfig c = seedSweepConfig();
    try {
        for (const auto& [key, value] : j.items()) {
            std::string valid;
            for (const std::string& k : configKeys())
                valid += (valid.empty() ? "" : ", ") + k;
            require(std::find(configKeys().begin(), configKeys().end(), key) != configKeys().end(),
                    "unknown key " + quoteValue(key) + " (expected " + valid + ")");
        }
        applyModelKeys(j, c);
        applyRankKeys(j, c);
        applySweepKeys(j, c);
        applyProfileKey(j, c);
    } catch (const ConfigError& e) {
        return Error::usage(source + ": " + e.what);
    }
    return c;
}

json batchConfigJson(const BatchConfig& c) {
    json j;
    j["benchmarks"] = c.benchmarks;
    j["quantizations"] = json::array();
    for (const QuantScheme& q : c.quantizations)
        j["quantizations"].push_back(q.str());
    j["prunings"] = c.prunings;
    j["methods"] = json::array();
    for (RankMethod m : c.methods)
        j["methods"].push_back(toString(m));
    j["orders"] = json::array();
    for (RankOrder o : c.orders)
        j["orders"].push_back(toString(o));
    j["ber"] = c.sweep.bers;
    j["protection"] = c.sweep.protections;
    j["mode"] = toString(c.sweep.mode);
    j["reps"] = c.sweep.reps;
    j["eval_split"] = c.evalSplit;
    j["epochs"] = c.epochs ? json(*c.epochs) : json();
    j["seed"] = c.seed;
    j["profile"] = !c.profile || c.profileSamples == 0
                       ? json(c.profile)
                       : json{{"samples", c.profileSamples}};
    return j;
}

} // namespace netsurf
