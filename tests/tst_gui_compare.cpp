// The ranker comparison and sweep overview pages on a small real workspace made by the CLI
// (autompg, two prunings, Monte-Carlo sweeps of three rankers, an oracle ranking): they draw the
// engine's numbers (one bar per ranker with the engine's VUS, precision@k against the oracle, a
// point per model in the overview), compute off the GUI thread (asserted), drop the results of a
// selection that changed meanwhile, and say why when there is nothing to draw.
#include "cli_runner.h"
#include "test_support.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QTabWidget>
#include <thread>

#include "app/core/job_controller.h"
#include "engine/compare/compare_job.h"
#include "widgets/compare/compare_page.h"
#include "widgets/compare/overview_page.h"
#include "widgets/compare/plot_style.h"

using namespace netsurf;
using namespace netsurf::widgets;
using netsurf::test::cli;

namespace {

constexpr int kTimeout = 120000;

ModelSelector autompg(double pruning, const QString& workspace) {
    return {"autompg", QuantScheme(), pruning, workspace.toStdString()};
}

// The plottables of a plot of type T that are series of their own (not a CI band or error bars
// of another), by name.
template <typename T> QMap<QString, T*> plottables(QCustomPlot* plot) {
    QMap<QString, T*> out;
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (auto* p = qobject_cast<T*>(plot->plottable(i));
            p && !p->name().isEmpty() && !p->property("role").toString().startsWith("ci_"))
            out.insert(p->name(), p);
    return out;
}

int dataCount(QCPAbstractPlottable* p) {
    return p->interface1D() ? p->interface1D()->dataCount() : 0;
}

const GroupComparison& testGroup(const CompareOutcome& o) {
    for (const GroupComparison& g : o.groups)
        if (g.key.evalSplit == "test") return g;
    return o.groups.front();
}

std::size_t maeIndex(const GroupComparison& g) {
    return std::size_t(std::find(g.metrics.begin(), g.metrics.end(), "mae") - g.metrics.begin());
}

} // namespace

class TestGuiCompare : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void comparePageDrawsTheEngineNumbers();
    void compareDropsStaleResultsAndExplainsEmptyModels();
    void overviewHasAPointPerModel();
    void aFinishedCompareJobReloads();

private:
    QTemporaryDir m_ws;
    bool m_ok = false;
};

void TestGuiCompare::initTestCase() {
    QVERIFY(m_ws.isValid());
    const QStringList grid{"--ber",  "0.01,0.1", "--protection", "0,0.2", "--mode", "montecarlo",
                           "--reps", "5",        "--quiet"};
    for (const char* pruning : {"0.125", "0"}) {
        const QStringList sel{"--benchmark", "autompg",   "--quant",
                              "q<6,2,1>",    "--pruning", pruning};
        test::Run r = cli(QStringList{"train", "--epochs", "3", "--quiet"} + sel, m_ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QList<QStringList> injects{{"--method", "taylor", "--order", "global"},
                                   {"--method", "random"}};
        if (QString(pruning) == "0.125") {
            r = cli(QStringList{"rank", "--method", "oracle", "--order", "global", "--quiet"} + sel,
                    m_ws.path());
            QVERIFY2(r.code == 0, qPrintable(r.err));
            injects.append({"--method", "taylor", "--order", "plane"});
        }
        for (const QStringList& m : injects) {
            r = cli(QStringList{"inject"} + m + grid + sel, m_ws.path());
            QVERIFY2(r.code == 0, qPrintable(r.err));
        }
    }
    m_ok = true;
}

void TestGuiCompare::comparePageDrawsTheEngineNumbers() {
    if (!m_ok) QSKIP("no workspace");
    const ModelSelector sel = autompg(0.125, m_ws.path());
    ComparePage page;
    page.resize(1600, 1000);
    QSignalSpy ready(&page, &Page::readyChanged);
    page.showModel(sel);
    QVERIFY(!page.ready());
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    QVERIFY2(page.message().isEmpty(), qPrintable(page.message()));
    QVERIFY(page.data()->computedOn != std::this_thread::get_id()); // never on the GUI thread
    QVERIFY(ready.count() >= 1);

    NullProgressSink sink;
    auto engine = computeComparison({.model = sel, .baseline = "random"}, sink);
    QVERIFY(engine.ok());
    const GroupComparison& g = testGroup(*engine);
    QCOMPARE(page.group()->rankers.size(), std::size_t(3));
    QCOMPARE(page.metric(), std::string("mae"));
    const std::size_t mae = maeIndex(g);

    // One bar per ranker, each at the engine's VUS.
    const auto bars = plottables<QCPBars>(page.panel("vus")->plot());
    int drawn = 0;
    for (const RankerComparison& r : g.rankers) {
        QCPBars* bar = bars.value(QString::fromStdString(r.label));
        QVERIFY2(bar, r.label.c_str());
        QCOMPARE(bar->data()->at(0)->value, r.metrics[mae].vus.value);
        ++drawn;
    }
    QCOMPARE(drawn, 3);
    QCOMPARE(plottables<QCPErrorBars>(page.panel("vus")->plot()).size(), 0); // unnamed companions

    // Curves: a curve per ranker (with its band companions) and the clean value.
    QCustomPlot* ber = page.panel("ber")->plot();
    const auto curves = plottables<QCPGraph>(ber);
    QCOMPARE(curves.size(), 4);
    QVERIFY(curves.contains("clean model"));
    QCPGraph* taylor = curves.value("taylor-global");
    QVERIFY(taylor);
    QCOMPARE(taylor->dataCount(), 2); // the two BERs

    // Legend toggle (with the CI band) and hover, on the page as laid out on screen.
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.tabs()->setCurrentIndex(0);
    QTRY_VERIFY(ber->axisRect()->width() > 100);
    ber->replot();
    for (auto it = curves.begin(); it != curves.end(); ++it)
        if (it.value() != taylor) toggleSeries(ber->legend->itemWithPlottable(it.value()));
    QVERIFY(!curves.value("random-global")->visible() && taylor->visible());
    const double x = taylor->keyAxis()->coordToPixel(taylor->data()->at(0)->key);
    const double y = taylor->valueAxis()->coordToPixel(taylor->data()->at(0)->value);
    QVERIFY2(hoverTextAt(ber, QPointF(x, y)).startsWith("taylor-global\nBER 1e-2"),
             qPrintable(hoverTextAt(ber, QPointF(x, y))));
    toggleSeries(ber->legend->itemWithPlottable(taylor));
    QVERIFY(!taylor->visible());
    int bands = 0;
    for (int i = 0; i < ber->plottableCount(); ++i)
        if (ownerOf(ber->plottable(i)) == taylor) {
            QVERIFY(!ber->plottable(i)->visible());
            ++bands;
        }
    QCOMPARE(bands, 2);
    QVERIFY(hoverTextAt(ber, QPointF(x, y)).isEmpty());

    // Precision@k against the oracle: the engine's numbers at the engine's levels.
    PlotPanel* precision = page.panel("precision");
    QVERIFY2(!precision->showsMessage(), qPrintable(precision->message()));
    const auto pk = plottables<QCPGraph>(precision->plot());
    QCOMPARE(pk.size(), 4); // three rankers and the random expectation
    int compared = 0;
    for (const RankingOverlapTable& t : engine->overlaps) {
        if (t.reference != "oracle") continue;
        QCPGraph* curve = pk.value(QString::fromStdString(t.rankerLabel));
        QVERIFY(curve);
        for (const OverlapLevel& l : t.levels)
            for (auto it = curve->data()->constBegin(); it != curve->data()->constEnd(); ++it)
                if (std::abs(it->key - l.protection) < 1e-12) {
                    QCOMPARE(it->value, l.overlap.dice);
                    ++compared;
                }
    }
    QVERIFY(compared >= 3 * 5); // levels 0.2, 0.4, …, 1 of each ranker

    // Plane vs global of taylor; the ranking time of each ranker.
    QCOMPARE(page.selector("method")->currentText(), QString("taylor"));
    QCOMPARE(plottables<QCPGraph>(page.panel("plane_global_ber")->plot()).size(), 3);
    QCOMPARE(plottables<QCPGraph>(page.panel("cost")->plot()).size(), 3);

    // Another baseline: new curves, computed off the GUI thread.
    QCustomPlot* overlap = page.panel("overlap")->plot();
    QComboBox* baseline = page.selector("baseline");
    const QString before = baseline->currentText();
    QVERIFY(!plottables<QCPGraph>(overlap).contains(before));
    baseline->setCurrentIndex((baseline->currentIndex() + 1) % baseline->count());
    const QString after = baseline->currentText();
    QTRY_VERIFY_WITH_TIMEOUT(plottables<QCPGraph>(overlap).contains(before), kTimeout);
    QVERIFY(!plottables<QCPGraph>(overlap).contains(after));
    QCOMPARE(plottables<QCPGraph>(overlap).size(), 2);
}

void TestGuiCompare::compareDropsStaleResultsAndExplainsEmptyModels() {
    if (!m_ok) QSKIP("no workspace");
    ComparePage page;
    page.showModel(autompg(0.125, m_ws.path()));
    page.showModel(autompg(0, m_ws.path())); // before the first result could arrive
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(page.staleResultsDropped(), std::size_t(1), kTimeout);
    QCOMPARE(page.group()->key.pruning, 0.0);
    QCOMPARE(page.group()->rankers.size(), std::size_t(2));
    // No oracle for this model: the precision panel says so instead of an empty plot.
    QVERIFY(page.panel("precision")->message().contains("no oracle ranking"));
    QVERIFY(page.panel("plane_global_ber")->showsMessage());

    page.showModel(autompg(0.25, m_ws.path())); // no such model
    QVERIFY(!page.ready());
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    QVERIFY2(page.message().contains("no injection experiments"), qPrintable(page.message()));
    QVERIFY(page.data() == nullptr);
}

void TestGuiCompare::overviewHasAPointPerModel() {
    if (!m_ok) QSKIP("no workspace");
    QTemporaryDir empty;
    OverviewPage page;
    page.resize(1600, 1000);
    page.showModel(autompg(0.125, empty.path()));
    page.showModel(autompg(0.125, m_ws.path()));
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(page.staleResultsDropped(), std::size_t(1), kTimeout);
    QVERIFY2(page.message().isEmpty(), qPrintable(page.message()));
    QVERIFY(page.data()->computedOn != std::this_thread::get_id());
    QCOMPARE(page.data()->models.size(), std::size_t(2));

    // VUS vs pruning: a point per model of each ranker, at the engine's VUS.
    const auto curves = plottables<QCPGraph>(page.panel("pruning")->plot());
    QCOMPARE(curves.size(), 3);
    QCOMPARE(dataCount(curves.value("taylor-global")), 2);
    QCOMPARE(dataCount(curves.value("random-global")), 2);
    QCOMPARE(dataCount(curves.value("taylor-plane")), 1); // swept at pruning 0.125 only
    NullProgressSink sink;
    for (double pruning : {0.0, 0.125}) {
        auto engine = computeComparison({.model = autompg(pruning, m_ws.path())}, sink);
        QVERIFY(engine.ok());
        const GroupComparison& g = testGroup(*engine);
        for (const RankerComparison& r : g.rankers) {
            QCPGraph* curve = curves.value(QString::fromStdString(r.label));
            const auto it = std::find_if(
                curve->data()->constBegin(), curve->data()->constEnd(),
                [&](const QCPGraphData& d) { return std::abs(d.key - pruning) < 0.05; });
            QVERIFY(it != curve->data()->constEnd());
            QCOMPARE(it->value, r.metrics[maeIndex(g)].vus.value);
        }
    }
    // VUS vs scheme at the selected pruning: one scheme, a point per ranker.
    const auto schemes = plottables<QCPGraph>(page.panel("scheme")->plot());
    QCOMPARE(schemes.size(), 3);
    // A box per ranker over the grid cells of both models.
    const auto boxes = plottables<QCPStatisticalBox>(page.panel("boxes")->plot());
    QCOMPARE(boxes.size(), 3);

    QTemporaryDir none;
    page.showModel(autompg(0, none.path()));
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    QVERIFY2(page.message().contains("No model of the workspace"), qPrintable(page.message()));
}

// A run's compare job that ends makes the comparison page read its model again (other models'
// jobs do not), and the overview page the workspace.
void TestGuiCompare::aFinishedCompareJobReloads() {
    if (!m_ok) QSKIP("no workspace");
    app::JobController controller;
    ComparePage page;
    page.setController(&controller);
    page.showModel(autompg(0.125, m_ws.path()));
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    const JobStateChanged done{.status = JobStatus::Done};
    emit controller.jobStateChanged("compare:autompg/q6_2_1/prune_0", done);
    QVERIFY(page.ready()); // another model's
    emit controller.jobStateChanged("compare:autompg/q6_2_1/prune_0.125", done);
    QVERIFY(!page.ready()); // reading again
    QTRY_VERIFY_WITH_TIMEOUT(page.ready(), kTimeout);
    QVERIFY2(page.message().isEmpty(), qPrintable(page.message()));

    OverviewPage overview;
    overview.setController(&controller);
    overview.show();
    overview.showModel(autompg(0.125, m_ws.path()));
    QTRY_VERIFY_WITH_TIMEOUT(overview.ready(), kTimeout);
    emit controller.jobStateChanged("compare:autompg/q6_2_1/prune_0", done);
    QVERIFY(!overview.ready());
    QTRY_VERIFY_WITH_TIMEOUT(overview.ready(), kTimeout);
    QVERIFY2(overview.message().isEmpty(), qPrintable(overview.message()));
}

QTEST_MAIN(TestGuiCompare)
#include "tst_gui_compare.moc"
