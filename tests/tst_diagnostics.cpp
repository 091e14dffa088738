// Model diagnostics (issue 14): ROC/AUC with ties and the confusion matrix on hand-computed
// predictions, the regression pairs and metrics, histogram counts, sparsity counts on a model
// with a known mask, the JSON round trip and the rejection of damaged or other-version files, the
// history's new columns (fisher_trace against an independent computation), and netsurf-cli
// diagnose on a small trained model.
#include "cli_runner.h"
#include "test_models.h"
#include "test_support.h"

#include <QFile>
#include <QTemporaryDir>

#include <cmath>
#include <fstream>

#include "engine/analysis/diagnostics.h"
#include "engine/core/file_io.h"
#include "engine/model/input_grid.h"
#include "engine/storage/history_csv.h"

using namespace netsurf;

namespace {

bool near(double a, double b) {
    return std::abs(a - b) <= 1e-12;
}

MatrixRM rows(std::initializer_list<std::initializer_list<double>> r) {
    MatrixRM m(Eigen::Index(r.size()), Eigen::Index(r.begin()->size()));
    Eigen::Index i = 0;
    for (const auto& row : r) {
        Eigen::Index j = 0;
        for (double v : row)
            m(i, j++) = v;
        ++i;
    }
    return m;
}

std::uint64_t total(const Histogram& h) {
    std::uint64_t n = 0;
    for (auto c : h.counts)
        n += c;
    return n;
}

} // namespace

class TestDiagnostics : public QObject {
    Q_OBJECT
private slots:
    // scores 0.9 P, 0.8 P, 0.8 N, 0.7 P, 0.6 N, 0.6 P, 0.3 N: ties at 0.8 and 0.6 are one step.
    // Mann–Whitney: (3 + 2.5 + 2 + 1.5) / 12 = 0.75.
    void rocWithTies() {
        Eigen::VectorXd s(7);
        s << 0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.3;
        const RocCurve c = rocCurve(s, {true, true, false, true, false, true, false}, 1);
        QCOMPARE(c.positives, std::size_t(4));
        QCOMPARE(c.negatives, std::size_t(3));
        const std::vector<std::array<double, 3>> expected{{INFINITY, 0, 0},   {0.9, 0, 0.25},
                                                          {0.8, 1. / 3, 0.5}, {0.7, 1. / 3, 0.75},
                                                          {0.6, 2. / 3, 1},   {0.3, 1, 1}};
        QCOMPARE(c.points.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(c.points[i].threshold, expected[i][0]);
            QVERIFY(near(c.points[i].fpr, expected[i][1]));
            QVERIFY(near(c.points[i].tpr, expected[i][2]));
        }
        QVERIFY2(near(c.auc, 0.75), qPrintable(QString::number(c.auc, 'g', 17)));
        // no negatives: no curve, AUC NaN
        const RocCurve none = rocCurve(s.head(2), {true, true});
        QVERIFY(none.points.empty() && std::isnan(none.auc));
    }
    // Rows (probabilities; label → argmax): [.7 .2 .1] 0→0, [.2 .5 .3] 1→1, [.1 .3 .6] 2→2,
    // [.4 .4 .2] 1→0 (tie: first), [.3 .3 .4] 0→2, [.1 .6 .3] 2→1.
    // AUC: class 0 (4 + 3)/8, class 1 (3 + 3)/8, class 2 (4 + 2.5)/8 (tie at 0.3).
    void confusionAndMacroAuc() {
        const MatrixRM p = rows(
            {{.7, .2, .1}, {.2, .5, .3}, {.1, .3, .6}, {.4, .4, .2}, {.3, .3, .4}, {.1, .6, .3}});
        Eigen::VectorXd y(6);
        y << 0, 1, 2, 1, 0, 2;
        const ClassificationDiagnostics d = classificationDiagnostics(p, y);
        const std::vector<std::vector<std::uint64_t>> confusion{{1, 0, 1}, {1, 1, 0}, {0, 1, 1}};
        QCOMPARE(d.confusion, confusion);
        QCOMPARE(d.samples, std::size_t(6));
        QCOMPARE(d.accuracy, 0.5);
        QCOMPARE(d.roc.size(), std::size_t(3));
        QVERIFY(near(d.roc[0].auc, 0.875));
        QVERIFY(near(d.roc[1].auc, 0.75));
        QVERIFY(near(d.roc[2].auc, 0.8125));
        QVERIFY(near(d.macroAuc, (0.875 + 0.75 + 0.8125) / 3));
        // a class absent from the labels has no AUC and is left out of the macro mean
        Eigen::VectorXd y01(6);
        y01 << 0, 1, 0, 1, 0, 1;
        const ClassificationDiagnostics e = classificationDiagnostics(p, y01);
        QVERIFY(std::isnan(e.roc[2].auc));
        QVERIFY(near(e.macroAuc, (e.roc[0].auc + e.roc[1].auc) / 2));
    }
    // truth 1 2 3 4, predicted 1.5 2 2.5 5: MAE 0.5, R² = 1 − 1.5/5, Pearson 5.5/√(5·7.25).
    void regression() {
        Eigen::VectorXd y(4);
        y << 1, 2, 3, 4;
        const RegressionDiagnostics d = regressionDiagnostics(rows({{1.5}, {2}, {2.5}, {5}}), y);
        QCOMPARE(d.truth, (std::vector<double>{1, 2, 3, 4}));
        QCOMPARE(d.predicted, (std::vector<double>{1.5, 2, 2.5, 5}));
        QVERIFY(near(d.mae, 0.5));
        QVERIFY(near(d.r2, 0.7));
        QVERIFY(near(d.pearson, 5.5 / std::sqrt(5 * 7.25)));
    }
    void histogramsCountEveryValue() {
        const Model m = test::trainTiny(2).model;
        const Dataset d = test::blobs();
        const MatrixRM X = evaluationInputs(m, d.testX.topRows(150));
        const auto acts = activationDiagnostics(m, X, 20);
        QCOMPARE(acts.size(), m.layers.size());
        for (std::size_t l = 0; l < acts.size(); ++l) {
            QCOMPARE(acts[l].values, std::size_t(150 * m.layers[l].out));
            QCOMPARE(total(acts[l].histogram), std::uint64_t(acts[l].values));
            QCOMPARE(acts[l].histogram.counts.size(), std::size_t(20));
            QCOMPARE(acts[l].quantized, m.layers[l].kind == LayerKind::ApplyAlpha ||
                                            m.layers[l].kind == LayerKind::QRelu);
            if (acts[l].quantized) QVERIFY(acts[l].atLow >= 0 && acts[l].atHigh <= 1);
        }
        for (const TensorDiagnostics& t : tensorDiagnostics(m)) {
            QCOMPARE(total(t.histogram), std::uint64_t(t.kept));
            QVERIFY(t.gridAligned); // q<6,2,1>: 64 codes, one bin each
            QCOMPARE(t.histogram.counts.size(), std::size_t(64));
            QCOMPARE(t.histogram.edges.front(), t.qmin - 0.0625);
            QCOMPARE(t.histogram.edges.back(), t.qmax + 0.0625);
            QVERIFY(t.min >= t.qmin && t.max <= t.qmax && t.std >= 0);
        }
        // a wide scheme: 64 equal bins over [min, max]
        const Model wide = test::makeCase("autompg", *QuantScheme::parse("q<12,3,1>")).model;
        for (const TensorDiagnostics& t : tensorDiagnostics(wide)) {
            QVERIFY(!t.gridAligned);
            QCOMPARE(total(t.histogram), std::uint64_t(t.kept));
        }
    }
    // makeCase masks every 7th kernel entry from index 3; zero-valued kept entries are counted
    // independently, and a kept entry set to Qmax shows in at_qmax.
    void sparsityOfAKnownMask() {
        test::Case c = test::makeCase("autompg", QuantScheme());
        Tensor& k = c.model.tensors[std::size_t(c.model.tensorIndex("dense_0/kernel"))];
        k.values[0] = 0.0;
        k.values[1] = c.model.scheme.maxValue();
        const auto sparsity = sparsityDiagnostics(c.model);
        const auto tensors = tensorDiagnostics(c.model);
        QCOMPARE(sparsity.size(), tensors.size());
        for (const SparsityDiagnostics& s : sparsity) {
            const Tensor& t = c.model.tensors[std::size_t(c.model.tensorIndex(s.tensor))];
            QCOMPARE(s.count, std::size_t(t.size()));
            const std::size_t pruned = t.role == "kernel" ? (s.count - 3 + 6) / 7 : 0;
            QCOMPARE(s.pruned, pruned);
            std::size_t zeros = 0;
            for (Eigen::Index i = 0; i < t.size(); ++i)
                zeros += t.kept(i) && t.values[i] == 0.0 ? 1 : 0;
            QCOMPARE(s.zeroKept, zeros);
            QCOMPARE(s.prunedFraction, double(pruned) / double(s.count));
        }
        QVERIFY(sparsity[0].zeroKept >= 1);
        QCOMPARE(tensors[0].kept, sparsity[0].count - sparsity[0].pruned);
        QVERIFY(tensors[0].atQmax >= 1.0 / double(tensors[0].kept));
        QCOMPARE(tensors[0].max, c.model.scheme.maxValue());
    }
    void jsonRoundTripAndDamagedFiles() {
        const test::Case c = test::makeCase("smartpixel_small", QuantScheme());
        const Model initial = test::makeCase("smartpixel_small", QuantScheme()).model;
        ModelDiagnostics d =
            computeDiagnostics(c.model, initial, {c.data.testX, c.data.testY, c.data.trainX, 100});
        QVERIFY(d.classification && !d.regression);
        QCOMPARE(d.activationRows, std::size_t(100));
        d.history = HistoryTable{{"epoch", "fisher_trace"}, {{1, NAN}, {2, 0.5}}};
        const nlohmann::json j = diagnosticsToJson(d);
        QCOMPARE(j["format"].get<std::string>(), std::string("netsurf-diagnostics"));
        QCOMPARE(j["version"].get<int>(), 1);
        const auto back = diagnosticsFromJson(j, "x.json");
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        QCOMPARE(diagnosticsToJson(*back).dump(), j.dump());
        QVERIFY(std::isnan(back->history->rows[0][1]));
        QVERIFY(std::isinf(back->classification->roc[0].points[0].threshold));

        QTemporaryDir dir;
        const std::string path = (dir.path() + "/diagnostics.json").toStdString();
        const auto readBack = [&](const std::string& text) {
            std::ofstream(path) << text;
            return readDiagnosticsFile(path);
        };
        QVERIFY(readBack(j.dump()).ok());
        const std::string full = j.dump();
        for (const std::string& damaged : {full.substr(0, full.size() / 2), std::string("{}")}) {
            const auto r = readBack(damaged);
            QVERIFY(!r);
            QVERIFY2(r.error().message.find(path) != std::string::npos, r.error().message.c_str());
        }
        nlohmann::json other = j;
        other["version"] = 2;
        auto r = readBack(other.dump());
        QVERIFY(!r);
        QVERIFY2(r.error().message.find(path + " has diagnostics version 2") != std::string::npos,
                 r.error().message.c_str());
        other = j;
        other["tensors"][0].erase("histogram");
        r = readBack(other.dump());
        QVERIFY(!r);
        QVERIFY2(r.error().message.find(path + " is damaged") != std::string::npos,
                 r.error().message.c_str());
    }
    // Fisher trace every 3 epochs and at the last (8): epochs 3, 6, 8; at epoch 8 it equals the
    // fisher ranking's scores summed over the first 256 training rows of the trained model.
    void historyColumns() {
        const Dataset d = test::blobs();
        const Splits sp = makeSplits(d, 7);
        NullProgressSink sink;
        const TrainOptions o{.epochs = 0, .seed = 7, .fisherEvery = 3};
        std::optional<Result<TrainResult>> r;
        runInArena(2, [&] {
            r.emplace(trainModel(test::tinySpec(), QuantScheme(), 0.25, d, sp, o, sink));
        });
        QVERIFY(r->ok());
        const TrainResult& t = **r;
        QCOMPARE(t.fisherEvery, 3);
        for (const EpochRecord& e : t.history) {
            QCOMPARE(std::isnan(e.fisherTrace), !(e.epoch == 3 || e.epoch == 6 || e.epoch == 8));
            QVERIFY(e.rangePenalty >= 0 && e.rangePenalty <= e.loss);
            QVERIFY(std::isfinite(e.alphaMean) && std::isfinite(e.betaMean));
        }
        const Model& m = t.model;
        const Tensor& alpha = m.tensors[std::size_t(m.tensorIndex("alpha_0/alpha"))];
        QCOMPARE(t.history.back().alphaMean, alpha.values.mean());
        const BitPopulation pop = makePopulation(m, Population::All);
        const MatrixRM X = evaluationInputs(m, sp.train.X.topRows(256));
        const Eigen::VectorXd y = sp.train.y.head(256);
        RankContext ctx{m, pop, X, y, 0, {}, {}};
        const Result<MethodScores> scores = scoreFisher(ctx, sink, {});
        QVERIFY(scores.ok());
        double trace = 0;
        for (double v : scores.value().values)
            trace += v;
        QVERIFY(trace > 0);
        QCOMPARE(t.history.back().fisherTrace, trace);
        // the weights do not depend on the diagnostics
        const TrainOptions never{.epochs = 0, .seed = 7, .fisherEvery = -1};
        std::optional<Result<TrainResult>> r2;
        runInArena(2, [&] {
            r2.emplace(trainModel(test::tinySpec(), QuantScheme(), 0.25, d, sp, never, sink));
        });
        for (std::size_t i = 0; i < m.tensors.size(); ++i)
            QVERIFY(m.tensors[i].values == (**r2).model.tensors[i].values);
        QVERIFY(std::isnan((**r2).history.back().fisherTrace));

        // history.csv: the columns, NaN as an empty cell, read back
        QTemporaryDir dir;
        const auto path = test::tempPath(dir, "history.csv");
        QVERIFY(saveHistoryCsv(path, t.history).ok());
        const std::string text = *readFile(path);
        QVERIFY(text.find(",seconds,alpha_mean,beta_mean,range_penalty,fisher_trace\n") !=
                std::string::npos);
        QVERIFY(text.find("\n1,") != std::string::npos);
        const auto table = readHistoryCsv(path);
        QVERIFY(table.ok());
        QCOMPARE(table->rows.size(), t.history.size());
        const std::vector<double> fisher = table->column("fisher_trace");
        QVERIFY(std::isnan(fisher[0]));
        QVERIFY(std::abs(fisher[7] - trace) <= 1e-9 * trace);
        std::ofstream(path) << "epoch,loss\n1,abc\n";
        QVERIFY(!readHistoryCsv(path));
        QVERIFY(readHistoryCsv(path).error().message.find(path.string() + " line 2") == 0);
        QCOMPARE(fisherPeriod(7200), 4);
        QCOMPARE(fisherPeriod(100), 100);
        QCOMPARE(fisherPeriod(283), 91); // autompg
    }
    // netsurf-cli diagnose on a trained autompg model: diagnostics.json next to the model with the
    // regression pairs, the history and the initial tensors; missing model → 1, bad argument → 2.
    void commandLine() {
        QTemporaryDir ws;
        const QStringList model{"--benchmark", "autompg",   "--quant",
                                "q<6,2,1>",    "--pruning", "0.125"};
        test::Run r =
            test::cli(QStringList{"train", "--epochs", "3", "--quiet"} + model, ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QCOMPARE(r.code, 0);
        r = test::cli(QStringList{"diagnose", "--samples", "30", "--quiet", "--json"} + model,
                      ws.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto out = nlohmann::json::parse(r.out.toStdString());
        const QString dir = ws.path() + "/autompg/q6_2_1/prune_0.125/";
        QCOMPARE(QString::fromStdString(out["path"].get<std::string>()), dir + "diagnostics.json");
        const auto file = readDiagnosticsFile((dir + "diagnostics.json").toStdString());
        QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
        QVERIFY(file->regression && !file->classification);
        QCOMPARE(file->regression->truth.size(), file->regression->predicted.size());
        QVERIFY(file->regression->truth.size() >= 10);
        QCOMPARE(file->activationRows, std::size_t(30));
        QCOMPARE(file->tensors.size(), file->initialTensors.size());
        QVERIFY(file->history && file->history->rows.size() == 3);
        QVERIFY(!file->history->column("fisher_trace").empty());
        QVERIFY(!std::isnan(file->history->column("fisher_trace").back()));
        QCOMPARE(file->provenance["benchmark"].get<std::string>(), std::string("autompg"));
        QCOMPARE(out["diagnostics"], diagnosticsToJson(*file));
        // human-readable output
        r = test::cli(QStringList{"diagnose", "--quiet"} + model, ws.path());
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("MAE") && r.out.contains("diagnostics.json"), qPrintable(r.out));

        r = test::cli(QStringList{"diagnose", "--benchmark", "autompg", "--pruning", "0.5"},
                      ws.path());
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("prune_0.5/model.json does not exist; train the model first"),
                 qPrintable(r.err));
        r = test::cli(QStringList{"diagnose", "--samples", "0"} + model, ws.path());
        QCOMPARE(r.code, 2);
        r = test::cli(QStringList{"diagnose", "--bogus"} + model, ws.path());
        QCOMPARE(r.code, 2);
    }
};

QTEST_APPLESS_MAIN(TestDiagnostics)
#include "tst_diagnostics.moc"
