#pragma once
// Model diagnostics for the report (issue 14): how well the stored model does on the test split
// (ROC curves with AUC and the confusion matrix, or the regression pairs), what its layers output
// (activation histograms with saturation), how sparse and how spread its tensors are (against the
// scheme's range), before and after training, plus the training history.
// Every number comes from the Exact (hardware-faithful) forward pass of the stored model.
//
// Conventions:
//   ROC (one class c vs the rest, score = softmax probability p_c): thresholds are the distinct
//   scores, descending; the point of threshold t is (FPR, TPR) = the fractions of negatives and of
//   positives with score ≥ t, after (0, 0) at t = +∞. Tied scores form one point (one diagonal
//   step), so the trapezoid AUC equals P(score⁺ > score⁻) + ½ P(score⁺ = score⁻) (Mann–Whitney).
//   A class without positives or without negatives in the split has AUC NaN and no curve; the
//   macro AUC is the mean over the classes with an AUC (NaN when none).
//   Confusion matrix: rows = true class, columns = predicted class (argmax, first on ties).
//   Histograms: histogramOf's equal bins (profile_stats.h), or, for the tensors of a scheme with
//   at most 256 codes (m ≤ 8), one bin per code over the whole range: edges v ± LSB/2.
#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/analysis/profile_stats.h"
#include "engine/core/result.h"
#include "engine/model/model.h"
#include "engine/storage/history_csv.h"

namespace netsurf {

inline constexpr const char* kDiagnosticsFormat = "netsurf-diagnostics";
inline constexpr int kDiagnosticsVersion = 1;

struct RocPoint {
    double threshold = 0; // +inf for the first point (0, 0)
    double fpr = 0, tpr = 0;
};

struct RocCurve {
    int positiveClass = 0;
    std::size_t positives = 0, negatives = 0;
    std::vector<RocPoint> points; // empty when positives or negatives is 0
    double auc = NAN;
};

struct ClassificationDiagnostics {
    std::size_t samples = 0;
    double accuracy = NAN;
    std::vector<RocCurve> roc; // one per class
    double macroAuc = NAN;
    std::vector<std::vector<std::uint64_t>> confusion; // [true][predicted]
};

struct RegressionDiagnostics {
    std::vector<double> truth, predicted;      // the (true, predicted) pairs, in split order
    double mae = NAN, r2 = NAN, pearson = NAN; // computeMetrics' (loss.h)
};

// One layer's output values on the activation rows.
struct ActivationDiagnostics {
    std::string layer; // Layer::name
    std::string kind;  // toString(LayerKind)
    std::size_t values = 0;
    double min = NAN, max = NAN;
    Histogram histogram;
    bool quantized = false;       // apply_alpha ([Qmin, Qmax]) and qrelu ([0, qreluMax]) outputs
    double low = NAN, high = NAN; // the limits of a quantized layer
    double atLow = NAN, atHigh = NAN; // fractions of the values saturated at them
};

struct SparsityDiagnostics {
    std::string tensor;
    std::size_t count = 0;    // entries
    std::size_t pruned = 0;   // masked (removed at synthesis)
    std::size_t zeroKept = 0; // kept, quantized value 0 (still stored with all m bits)
    double prunedFraction = 0, zeroKeptFraction = 0; // of count
};

// Statistics of a trainable tensor's kept values against the scheme's range.
struct TensorDiagnostics {
    std::string tensor, role;
    std::size_t kept = 0;
    double min = NAN, max = NAN, mean = NAN, std = NAN; // std: population (÷ n)
    double qmin = 0, qmax = 0;
    double atQmin = 0, atQmax = 0; // fractions of the kept values equal to Qmin / Qmax
    bool gridAligned = false;      // one bin per code (m ≤ 8) or 64 equal bins over [min, max]
    Histogram histogram;
};

struct ModelDiagnostics {
    TaskKind task = TaskKind::Classification;
    std::optional<ClassificationDiagnostics> classification; // test split
    std::optional<RegressionDiagnostics> regression;         // test split
    std::size_t activationRows = 0;                          // validation rows used
    std::vector<ActivationDiagnostics> activations;          // one per layer
    std::vector<SparsityDiagnostics> sparsity;               // one per trainable tensor
    std::vector<TensorDiagnostics> tensors;                  // trained (stored) model
    std::vector<TensorDiagnostics> initialTensors;           // initial weights (pre-training)
    std::optional<HistoryTable> history;                     // history.csv when present
    nlohmann::json provenance = nlohmann::json::object();    // benchmark, quant, checksum, …
};

// One-vs-rest ROC of `scores` with `positive[i]` marking the positives.
RocCurve rocCurve(const Eigen::VectorXd& scores, const std::vector<bool>& positive,
                  int positiveClass = 0);
// probabilities: N×C (softmax outputs); labels: N class indices.
ClassificationDiagnostics classificationDiagnostics(const MatrixRM& probabilities,
                                                    const Eigen::VectorXd& labels);
// outputs: N×1; targets: N.
RegressionDiagnostics regressionDiagnostics(const MatrixRM& outputs,
                                            const Eigen::VectorXd& targets);
// Every layer's output on X (evaluation inputs, already normalized), `bins` equal bins each.
std::vector<ActivationDiagnostics> activationDiagnostics(const Model& model, const MatrixRM& X,
                                                         std::size_t bins = 64);
std::vector<SparsityDiagnostics> sparsityDiagnostics(const Model& model);
std::vector<TensorDiagnostics> tensorDiagnostics(const Model& model);

// Everything but the history and the provenance: test outputs from the Exact evaluation of
// (testX, testY) (raw inputs), activations on the first `activationRows` rows of valX (raw).
struct DiagnosticsInputs {
    const MatrixRM& testX;
    const Eigen::VectorXd& testY;
    const MatrixRM& valX;
    std::size_t activationRows = 1000;
};
ModelDiagnostics computeDiagnostics(const Model& model, const Model& initial,
                                    const DiagnosticsInputs& inputs);

// {"format": "netsurf-diagnostics", "version": 1, …} (docs/diagnostics.md); NaN is null.
nlohmann::json diagnosticsToJson(const ModelDiagnostics& d);
// `source` names the file in the messages: a wrong format or version, a missing key or a value
// of the wrong type is a data error.
Result<ModelDiagnostics> diagnosticsFromJson(const nlohmann::json& j, const std::string& source);
Result<ModelDiagnostics> readDiagnosticsFile(const std::filesystem::path& path);

} // namespace netsurf
