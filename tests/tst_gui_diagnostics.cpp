// The diagnostics page and its figures: on a small real autompg model the page offers to compute
// the diagnostics, computes them off the GUI thread, and draws the engine's numbers (true vs
// predicted rows, the history's curves, every layer, every tensor before and after training);
// a damaged diagnostics.json is a message naming it; the classification figures (ROC per class,
// confusion matrix) draw a hand-made prediction set's curves and counts.
#include "cli_runner.h"
#include "test_support.h"

#include <QComboBox>
#include <QPushButton>
#include <set>
#include <qcustomplot.h>

#include "engine/analysis/diagnostics.h"
#include "engine/core/file_io.h"
#include "widgets/compare/plot_style.h"
#include "widgets/diagnostics/diagnostics_page.h"
#include "widgets/diagnostics/diagnostics_plots.h"

using namespace netsurf;
using namespace netsurf::widgets;
using netsurf::test::cli;

namespace {

constexpr int kTimeout = 120000;

QStringList items(const QComboBox* c) {
    QStringList out;
    for (int i = 0; i < c->count(); ++i)
        out << c->itemText(i);
    return out;
}

} // namespace

class TestGuiDiagnostics : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void pageComputesAndDrawsTheEngineNumbers();
    void damagedFileIsAMessage();
    void rocAndConfusionOfAHandMadeSet();

private:
    QTemporaryDir m_ws;
    bool m_ok = false;
    ModelSelector m_model;
};

void TestGuiDiagnostics::initTestCase() {
    QVERIFY(m_ws.isValid());
    const test::Run r = cli({"train", "--benchmark", "autompg", "--quant", "q<6,2,1>", "--pruning",
                             "0.125", "--epochs", "4", "--quiet"},
                            m_ws.path());
    if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const test::Run rank = cli({"rank", "--benchmark", "autompg", "--quant", "q<6,2,1>",
                                "--pruning", "0.125", "--method", "weight_abs_value", "--quiet"},
                               m_ws.path());
    QVERIFY2(rank.code == 0, qPrintable(rank.err));
    m_model = {"autompg", QuantScheme(), 0.125, m_ws.path().toStdString()};
    m_ok = true;
}

void TestGuiDiagnostics::pageComputesAndDrawsTheEngineNumbers() {
    if (!m_ok) QSKIP("no model");
    DiagnosticsPage page;
    page.resize(1600, 1000);
    page.showModel(m_model);
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    QVERIFY2(page.message().contains("no diagnostics yet"), qPrintable(page.message()));
    QVERIFY(page.computeButton()->isEnabled());

    page.computeButton()->click();
    QVERIFY(!page.ready());
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    QVERIFY2(page.message().isEmpty(), qPrintable(page.message()));
    const std::filesystem::path file =
        std::filesystem::path(m_ws.path().toStdString()) / "autompg/q6_2_1/prune_0.125/diagnostics.json";
    QVERIFY(std::filesystem::exists(file));
    auto d = readDiagnosticsFile(file);
    QVERIFY(d.ok());

    // Quality: regression → true vs predicted, one point per test row at the engine's values.
    QCOMPARE(items(page.chooser("quality")),
             (QStringList{"True vs predicted", "Target distribution", "Input features"}));
    QCustomPlot* quality = page.panel("quality")->plot();
    QCPGraph* rows = nullptr;
    for (int i = 0; i < quality->graphCount(); ++i)
        if (quality->graph(i)->name().startsWith("test rows")) rows = quality->graph(i);
    QVERIFY(rows);
    QCOMPARE(std::size_t(rows->dataCount()), d->regression->truth.size());
    std::multiset<std::pair<double, double>> drawn, engine;
    for (auto it = rows->data()->constBegin(); it != rows->data()->constEnd(); ++it)
        drawn.insert({it->key, it->value});
    for (std::size_t i = 0; i < d->regression->truth.size(); ++i)
        engine.insert({d->regression->truth[i], d->regression->predicted[i]});
    QVERIFY(drawn == engine);

    // History: the loss and the three regression metrics at least, one point per epoch.
    const QStringList history = items(page.chooser("history"));
    for (const char* v : {"Loss per epoch", "MAE per epoch", "R² per epoch", "Pearson r per epoch"})
        QVERIFY2(history.contains(v), v);
    QCOMPARE(page.panel("history")->plot()->graph(0)->dataCount(), 4);

    // Layers: every layer's output, and the sparsity; a layer's bars sum to 100 %.
    QCOMPARE(page.chooser("layers")->count(), int(d->activations.size()) + 1);
    QCustomPlot* layers = page.panel("layers")->plot();
    auto* bars = qobject_cast<QCPBars*>(layers->plottable(0));
    QVERIFY(bars);
    double sum = 0;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
        sum += it->value;
    QCOMPARE(qRound(sum * 1000), 100000);
    page.chooser("layers")->setCurrentIndex(page.chooser("layers")->count() - 1);
    QCOMPARE(qobject_cast<QCPBars*>(page.panel("layers")->plot()->plottable(0))->dataCount(),
             int(d->sparsity.size()));

    // Weights: every tensor trained and initial.
    QCOMPARE(page.chooser("weights")->count(), int(d->tensors.size() + d->initialTensors.size()) + 1);
    QVERIFY(items(page.chooser("weights")).contains("dense_0/kernel, initial"));

    // The data figures: the input features, one box per feature.
    page.chooser("quality")->setCurrentIndex(2);
    int boxes = 0;
    for (int i = 0; i < quality->plottableCount(); ++i)
        boxes += qobject_cast<QCPStatisticalBox*>(quality->plottable(i)) != nullptr;
    QCOMPARE(boxes, 9); // Auto-MPG's 9 features

    // The ranking's score along the rank: read off the GUI thread, one point per ranked bit.
    QComboBox* weights = page.chooser("weights");
    weights->setCurrentIndex(weights->count() - 1);
    QVERIFY(weights->currentText().startsWith("score along the rank: weight_abs_value-"));
    QCustomPlot* plot = page.panel("weights")->plot();
    QTRY_VERIFY_WITH_TIMEOUT(!page.panel("weights")->showsMessage() && plot->graphCount() == 1 &&
                                 plot->graph(0)->name().startsWith("weight_abs_value"),
                             kTimeout);
    std::size_t kept = 0;
    for (const TensorDiagnostics& t : d->tensors)
        kept += t.kept;
    QCOMPARE(std::size_t(plot->graph(0)->dataCount()), kept * 6); // every kept weight's 6 bits
    QCOMPARE(page.plots().size(), 4);
}

void TestGuiDiagnostics::damagedFileIsAMessage() {
    if (!m_ok) QSKIP("no model");
    const std::filesystem::path file =
        std::filesystem::path(m_ws.path().toStdString()) / "autompg/q6_2_1/prune_0.125/diagnostics.json";
    QVERIFY(atomicWriteFile(file, "{\"format\": \"netsurf-diagnostics\", \"version\": 1"));
    DiagnosticsPage page;
    page.showModel(m_model);
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    QVERIFY2(page.message().contains("diagnostics.json"), qPrintable(page.message()));
    std::filesystem::remove(file);
}

void TestGuiDiagnostics::rocAndConfusionOfAHandMadeSet() {
    // 3 classes, 6 samples; probabilities chosen so that class 0 is separated perfectly.
    MatrixRM p(6, 3);
    p << 0.8, 0.1, 0.1, 0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.2, 0.3, 0.5, 0.1, 0.2, 0.7, 0.1, 0.5, 0.4;
    Eigen::VectorXd y(6);
    y << 0, 0, 1, 2, 2, 1;
    const ClassificationDiagnostics d = classificationDiagnostics(p, y);
    QCustomPlot plot;
    preparePlot(&plot, QString());
    drawRoc(&plot, d);
    int curves = 0;
    for (int i = 0; i < plot.plottableCount(); ++i)
        if (auto* c = qobject_cast<QCPCurve*>(plot.plottable(i))) {
            ++curves;
            if (c->name().startsWith("class 0")) QVERIFY2(c->name().contains("AUC 1.0000"), qPrintable(c->name()));
        }
    QCOMPARE(curves, 3);

    QCustomPlot conf;
    preparePlot(&conf, QString());
    drawConfusion(&conf, d);
    auto* map = qobject_cast<QCPColorMap*>(conf.plottable(0));
    QVERIFY(map);
    // Predictions: argmax rows → 0,0,1,2,2,1: all right, so the diagonal is 100 % (class 0 on
    // top: row n−1−t).
    for (int t = 0; t < 3; ++t)
        QCOMPARE(map->data()->cell(t, 2 - t), 100.0);
    QCOMPARE(map->data()->cell(1, 2), 0.0);
    int labelled = 0;
    for (int i = 0; i < conf.itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(conf.item(i)); text && text->text() == "2") ++labelled;
    QCOMPARE(labelled, 3); // two samples per class on the diagonal
}

QTEST_MAIN(TestGuiDiagnostics)
#include "tst_gui_diagnostics.moc"
