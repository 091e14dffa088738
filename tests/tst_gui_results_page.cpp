// The results page on real results: an autompg model trained and swept by netsurf-cli in a
// temporary workspace is shown with its experiment, metric, curves (one per protection level and
// per BER, with the file's per-cell means), heatmap and clean line; legend clicks hide a curve;
// live, a JobController's tiny batch makes the plotted data grow while the event loop turns,
// with coalesced redraws, and ends equal to the file.
// (Screenshots of the page for the docs: netsurf-gui --screenshot, docs/gui.md.)
#include "cli_runner.h"
#include "test_support.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <qcustomplot.h>

#include "app/core/job_controller.h"
#include "engine/inject/results_store.h"
#include "engine/runner/batch_config.h"
#include "widgets/results/curve_plot.h"
#include "widgets/results/heatmap_plot.h"
#include "widgets/results/results_page.h"

using namespace netsurf;
using widgets::ResultsPage;

namespace {

std::vector<QCPGraph*> graphsWithRole(QCustomPlot* plot, const char* role) {
    std::vector<QCPGraph*> out;
    for (int k = 0; k < plot->graphCount(); ++k)
        if (plot->graph(k)->property("role").toString() == QLatin1String(role))
            out.push_back(plot->graph(k));
    return out;
}

int meanPoints(QCustomPlot* plot) {
    int n = 0;
    for (QCPGraph* g : graphsWithRole(plot, "mean"))
        n += g->dataCount();
    return n;
}

ModelSelector autompg(const QTemporaryDir& ws) {
    return {.benchmark = "autompg",
            .scheme = QuantScheme(),
            .pruning = 0.125,
            .workspace = ws.path().toStdString()};
}

// Per (protection, BER) mean of column `metric` (index into metrics; −1: loss) of a file.
std::map<std::pair<double, double>, double> fileMeans(const SweepResults& f, int metric) {
    std::map<std::pair<double, double>, std::pair<double, int>> sum;
    for (const SweepRow& r : f.rows) {
        auto& [s, n] = sum[{r.protection, r.ber}];
        s += metric < 0 ? r.loss : r.metrics[std::size_t(metric)];
        ++n;
    }
    std::map<std::pair<double, double>, double> out;
    for (const auto& [key, v] : sum)
        out[key] = v.first / v.second;
    return out;
}

BatchConfig tinyBatch() {
    auto c = parseBatchConfig(R"({"benchmarks": ["autompg"], "quantizations": ["q<6,2,1>"],
        "prunings": [0], "methods": ["random"], "epochs": 2, "ber": [0.001, 0.01, 0.1],
        "protection": [0, 0.1, 0.2], "mode": "montecarlo", "reps": 300})",
                              "test");
    return *c;
}

} // namespace

class TestResultsPage : public QObject {
    Q_OBJECT
    QTemporaryDir m_ws;
    bool m_haveData = false;
    std::filesystem::path m_results;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        const QStringList sel{"--benchmark", "autompg", "--quant", "q<6,2,1>",
                              "--pruning",   "0.125",   "--quiet", "--json"};
        test::Run r = test::cli(QStringList{"train", "--epochs", "3"} + sel, m_ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) return; // tests skip
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = test::cli(QStringList{"inject", "--method", "random", "--mode", "montecarlo", "--reps",
                                  "5", "--ber", "0.01,0.1", "--protection", "0,0.2"} +
                          sel,
                      m_ws.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        m_results =
            nlohmann::json::parse(r.out.toStdString()).at("results_path").get<std::string>();
        m_haveData = true;
    }

    void showsTheExperimentOfTheModel() {
        if (!m_haveData) QSKIP("Auto-MPG is not installed here");
        ResultsPage page;
        QSignalSpy ready(&page, &widgets::Page::readyChanged);
        QVERIFY(!page.ready());
        page.showModel(autompg(m_ws));
        QVERIFY(page.ready());
        QCOMPARE(ready.count(), 1);
        QCOMPARE(page.pageName(), QString("results"));
        QCOMPARE(page.plots().size(), 3);
        QCOMPARE(page.experimentSelector()->count(), 1);
        QVERIFY(page.experimentSelector()->currentText().startsWith("random (global)"));
        QCOMPARE(page.shownJobId(),
                 QString("inject:autompg/q6_2_1/prune_0.125/random-global-s0/montecarlo-test"));
        QStringList metrics;
        for (int k = 0; k < page.metricSelector()->count(); ++k)
            metrics << page.metricSelector()->itemData(k).toString();
        QCOMPARE(metrics, (QStringList{"loss", "mae", "r2", "pearson", "mismatch_rate"}));
        QCOMPARE(page.metricSelector()->currentData().toString(), QString("mae"));

        const auto file = loadResultsFile(m_results);
        QVERIFY(file.ok());
        const auto means = fileMeans(*file, 0); // mae
        // metric vs BER: one curve per protection, a point per BER, the file's means
        const auto ber = graphsWithRole(page.berPlot(), "mean");
        QCOMPARE(ber.size(), std::size_t(2));
        for (QCPGraph* g : ber) {
            QCOMPARE(g->dataCount(), 2);
            const double p = g->property("series").toDouble();
            for (const QCPGraphData& d : *g->data())
                QVERIFY(std::abs(d.value - means.at({p, d.key})) < 1e-12);
        }
        QCOMPARE(graphsWithRole(page.berPlot(), "ci_low").size(), std::size_t(2));
        QCOMPARE(graphsWithRole(page.berPlot(), "ci_high").front()->dataCount(), 2);
        QCOMPARE(page.berPlot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
        // metric vs protection: one curve per BER, x in percent
        const auto prot = graphsWithRole(page.protectionPlot(), "mean");
        QCOMPARE(prot.size(), std::size_t(2));
        for (QCPGraph* g : prot) {
            QCOMPARE(g->dataCount(), 2);
            const double b = g->property("series").toDouble();
            for (const QCPGraphData& d : *g->data())
                QVERIFY(std::abs(d.value - means.at({d.key / 100, b})) < 1e-12);
        }
        // the clean line: the file's clean MAE on both curve plots
        for (QCustomPlot* plot :
             {(QCustomPlot*)page.berPlot(), (QCustomPlot*)page.protectionPlot()}) {
            const auto clean = graphsWithRole(plot, "clean");
            QCOMPARE(clean.size(), std::size_t(1));
            QCOMPARE(clean.front()->name(), QString("clean"));
            for (const QCPGraphData& d : *clean.front()->data())
                QCOMPARE(d.value, file->cleanMetrics[0]);
        }
        // the heatmap: 2 BERs × 2 protections, every cell drawn
        QCPColorMapData* cells = page.heatmap()->colorMap()->data();
        QCOMPARE(cells->keySize(), 2);
        QCOMPARE(cells->valueSize(), 2);
        QCOMPARE(cells->cell(1, 1), means.at({0.2, 0.1}));
        QVERIFY(page.heatmap()->colorScale()->axis()->label().contains("MAE (mpg)"));
        QCOMPARE(page.berPlot()->yAxis->label(), QString("MAE (mpg)"));
    }

    void metricSelectorRedrawsWithTheMetricsCleanValue() {
        if (!m_haveData) QSKIP("Auto-MPG is not installed here");
        ResultsPage page;
        page.showModel(autompg(m_ws));
        const auto file = loadResultsFile(m_results);
        QVERIFY(file.ok());
        QComboBox* box = page.metricSelector();
        box->setCurrentIndex(box->findData("r2"));
        emit box->activated(box->currentIndex());
        const auto clean = graphsWithRole(page.berPlot(), "clean").front();
        QCOMPARE(clean->data()->at(0)->value, file->cleanMetrics[1]);
        QCOMPARE(page.berPlot()->yAxis->label(), QString("R²"));
        box->setCurrentIndex(box->findData("loss"));
        emit box->activated(box->currentIndex());
        QCOMPARE(graphsWithRole(page.berPlot(), "clean").front()->data()->at(0)->value,
                 file->cleanLoss);
        QCOMPARE(page.berPlot()->yAxis->label(), QString("MSE loss (mpg²)"));
    }

    void legendClickTogglesACurve() {
        if (!m_haveData) QSKIP("Auto-MPG is not installed here");
        ResultsPage page;
        page.resize(1600, 1000);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.showModel(autompg(m_ws));
        widgets::CurvePlot* plot = page.berPlot();
        plot->replot();
        QCPGraph* first = graphsWithRole(plot, "mean").front();
        const QPoint at = plot->legend->itemWithPlottable(first)->rect().center();
        QTest::mouseClick(plot, Qt::LeftButton, {}, at);
        QVERIFY(!first->visible());
        QVERIFY(!graphsWithRole(plot, "ci_high").front()->visible());
        // a redraw (new rows, another metric) keeps it hidden
        QComboBox* box = page.metricSelector();
        box->setCurrentIndex(box->findData("r2"));
        emit box->activated(box->currentIndex());
        QVERIFY(!graphsWithRole(plot, "mean").front()->visible());
        QTest::mouseClick(plot, Qt::LeftButton, {}, at);
        QVERIFY(graphsWithRole(plot, "mean").front()->visible());
    }

    void aModelWithoutExperimentsShowsWhatToDo() {
        QTemporaryDir empty;
        ResultsPage page;
        page.showModel(autompg(empty));
        QVERIFY(page.ready());
        QCOMPARE(page.experimentSelector()->count(), 0);
        QCOMPARE(page.berPlot()->graphCount(), 0);
        QVERIFY(page.shownJobId().isEmpty());
    }

    void rowEventsAreMergedAndRedrawnOnce() {
        if (!m_haveData) QSKIP("Auto-MPG is not installed here");
        ResultsPage page;
        app::JobController controller; // idle: the test emits its signals
        page.setController(&controller);
        page.showModel(autompg(m_ws));
        const QString id = page.shownJobId();
        const std::size_t before = page.table().rowCount();
        const int redraws = page.redrawCount();
        const SweepRow model = loadResultsFile(m_results)->rows.front();
        for (int k = 0; k < 100; ++k) {
            SweepRowsProduced e{.batch = std::uint64_t(k), .resultsPath = m_results, .rows = {}};
            SweepRow r = model;
            r.rep = 1000 + k;
            e.rows.push_back(r);
            emit controller.sweepRows(id, e);
            emit controller.sweepRows("inject:autompg/q6_2_1/prune_0/random-global-s0/"
                                      "montecarlo-test",
                                      e); // another model: ignored
        }
        QCOMPARE(page.table().rowCount(), before + 100);
        QCOMPARE(page.redrawCount(), redraws); // nothing drawn per event
        QTRY_COMPARE_WITH_TIMEOUT(page.redrawCount(), redraws + 1, 10000);
        QTest::qWait(100);
        QCOMPARE(page.redrawCount(), redraws + 1); // one coalesced redraw
        QCOMPARE(page.heatmap()->colorMap()->data()->keySize(), 2);
        // a resync reloads the file (the fake rows are not in it)
        emit controller.resyncNeeded(id);
        QCOMPARE(page.table().rowCount(), before);
        // an experiment of this model that starts running is listed at once
        emit controller.jobStateChanged(
            "inject:autompg/q6_2_1/prune_0.125/oracle-plane-s0/montecarlo-test",
            JobStateChanged{.status = JobStatus::Running});
        QCOMPARE(page.experimentSelector()->count(), 2);
        QCOMPARE(page.shownJobId(), id); // the shown one stays
    }

    void liveRowsGrowWhileTheEventLoopTurns() {
        if (!m_haveData) QSKIP("Auto-MPG is not installed here");
        QTemporaryDir ws;
        const ModelSelector model{.benchmark = "autompg",
                                  .scheme = QuantScheme(),
                                  .pruning = 0,
                                  .workspace = ws.path().toStdString()};
        ResultsPage page;
        app::JobController controller;
        page.setController(&controller);
        page.showModel(model);
        QCOMPARE(page.experimentSelector()->count(), 0);
        std::vector<std::size_t> drawnRows; // the table's rows at each replot of the BER plot
        connect(page.berPlot(), &QCustomPlot::afterReplot, this,
                [&] { drawnRows.push_back(page.table().rowCount()); });
        QSignalSpy done(&controller, &app::JobController::finished);
        QString error;
        const BatchSessionOptions options{.workspace = ws.path().toStdString(),
                                          .runner = {.threads = 2}};
        QVERIFY2(controller.startBatch(tinyBatch(), options, &error), qPrintable(error));
        // the experiment appears when its job starts, and its curves fill in while rows arrive
        QTRY_COMPARE_WITH_TIMEOUT(page.experimentSelector()->count(), 1, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(meanPoints(page.berPlot()) > 0 || done.count() > 0, 120000);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 300000);
        QVERIFY2(done.front().at(1).toString().isEmpty(),
                 qPrintable(done.front().at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(meanPoints(page.berPlot()), 9, 10000);
        QCOMPARE(page.table().rowCount(), std::size_t(3 * 3 * 300));
        const bool partial = std::any_of(drawnRows.begin(), drawnRows.end(),
                                         [](std::size_t n) { return n > 0 && n < 3 * 3 * 300; });
        QVERIFY2(partial, "the plot is drawn while rows arrive");
        // what is drawn is what the file holds
        const auto experiments = app::listExperiments(modelPathFor(model).parent_path());
        QCOMPARE(experiments.size(), std::size_t(1));
        const auto file = loadResultsFile(experiments.front().resultsPath);
        QVERIFY(file.ok());
        const auto means = fileMeans(*file, 0);
        for (QCPGraph* g : graphsWithRole(page.berPlot(), "mean"))
            for (const QCPGraphData& d : *g->data())
                QVERIFY(std::abs(d.value - means.at({g->property("series").toDouble(), d.key})) <
                        1e-9);
    }
};

QTEST_MAIN(TestResultsPage)
#include "tst_gui_results_page.moc"
