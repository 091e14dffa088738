#pragma once
// model.json: architecture, scheme, normalizer, every tensor (quantized values, masks) and
// provenance. The format is documented in docs/formats.md.
#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/model/loss.h"
#include "engine/model/model.h"

namespace netsurf {

struct ModelProvenance {
    std::string version;
    std::string gitRevision;
    std::string dataset;
    std::string datasetSource;   // package / file / simulated
    std::string datasetChecksum;
    std::uint64_t seed = 0;
    int epochs = 0;              // configured
    int epochsRun = 0;
    int bestEpoch = 0;
    bool earlyStopped = false;
    int threads = 0;
    double trainSeconds = 0;
    std::string date;            // ISO 8601 UTC
    // SHA-256 of the history.csv written with this model (the two are one unit: a history that
    // does not match is left by an interrupted replacement). Empty in older files.
    std::string historySha256;
    std::string instructionSet;  // of the build that trained it, e.g. "x86-64-v3 (AVX2, FMA)"
};

struct ModelFile {
    Model model;
    double pruning = 0;          // target sparsity
    ModelProvenance provenance;
    double testLoss = 0;         // clean evaluation on the test split at save time
    Metrics testMetrics;
};

Status saveModelFile(const std::filesystem::path& path, const ModelFile& file);
// Validates structure, tensor sizes and that every stored value lies on the scheme's grid.
Result<ModelFile> loadModelFile(const std::filesystem::path& path);

// Current UTC time as "2026-11-25T22:08:36Z".
std::string utcTimestamp();

} // namespace netsurf
