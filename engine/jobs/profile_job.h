#pragma once
// The profile job (SPEC §6): the robustness profile of a trained model before training (its
// initial weights, rebuilt from the training seed) and after, on the first `samples` rows of its
// training split, saved next to the model as profile_pre.json and profile_post.json (the latter
// with the divergence from the former). Shared by netsurf-cli profile, the runner and the GUI.
//
// Each file records the SHA-256 of the model.json it was computed for ("model_checksum") and the
// requested number of rows ("samples_requested", 0 = all): the batch's profile job reuses a
// pair only when both are well formed and match the current model and request.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>

#include "engine/analysis/profile.h"
#include "engine/jobs/model_jobs.h"

namespace netsurf {

struct ProfileRequest {
    ModelSelector model;
    std::size_t samples = 0; // first N rows of the training split (0 = all)
    int threads = 0;
    DatasetOptions data;
    // Keep the files when they are current (profileFilesCurrent) instead of recomputing them.
    bool reuseExisting = false;
};

struct ProfileOutcome {
    std::filesystem::path prePath, postPath;
    RobustnessProfile pre, post;
    nlohmann::json divergence; // profileDivergenceJson(pre, post)
    std::string modelChecksum;
    bool reused = false; // the files were current: pre, post and divergence are left empty
};

// The structure the GUI draws and the job reuses: "samples", "distributions" with per
// distribution "n", every statistic, "lorenz" and "histogram"; `post` also requires
// "divergence_from_pre" per distribution.
bool profileFileWellFormed(const nlohmann::json& file, bool post);

// True when <dir>/profile_pre.json and profile_post.json are well formed, of their stage, and
// computed for the model whose model.json has `modelChecksum` with `samplesRequested` rows
// (nullopt: any number of rows).
bool profileFilesCurrent(const std::filesystem::path& dir, const std::string& modelChecksum,
                         std::optional<std::size_t> samplesRequested);

// The model must exist (train it first). Each file is written atomically; a pair is reused only
// when both match the model and the request, so a kill between the two writes is recomputed.
Result<ProfileOutcome> runProfileJob(const ProfileRequest& request, ProgressSink& sink,
                                     std::stop_token stop = {});

} // namespace netsurf
