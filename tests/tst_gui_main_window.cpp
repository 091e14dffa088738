// The main window and the run configuration page (offscreen): pages, the workspace tree with a
// real model, selecting a model, the run form (the seed sweep by default, a scheme refused as
// typed with its reason), and netsurf-gui's command line (--help lists the pages, an unknown
// model is a usage error, --screenshot saves a PNG).
#include "cli_runner.h"
#include "test_support.h"

#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeView>

#include "widgets/main_window.h"
#include "widgets/resources_init.h"
#include "widgets/run/run_page.h"

using namespace netsurf;

namespace {

test::Run gui(const QStringList& args) {
    QProcess p;
    p.setProcessEnvironment(test::cliEnvironment({}, {{"QT_QPA_PLATFORM", "offscreen"}}));
    p.start(NETSURF_GUI_PATH, args);
    return test::finishCli(p);
}

} // namespace

class TestGuiMainWindow : public QObject {
    Q_OBJECT
    QTemporaryDir m_ws;
    bool m_data = true;

private slots:
    void initTestCase() {
        netsurfInitResources();
        const test::Run r =
            test::cli({"train", "--benchmark", "autompg", "--epochs", "2", "--quiet"}, m_ws.path());
        m_data = !(r.code == 1 && r.err.contains("cars.json"));
        if (m_data) QCOMPARE(r.code, 0);
    }

    void runFormIsTheSeedSweepAndValidatesSchemes() {
        widgets::RunPage page;
        auto c = page.config();
        QVERIFY(c.has_value());
        QCOMPARE(c->methods.size(), seedSweepConfig().methods.size());
        QCOMPARE(c->quantizations.size(), std::size_t(4));
        auto* more = page.findChild<QLineEdit*>();
        QVERIFY(more);
        more->setText("q<8,3,1>, q<30,2,1>");
        const QList<QLabel*> labels = page.findChildren<QLabel*>();
        const bool shown = std::any_of(labels.begin(), labels.end(),
                                       [](QLabel* l) { return l->text().contains("q<30,2,1>"); });
        QVERIFY2(shown, "the reason is shown under the field");
        for (QLabel* l : labels)
            QVERIFY(!l->text().contains("'q<8'")); // one scheme, not split
        QString error;
        QVERIFY(!page.config(&error).has_value());
        QVERIFY2(error.contains("q<30,2,1>"), qPrintable(error));
        more->setText("q<8,3,1>");
        c = page.config();
        QVERIFY(c.has_value());
        QCOMPARE(c->quantizations.back().str(), std::string("q<8,3,1>"));
    }

    void windowShowsTheWorkspace() {
        if (!m_data) QSKIP("Auto-MPG is not installed here");
        widgets::MainWindow w({.workspace = m_ws.path().toStdString(), .restoreSettings = false});
        QVERIFY(w.pageNames().contains("run"));
        QVERIFY(w.selectModel("autompg/q<6,2,1>/0.125"));
        QVERIFY(!w.selectModel("autompg/q<6,2,1>/0.5"));
        QVERIFY(w.showPage("run"));
        QVERIFY(!w.showPage("nonsense"));
        QVERIFY(w.showPage("compare/overlap")); // a page's tab
        QCOMPARE(w.currentPage()->pageName(), QString("compare"));
        QCOMPARE(w.currentPage()->findChild<QTabWidget*>()->currentIndex(), 1);
        QVERIFY(!w.showPage("compare/nonsense"));
        QVERIFY(w.showPage("run"));
        QCOMPARE(w.currentPage()->pageName(), QString("run"));
        auto* tree = w.findChild<QTreeView*>();
        QVERIFY(tree && tree->currentIndex().data().toString() == "0.125");
    }

    void commandLine() {
        test::Run r = gui({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("run"));
        if (!m_data) QSKIP("Auto-MPG is not installed here");
        r = gui({"--workspace", m_ws.path(), "--select", "cifar/q<6,2,1>/0.1", "--screenshot",
                 m_ws.path() + "/x.png"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no model 'cifar/q<6,2,1>/0.1'"), qPrintable(r.err));
        r = gui({"--workspace", m_ws.path(), "--page", "nope"});
        QCOMPARE(r.code, 2);
        const QString shot = m_ws.path() + "/run.png";
        r = gui({"--workspace", m_ws.path(), "--select", "autompg/q<6,2,1>/0.125", "--page", "run",
                 "--size", "1200x800", "--screenshot", shot});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QImage img(shot);
        QCOMPARE(img.size(), QSize(1200, 800));
    }
};

QTEST_MAIN(TestGuiMainWindow)
#include "tst_gui_main_window.moc"
