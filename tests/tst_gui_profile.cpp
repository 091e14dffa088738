// The robustness profile page on a model trained by the CLI: without profile files it says so
// and offers "Compute profile", which runs the profile job off the GUI thread and then shows the
// statistics (the files' numbers), the distributions and the Lorenz curves; a damaged file is a
// message, never a crash. A run's profile job for the shown model reloads the page when it ends.
#include "cli_runner.h"
#include "test_support.h"

#include <QComboBox>
#include <QFile>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <qcustomplot.h>

#include "app/core/job_controller.h"
#include "engine/analysis/profile.h"
#include "engine/runner/batch_jobs.h"
#include "widgets/compare/plot_style.h"
#include "widgets/profile/profile_page.h"

using namespace netsurf;
using namespace netsurf::widgets;

class TestGuiProfile : public QObject {
    Q_OBJECT
private slots:
    void computesAndShowsTheProfile() {
        QTemporaryDir ws;
        test::Run r = test::cli({"train", "--benchmark", "autompg", "--quant", "q<6,2,1>",
                                 "--pruning", "0.125", "--epochs", "2", "--quiet"},
                                ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QCOMPARE(r.code, 0);
        const ModelSelector model{.benchmark = "autompg",
                                  .scheme = QuantScheme(),
                                  .pruning = 0.125,
                                  .workspace = ws.path().toStdString()};
        ProfilePage page;
        page.resize(1400, 900);
        page.showModel(model);
        QTRY_VERIFY(page.ready());
        QVERIFY2(page.message().contains("no robustness profile yet"), qPrintable(page.message()));
        QVERIFY(page.computeButton()->isEnabled());

        page.computeButton()->click();
        QVERIFY(!page.ready());
        QTRY_VERIFY_WITH_TIMEOUT(page.ready(), 120000);
        QVERIFY2(page.message().isEmpty(), qPrintable(page.message()));
        const QString dir = ws.path() + "/autompg/q6_2_1/prune_0.125/";
        QVERIFY(QFile::exists(dir + "profile_pre.json") &&
                QFile::exists(dir + "profile_post.json"));
        QCOMPARE(page.distributionSelector()->count(), int(profileDistributionNames().size()));

        // the table holds the file's numbers
        QFile f(dir + "profile_post.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto post = nlohmann::json::parse(f.readAll().toStdString());
        const std::string shown =
            page.distributionSelector()->currentData().toString().toStdString();
        QCOMPARE(page.table()->rowCount(), int(statisticNames().size()));
        for (int row = 0; row < page.table()->rowCount(); ++row) {
            const std::string stat = page.table()->item(row, 0)->text().toStdString();
            const auto& v = post["distributions"][shown][stat];
            if (v.is_number())
                QCOMPARE(page.table()->item(row, 2)->text(),
                         QString::number(v.get<double>(), 'g', 5));
        }
        // distributions before and after with their CDFs (ending at 100 %); Lorenz curves with
        // the equality line
        QCustomPlot* histogram = page.panel("histogram")->plot();
        QCOMPARE(histogram->graphCount(), 4);
        QCOMPARE(histogram->graph(3)->name(), QString("after, CDF"));
        QCOMPARE(histogram->graph(3)->valueAxis(), histogram->yAxis2);
        QCOMPARE((histogram->graph(3)->data()->constEnd() - 1)->value, 100.0);
        QCustomPlot* lorenz = page.panel("lorenz")->plot();
        QCOMPARE(lorenz->graphCount(), 3);
        QCOMPARE(lorenz->graph(2)->dataCount(), int(post["distributions"][shown]["lorenz"].size()));
        page.distributionSelector()->setCurrentIndex(3); // another distribution redraws
        QVERIFY(page.table()->item(0, 1)->text() != QString());

        // a damaged file: a message naming it
        QFile broken(dir + "profile_post.json");
        QVERIFY(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
        broken.write("{\"distributions\": {\"fisher\": 3}, \"samples\": 1}");
        broken.close();
        page.showModel(model);
        QTRY_VERIFY(page.ready());
        QVERIFY2(page.message().contains("profile_post.json is not a profile file"),
                 qPrintable(page.message()));
    }

    void reloadsWhenAProfileJobEnds() {
        QTemporaryDir ws;
        test::Run r = test::cli({"train", "--benchmark", "autompg", "--quant", "q<6,2,1>",
                                 "--pruning", "0", "--epochs", "2", "--quiet"},
                                ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QCOMPARE(r.code, 0);
        ProfilePage page;
        app::JobController controller;
        page.setController(&controller);
        page.showModel({.benchmark = "autompg",
                        .scheme = QuantScheme(),
                        .pruning = 0,
                        .workspace = ws.path().toStdString()});
        QTRY_VERIFY(page.ready());
        QVERIFY2(page.message().contains("no robustness profile yet"), qPrintable(page.message()));

        // the batch's profile job of this model (its train job is done: run it alone)
        auto c = parseBatchConfig(R"({"benchmarks": ["autompg"], "quantizations": ["q<6,2,1>"],
            "prunings": [0], "methods": ["random"], "epochs": 2, "profile": {"samples": 40}})",
                                  "config");
        QVERIFY(c.ok());
        std::vector<JobSpec> jobs = buildBatchJobs(*c, {.workspace = ws.path().toStdString()});
        std::erase_if(jobs, [](const JobSpec& s) { return s.kind != JobKind::Profile; });
        QCOMPARE(jobs.size(), std::size_t(1));
        jobs[0].dependsOn.clear();
        QVERIFY(controller.startJobs(std::move(jobs), {.threads = 2}));
        QTRY_VERIFY_WITH_TIMEOUT(page.ready() && page.message().isEmpty(), 60000);
        QCOMPARE(page.distributionSelector()->count(), int(profileDistributionNames().size()));
    }
};

QTEST_MAIN(TestGuiProfile)
#include "tst_gui_profile.moc"
