#pragma once
// The profile job (SPEC §6): the robustness profile of a trained model before training (its
// initial weights, rebuilt from the training seed) and after, on the first `samples` rows of its
// training split, saved next to the model as profile_pre.json and profile_post.json (the latter
// with the divergence from the former). Shared by netsurf-cli profile, the runner and the GUI.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stop_token>

#include "engine/analysis/profile.h"
#include "engine/jobs/model_jobs.h"

namespace netsurf {

struct ProfileRequest {
    ModelSelector model;
    std::size_t samples = 0; // first N rows of the training split (0 = all)
    int threads = 0;
    DatasetOptions data;
};

struct ProfileOutcome {
    std::filesystem::path prePath, postPath;
    RobustnessProfile pre, post;
    nlohmann::json divergence; // profileDivergenceJson(pre, post)
    std::string modelChecksum;
};

// The model must exist (train it first). Both files are written atomically.
Result<ProfileOutcome> runProfileJob(const ProfileRequest& request, ProgressSink& sink,
                                     std::stop_token stop = {});

} // namespace netsurf
