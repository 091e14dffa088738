#pragma once
// What `netsurf-cli batch` (and the GUI's run configuration) runs: the seed notebook's sweep by
// default, any part of it overridden by a JSON config.
//
//   {"benchmarks": ["mnist_fnn", …], "quantizations": ["q<6,2,1>", …], "prunings": [0, 0.125],
//    "methods": ["qpolargrad", …], "orders": ["plane"], "ber": [0.001, …],
//    "protection": [0.01, …], "mode": "exhaustive", "reps": 50, "eval_split": "test",
//    "epochs": 5, "seed": 0, "profile": {"samples": 2000}}
//
// Every key is optional; an unknown key, a malformed value, an empty or repeated list or an
// unknown benchmark / scheme / method / order is refused with one sentence naming the config
// and the key (and listing the valid names).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/inject/sweep.h"
#include "engine/quant/quant_scheme.h"
#include "engine/rank/rank_method.h"

namespace netsurf {

struct BatchConfig {
    std::vector<std::string> benchmarks;
    std::vector<QuantScheme> quantizations;
    std::vector<double> prunings;
    std::vector<RankMethod> methods;
    std::vector<RankOrder> orders;
    SweepConfig sweep;              // ber, protection, mode, reps and seed
    std::string evalSplit = "test"; // "test" or "train"
    std::optional<int> epochs;      // every benchmark's; unset: each benchmark's default
    std::uint64_t seed = 0;         // of training, rankings and flips (= sweep.seed)
    // A profile job per model ("profile": false turns them off) on the first profileSamples
    // rows of its training split ("profile": {"samples": N}; 0 = all, netsurf-cli profile's
    // default).
    bool profile = true;
    std::size_t profileSamples = 0;
};

// The seed notebook's sweep: fashion_mnist_fnn, mnist_fnn, autompg, smartpixel_small ×
// q<6,2,1>, q<6,0,1>, q<6,0,0>, q<16,1,1> × pruning 0, 0.125, 0.25 × hessian, fisher, qpolar,
// qpolargrad, bitwise_msb, random, grad_norm, graddelta, weight_abs_value and oracle (the
// reference) in plane order × BER 0.001 … 0.15 × protection 0.01 … 0.4, exhaustive, test split.
BatchConfig seedSweepConfig();

// The seed sweep with the keys of `json` overriding it; `source` names the config in messages.
Result<BatchConfig> parseBatchConfig(std::string_view json, const std::string& source);

// The config as JSON (every key), e.g. for the job database and --dry-run.
nlohmann::json batchConfigJson(const BatchConfig& config);

} // namespace netsurf
