#include "engine/analysis/profile.h"

#include <cmath>

#include "engine/model/loss.h"
#include "engine/model/network.h"
#include "engine/rank/bit_population.h"
#include "engine/rank/rank_context.h"

namespace netsurf {

namespace {

constexpr double kRatioEpsilon = 1e-8; // SPEC §6

// ‖∂ℓ_s/∂x_s‖₂ per sample: the summed loss's input gradient, row by row (samples are independent
// in the surrogate forward pass, which uses the moving statistics).
std::vector<double> inputGradientNorms(const Model& model, const MatrixRM& X,
                                       const Eigen::VectorXd& y) {
    ForwardCache cache;
    forward(model, X, ForwardMode::Surrogate, cache);
    MatrixRM dOut;
    lossSum(model.loss, cache.output(), y, &dOut);
    Gradients unused = zeroGradients(model);
    MatrixRM dX;
    backward(model, cache, dOut, 0.0, unused, &dX);
    std::vector<double> norms(std::size_t(dX.rows()));
    for (Eigen::Index s = 0; s < dX.rows(); ++s)
        norms[std::size_t(s)] = dX.row(s).norm();
    return norms;
}

std::vector<double> msbImpactRatios(const std::vector<double>& impacts, int bits) {
    std::vector<double> ratio(impacts.size() / std::size_t(bits));
    for (std::size_t p = 0; p < ratio.size(); ++p) {
        double sum = 0;
        for (int b = 0; b < bits; ++b)
            sum += std::abs(impacts[p * std::size_t(bits) + std::size_t(b)]);
        ratio[p] = std::abs(impacts[p * std::size_t(bits)]) / (sum + kRatioEpsilon); // b = 0: MSB
    }
    return ratio;
}

} // namespace

const std::vector<std::string>& profileDistributionNames() {
    static const std::vector<std::string> names{"fisher", "aleatoric",  "msb_impact_ratio", "delta",
                                                "qpolar", "qpolargrad", "weight_abs_value"};
    return names;
}

const ProfileDistribution* RobustnessProfile::find(const std::string& name) const {
    for (const ProfileDistribution& d : distributions)
        if (d.name == name) return &d;
    return nullptr;
}

Result<RobustnessProfile> computeProfile(const Model& model, const MatrixRM& X,
                                         const Eigen::VectorXd& y, std::uint64_t seed,
                                         ProgressSink& sink, std::stop_token stop) {
    if (X.rows() == 0 || X.rows() != y.size())
        return Error::data("robustness profile: " + std::to_string(X.rows()) + " samples and " +
                           std::to_string(y.size()) + " labels (expected the same, at least one)");
    const BitPopulation population = makePopulation(model, Population::All);
    RankContext ctx{model, population, X, y, seed, {}, {}};
    RobustnessProfile profile;
    profile.samples = std::size_t(X.rows());
    const auto add = [&](const char* name, std::vector<double> values) {
        ProfileDistribution d{name, std::move(values), {}};
        d.stats = distributionStats(d.values);
        profile.distributions.push_back(std::move(d));
    };
    const std::int64_t steps = 7;
    const auto step = [&](std::int64_t done, const char* what) {
        sink.progress({"profile", done, steps, what});
        return !stop.stop_requested();
    };
    const auto scores = [&](ScoreFunction f) -> Result<std::vector<double>> {
        auto s = f(ctx, sink, stop);
        if (!s) return s.error();
        return std::move(s->values);
    };

    if (!step(0, "fisher")) return Error::cancelled();
    auto fisher = scores(scoreFisher);
    if (!fisher) return fisher.error();
    for (double v : *fisher)
        profile.fisherTrace += v;
    add("fisher", std::move(*fisher));
    if (!step(1, "input gradients")) return Error::cancelled();
    add("aleatoric", inputGradientNorms(model, X, y));
    if (!step(2, "clean qpolar impacts")) return Error::cancelled();
    auto impacts = qpolarImpacts(ctx, false, "profile", sink, stop);
    if (!impacts) return impacts.error();
    add("msb_impact_ratio", msbImpactRatios(*impacts, population.bitsPerParam));
    if (!step(3, "flip deltas")) return Error::cancelled();
    add("delta", populationDeltas(model, population));
    if (!step(4, "qpolar")) return Error::cancelled();
    auto qpolar = scores(scoreQPolar);
    if (!qpolar) return qpolar.error();
    add("qpolar", std::move(*qpolar));
    if (!step(5, "qpolargrad")) return Error::cancelled();
    auto qpolargrad = scores(scoreQPolarGrad);
    if (!qpolargrad) return qpolargrad.error();
    add("qpolargrad", std::move(*qpolargrad));
    if (!step(6, "weight_abs_value")) return Error::cancelled();
    auto weights = scores(scoreWeightAbsValue);
    if (!weights) return weights.error();
    add("weight_abs_value", std::move(*weights));
    step(7, "done");
    return profile;
}

namespace {

nlohmann::json number(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); // JSON has no NaN
}

} // namespace

nlohmann::json profileJson(const RobustnessProfile& profile) {
    nlohmann::json distributions = nlohmann::json::object();
    for (const ProfileDistribution& d : profile.distributions) {
        nlohmann::json j{{"n", d.stats.n}};
        const std::vector<double> v = statisticVector(d.stats);
        for (std::size_t i = 0; i < v.size(); ++i)
            j[statisticNames()[i]] = number(v[i]);
        nlohmann::json lorenz = nlohmann::json::array();
        for (const LorenzPoint& p : lorenzCurve(d.values, 200))
            lorenz.push_back({p.population, p.share});
        j["lorenz"] = std::move(lorenz);
        const Histogram h = histogramOf(d.values, 64);
        j["histogram"] = {{"edges", h.edges}, {"counts", h.counts}};
        distributions[d.name] = std::move(j);
    }
    return {{"samples", profile.samples},
            {"fisher_trace", number(profile.fisherTrace)},
            {"distributions", std::move(distributions)}};
}

nlohmann::json profileDivergenceJson(const RobustnessProfile& pre, const RobustnessProfile& post) {
    nlohmann::json out = nlohmann::json::object();
    for (const ProfileDistribution& a : pre.distributions) {
        const ProfileDistribution* b = post.find(a.name);
        if (!b) continue;
        const StatsDivergence d = statsDivergence(a.stats, b->stats);
        nlohmann::json difference = nlohmann::json::object();
        for (std::size_t i = 0; i < d.difference.size(); ++i)
            difference[statisticNames()[i]] = number(d.difference[i]);
        out[a.name] = {{"difference", std::move(difference)},
                       {"cosine", number(d.cosine)},
                       {"gini_shift", number(d.giniShift)},
                       {"symmetric_kl", number(d.symmetricKl)}};
    }
    return out;
}

} // namespace netsurf
