#include "engine/jobs/profile_job.h"

#include <optional>

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
                        const RobustnessProfile& profile) {
    nlohmann::json j = profileJson(profile);
    j["stage"] = stage;
    j["benchmark"] = file.model.benchmark;
    j["quant"] = file.model.scheme.str();
    j["model_checksum"] = checksum;
    j["training_seed"] = file.provenance.seed;
    j["engine_version"] = std::string(version()) + " (git " + gitRevision() + ")";
    return j;
}

} // namespace

Result<ProfileOutcome> runProfileJob(const ProfileRequest& req, ProgressSink& sink,
                                     std::stop_token stop) {
    const fs::path modelPath = modelPathFor(req.model);
    if (!fs::exists(modelPath))
        return Error::data(modelPath.string() +
                           " does not exist; train the model first (netsurf-cli train)");
    auto file = loadSelectedModel(req.model);
    if (!file) return file.error();
    auto checksum = sha256File(modelPath);
    if (!checksum) return checksum.error();
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

    const fs::path dir = modelPath.parent_path();
    out.prePath = dir / "profile_pre.json";
    out.postPath = dir / "profile_post.json";
    nlohmann::json preJson = fileJson("pre", *file, *checksum, out.pre);
    nlohmann::json postJson = fileJson("post", *file, *checksum, out.post);
    postJson["divergence_from_pre"] = out.divergence;
    if (auto st = atomicWriteFile(out.prePath, preJson.dump(1) + "\n"); !st) return st.error();
    if (auto st = atomicWriteFile(out.postPath, postJson.dump(1) + "\n"); !st) return st.error();
    sink.progress({"profile", 2, 2, "done"});
    return out;
}

} // namespace netsurf
