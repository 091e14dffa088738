#include <QtTest>
#include <qcustomplot.h>
#include "widgets/export/plot_export.h"
#include "widgets/results/results_page.h"
#include "widgets/compare/compare_page.h"
using namespace netsurf;
using namespace netsurf::widgets;
class T : public QObject { Q_OBJECT
private slots:
void go() {
    const ModelSelector sel{.benchmark = "mnist_fnn", .scheme = *QuantScheme::parse("q<6,2,1>"), .pruning = 0.125, .workspace = "/tmp/demo-ws"};
    ResultsPage page; page.resize(1600, 1000); page.show(); page.showModel(sel);
    QTRY_VERIFY(page.ready());
    QTest::qWait(200);
    ExportOptions o{.format = ExportFormat::Png, .unit = SizeUnit::Millimetres, .width = 88, .height = 66, .dpi = 300};
    QCOMPARE(exportPlots(page.plots(), "/tmp/exp", o), QString());
    o.format = ExportFormat::Pdf; QCOMPARE(exportPlots(page.plots(), "/tmp/exp", o), QString());
    ComparePage cmp; cmp.resize(1600, 1000); cmp.show(); cmp.showModel(sel);
    QTRY_VERIFY_WITH_TIMEOUT(cmp.ready(), 60000);
    QTest::qWait(200);
    o.format = ExportFormat::Png; o.width = 180; o.height = 100;
    QCOMPARE(exportPlots(cmp.plots(), "/tmp/exp", o), QString());
}
};
QTEST_MAIN(T)
#include "tst_gui_zz_tmp.moc"
