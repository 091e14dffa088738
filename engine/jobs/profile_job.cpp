#include "engine/jobs/profile_job.h"

#include <optional>
#include <string_view>

#include "engine/analysis/profile_stats.h"
#include "engine/core/file_io.h"
#include "engine/core/parallel.h"
#include "engine/core/sha256.h"
#include "engine/core/version.h"
#include "engine/jobs/rank_jobs.h"
#include "engine/model/benchmarks.h"
#include "engine/model/input_grid.h"

namespace netsurf {

namespace fs = std::filesystem;

namespace {

nlohmann::json fileJson(const char* stage, const ModelFile& file, const std::string& checksum,
                        std::size_t samplesRequested, const RobustnessProfile& profile) {
    nlohmann::json j = profileJson(profile);
    j["stage"] = stage;
    j["benchmark"] = file.model.benchmark;
    j["quant"] = file.model.scheme.str();
    j["model_checksum"] = checksum;
    j["samples_requested"] = samplesRequested;
    j["training_seed"] = file.provenance.seed;
    j["engine_version"] = std::string(version()) + " (git " + gitRevision() + ")";
    return j;
}

bool histogramWellFormed(const nlohmann::json& d) {
    if (!d.contains("histogram") || !d["histogram"].is_object()) return false;
    const auto& h = d["histogram"];
    if (!h.contains("edges") || !h.contains("counts") || !h["edges"].is_array() ||
        !h["counts"].is_array() ||
        (!h["counts"].empty() && h["edges"].size() != h["counts"].size() + 1))
        return false;
    for (const auto& v : h["edges"])
        if (!v.is_number()) return false;
    for (const auto& v : h["counts"])
        if (!v.is_number_unsigned()) return false;
    return true;
}

bool distributionWellFormed(const nlohmann::json& d) {
    if (!d.is_object() || !d.contains("n") || !d["n"].is_number_unsigned()) return false;
    for (const std::string& s : statisticNames())
        if (!d.contains(s) || !(d[s].is_number() || d[s].is_null())) return false;
    if (!d.contains("lorenz") || !d["lorenz"].is_array()) return false;
    for (const auto& p : d["lorenz"])
        if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
            return false;
    return histogramWellFormed(d);
}

// The file's contents when it is a well-formed profile of `stage`, else null.
nlohmann::json readProfileFile(const fs::path& file, const char* stage) {
    auto text = readFile(file);
    if (!text) return nullptr;
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    const bool post = std::string_view(stage) == "post";
    if (j.is_discarded() || !profileFileWellFormed(j, post) || !j.contains("stage") ||
        j["stage"] != stage)
        return nullptr;
    return j;
}

} // namespace

bool profileFileWellFormed(const nlohmann::json& j, bool post) {
    if (!j.is_object() || !j.contains("samples") || !j["samples"].is_number_unsigned() ||
        !j.contains("distributions") || !j["distributions"].is_object())
        return false;
    if (post && !(j.contains("divergence_from_pre") && j["divergence_from_pre"].is_object()))
        return false;
    for (const auto& [name, d] : j["distributions"].items()) {
        if (!distributionWellFormed(d)) return false;
        if (post) {
            const auto& div = j["divergence_from_pre"];
            if (!div.contains(name) || !div[name].is_object() ||
                !div[name].contains("difference") || !div[name]["difference"].is_object())
                return false;
            for (const char* k : {"cosine", "gini_shift", "symmetric_kl"})
                if (!div[name].contains(k)) return false;
        }
    }
    return true;
}

bool profileFilesCurrent(const fs::path& dir, const std::string& modelChecksum,
                         std::optional<std::size_t> samplesRequested) {
    for (const char* stage : {"pre", "post"}) {
        const nlohmann::json j =
            readProfileFile(dir / (std::string("profile_") + stage + ".json"), stage);
        if (j.is_null() || j.value("model_checksum", "") != modelChecksum) return false;
        if (!samplesRequested) continue;
        if (!j.contains("samples_requested") || !j["samples_requested"].is_number_unsigned() ||
            j["samples_requested"].get<std::size_t>() != *samplesRequested)
            return false;
    }
    return true;
}

Result<ProfileOutcome> runProfileJob(const ProfileRequest& req, ProgressSink& sink,
                                     std::stop_token stop) {
    const fs::path modelPath = modelPathFor(req.model);
    if (!fs::exists(modelPath))
        return Error::data(modelPath.string() +
                           " does not exist; train the model first (netsurf-cli train)");
    auto checksum = sha256File(modelPath);
    if (!checksum) return checksum.error();
    const fs::path dir = modelPath.parent_path();
    if (req.reuseExisting && profileFilesCurrent(dir, *checksum, req.samples)) {
        sink.progress({"profile", 2, 2, "already in the workspace"});
        return ProfileOutcome{.prePath = dir / "profile_pre.json",
                              .postPath = dir / "profile_post.json",
                              .modelChecksum = *checksum,
                              .reused = true};
    }
    auto file = loadSelectedModel(req.model);
    if (!file) return file.error();
    auto loaded = loadTrainingData(*file, req.data, sink);
    if (!loaded) return loaded.error();
    const Split& train = loaded->splits.train;
    const auto n =
        Eigen::Index(req.samples > 0 ? std::min(req.samples, train.size()) : train.size());
    const Model initial = initialModel(*benchmarkSpec(file->model.benchmark), file->model.scheme,
                                       loaded->data, loaded->splits, file->provenance.seed);
    const Eigen::VectorXd y = train.y.head(n);

    ProfileOutcome out;
    out.modelChecksum = *checksum;
    std::optional<Result<RobustnessProfile>> pre, post;
    runInArena(req.threads, [&] {
        sink.progress({"profile", 0, 2, "before training (initial weights)"});
        pre.emplace(computeProfile(initial, evaluationInputs(initial, train.X.topRows(n)), y,
                                   file->provenance.seed, sink, stop));
        if (!*pre) return;
        sink.progress({"profile", 1, 2, "after training"});
        post.emplace(computeProfile(file->model, evaluationInputs(file->model, train.X.topRows(n)),
                                    y, file->provenance.seed, sink, stop));
    });
    if (!*pre) return pre->error();
    if (!*post) return post->error();
    out.pre = std::move(**pre);
    out.post = std::move(**post);
    out.divergence = profileDivergenceJson(out.pre, out.post);

    out.prePath = dir / "profile_pre.json";
    out.postPath = dir / "profile_post.json";
    nlohmann::json preJson = fileJson("pre", *file, *checksum, req.samples, out.pre);
    nlohmann::json postJson = fileJson("post", *file, *checksum, req.samples, out.post);
    postJson["divergence_from_pre"] = out.divergence;
    if (auto st = atomicWriteFile(out.prePath, preJson.dump(1) + "\n"); !st) return st.error();
    if (auto st = atomicWriteFile(out.postPath, postJson.dump(1) + "\n"); !st) return st.error();
    sink.progress({"profile", 2, 2, "done"});
    return out;
}

} // namespace netsurf
