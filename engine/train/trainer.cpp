#include "engine/train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "engine/core/rng.h"
#include "engine/model/evaluate.h"
#include "engine/model/input_grid.h"
#include "engine/model/network.h"
#include "engine/rank/fisher.h"
#include "engine/train/optimizer.h"
#include "engine/train/pruning.h"

namespace netsurf {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Stored model = Q(shadow) ⊙ mask.
// The initial weights (float shadow values) with the normalizer fitted on the training split.
Model untrainedModel(const BenchmarkSpec& spec, const QuantScheme& scheme, const Dataset& data,
                     const Splits& splits, std::uint64_t seed) {
    Model model = buildModel(spec, scheme, data, seed);
    model.normalizer = Normalizer::fit(splits.train.X, scheme.minValue(), scheme.maxValue(),
                                       spec.globalInputRange);
    return model;
}

void storeFromShadow(Model& model, const std::vector<Eigen::VectorXd>& shadow) {
    for (std::size_t i = 0; i < model.tensors.size(); ++i)
        if (model.tensors[i].trainable) model.tensors[i].values = shadow[i];
    model.quantizeInPlace();
}

// Straight-through update: gradients of pruned entries are dropped, shadow weights are clipped.
void maskAndClip(const Model& model, Gradients& grads, std::vector<Eigen::VectorXd>& shadow,
                 bool afterStep) {
    const double lo = model.scheme.minValue(), hi = model.scheme.maxValue();
    for (std::size_t i = 0; i < model.tensors.size(); ++i) {
        const Tensor& t = model.tensors[i];
        if (!t.trainable) continue;
        if (afterStep) shadow[i] = shadow[i].cwiseMax(lo).cwiseMin(hi);
        if (t.mask.empty()) continue;
        for (Eigen::Index k = 0; k < t.size(); ++k)
            if (!t.mask[std::size_t(k)]) {
                grads[i][k] = 0.0;
                shadow[i][k] = 0.0;
            }
    }
}

struct EpochState {
    MatrixRM outputs; // training outputs of the epoch, in batch order
    Eigen::VectorXd labels;
    double objective = 0;
    double penalty = 0; // range penalty part of the objective
};

// One pass over the shuffled training split.
Status runEpoch(const BenchmarkSpec& spec, const MatrixRM& Xn, const Eigen::VectorXd& y, int epoch,
                const TrainOptions& options, Model& model, std::vector<Eigen::VectorXd>& shadow,
                Adam& adam, EpochState& st, std::stop_token stop) {
    const auto n = std::uint32_t(Xn.rows());
    const auto perm = keyedPermutation(
        n, hashKey(options.seed, std::uint64_t(RngPurpose::Shuffle), std::uint64_t(epoch)));
    st.outputs.resize(n, model.outputs);
    st.labels.resize(n);
    st.objective = 0;
    st.penalty = 0;
    ForwardCache cache;
    MatrixRM Xb, dOut;
    Eigen::VectorXd yb;
    for (std::uint32_t b0 = 0; b0 < n; b0 += std::uint32_t(spec.batchSize)) {
        if (stop.stop_requested()) return Error::cancelled("training cancelled");
        const auto bs =
            Eigen::Index(std::min<std::uint32_t>(std::uint32_t(spec.batchSize), n - b0));
        Xb.resize(bs, Xn.cols());
        yb.resize(bs);
        for (Eigen::Index i = 0; i < bs; ++i) {
            Xb.row(i) = Xn.row(perm[b0 + std::size_t(i)]);
            yb[i] = y[perm[b0 + std::size_t(i)]];
        }
        forward(model, Xb, ForwardMode::Training, cache, options.execution);
        // objective = mean data loss + range penalty; dOut = ∂(mean loss)/∂output
        const double loss = lossSum(model.loss, cache.output(), yb, &dOut) / double(bs);
        dOut /= double(bs);
        Gradients grads = zeroGradients(model);
        backward(model, cache, dOut, 1.0, grads);
        updateMovingStatistics(model, cache);
        maskAndClip(model, grads, shadow, false);
        adam.step(shadow, grads);
        maskAndClip(model, grads, shadow, true);
        storeFromShadow(model, shadow);
        st.outputs.middleRows(b0, bs) = cache.output();
        st.labels.segment(b0, bs) = yb;
        st.objective += (loss + cache.penalty) * double(bs);
        st.penalty += cache.penalty * double(bs);
    }
    st.objective /= double(n);
    st.penalty /= double(n);
    return {};
}

std::string epochDetail(const EpochRecord& r, int epochs) {
    char buf[200];
    const auto& [name, value] = r.valMetrics.front();
    std::snprintf(buf, sizeof buf, "epoch %d/%d loss %.4f val_loss %.4f val_%s %.4f sparsity %.3f",
                  r.epoch, epochs, r.loss, r.valLoss, name.c_str(), value, r.sparsity);
    return buf;
}

// Means of the stored α and β over every channel of every apply_alpha layer (NaN without one).
void alphaBetaMeans(const Model& model, EpochRecord& r) {
    double alpha = 0, beta = 0;
    Eigen::Index channels = 0;
    for (const Layer& l : model.layers) {
        if (l.kind != LayerKind::ApplyAlpha) continue;
        alpha += model.tensors[std::size_t(l.alpha)].values.sum();
        beta += model.tensors[std::size_t(l.beta)].values.sum();
        channels += model.tensors[std::size_t(l.alpha)].size();
    }
    r.alphaMean = channels ? alpha / double(channels) : NAN;
    r.betaMean = channels ? beta / double(channels) : NAN;
}

// The rows the history's Fisher trace is computed on: the first kFisherTraceRows of the
// training split as evaluation inputs (what the robustness profile and the rankers see).
struct FisherRows {
    MatrixRM X;
    Eigen::VectorXd y;
};
FisherRows fisherRows(const Model& model, const Split& train) {
    const auto n = Eigen::Index(std::min(kFisherTraceRows, train.size()));
    return {evaluationInputs(model, train.X.topRows(n)), train.y.head(n)};
}

} // namespace

int fisherPeriod(std::size_t trainRows) {
    if (trainRows == 0) return 1;
    const double rows = double(std::min(kFisherTraceRows, trainRows));
    return std::max(1, int(std::ceil(rows / (0.01 * double(trainRows)))));
}

double trainingFlopsPerSample(const Model& model) {
    double flops = 0;
    bool first = true;
    for (const Layer& l : model.layers) {
        if (l.kind != LayerKind::Dense) continue;
        flops += 2.0 * l.in * l.out * (first ? 2 : 3);
        first = false;
    }
    return flops;
}

Result<TrainResult> trainModel(const BenchmarkSpec& spec, const QuantScheme& scheme, double pruning,
                               const Dataset& data, const Splits& splits,
                               const TrainOptions& options, ProgressSink& sink,
                               std::stop_token stop) {
    if (splits.train.size() == 0)
        return Error::data("the training split of " + data.name + " is empty");
    const auto t0 = Clock::now();
    TrainResult res;
    res.epochsConfigured = options.epochs > 0 ? options.epochs : spec.epochs;
    Model model = untrainedModel(spec, scheme, data, splits, options.seed);
    const MatrixRM Xn = model.normalizer.apply(splits.train.X);
    std::vector<Eigen::VectorXd> shadow(model.tensors.size());
    for (std::size_t i = 0; i < model.tensors.size(); ++i)
        if (model.tensors[i].trainable) shadow[i] = model.tensors[i].values;
    storeFromShadow(model, shadow);

    Adam adam(spec.learningRate);
    EpochState st;
    res.fisherEvery =
        options.fisherEvery != 0 ? options.fisherEvery : fisherPeriod(splits.train.size());
    const FisherRows fisher = fisherRows(model, splits.train);
    const int pruneEnd = std::min(spec.pruning.end, res.epochsConfigured);
    double bestVal = INFINITY;
    Model best = model;
    int wait = 0;
    for (int e = 1; e <= res.epochsConfigured; ++e) {
        const auto te = Clock::now();
        if (double s = scheduledSparsity(spec.pruning, pruning, e, res.epochsConfigured); s >= 0) {
            applyMagnitudePruning(model, shadow, s);
            storeFromShadow(model, shadow);
        }
        const auto ts = Clock::now();
        if (auto s = runEpoch(spec, Xn, splits.train.y, e, options, model, shadow, adam, st, stop);
            !s)
            return s.error();
        const double stepSeconds = secondsSince(ts);
        EpochRecord r;
        r.epoch = e;
        r.loss = st.objective;
        r.metrics = computeMetrics(model.task, st.outputs, st.labels);
        if (splits.validation.size() > 0) {
            const EvalResult v = evaluateModel(model, splits.validation.X, splits.validation.y);
            r.valLoss = v.loss;
            r.valMetrics = v.metrics;
        } else {
            r.valLoss = r.loss;
            r.valMetrics = r.metrics;
        }
        r.sparsity = model.kernelSparsity();
        r.learningRate = spec.learningRate;
        r.rangePenalty = st.penalty;
        alphaBetaMeans(model, r);
        // Early stopping watches the validation loss once the pruning target is reached.
        bool stopNow = false;
        if (spec.earlyStopPatience > 0 && e >= pruneEnd) {
            if (r.valLoss < bestVal) {
                bestVal = r.valLoss;
                best = model;
                res.bestEpoch = e;
                wait = 0;
            } else if (++wait >= spec.earlyStopPatience) {
                stopNow = true;
            }
        }
        if (res.fisherEvery > 0 &&
            (e % res.fisherEvery == 0 || e == res.epochsConfigured || stopNow)) {
            const auto tf = Clock::now();
            r.fisherTrace = empiricalFisherTrace(model, fisher.X, fisher.y);
            r.fisherSeconds = secondsSince(tf);
            res.fisherSeconds += r.fisherSeconds;
        }
        r.seconds = secondsSince(te);
        r.stepSeconds = stepSeconds;
        res.stepSeconds += stepSeconds;
        res.history.push_back(r);
        res.epochsRun = e;
        res.samplesProcessed += splits.train.size();
        sink.progress({"train", e, res.epochsConfigured, epochDetail(r, res.epochsConfigured)});
        if (options.onEpoch) options.onEpoch(r);
        if (stopNow) {
            res.earlyStopped = true;
            break;
        }
    }
    if (spec.earlyStopPatience > 0 && res.bestEpoch > 0) {
        model = std::move(best);
    } else {
        res.bestEpoch = res.epochsRun;
    }
    res.model = std::move(model);
    res.seconds = secondsSince(t0);
    return res;
}

Model initialModel(const BenchmarkSpec& spec, const QuantScheme& scheme, const Dataset& data,
                   const Splits& splits, std::uint64_t seed) {
    Model model = untrainedModel(spec, scheme, data, splits, seed);
    model.quantizeInPlace(); // = storeFromShadow with the initial shadow weights
    return model;
}

} // namespace netsurf
