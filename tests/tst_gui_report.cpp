// The HTML report (netsurf-cli report, widgets/report/) on a small real workspace made by the
// CLI (autompg, two prunings, Monte-Carlo sweeps of two rankers, an oracle ranking): every tab,
// the listed figures for every benchmark and ranker with results, a self-contained file (no
// script, nothing loaded from elsewhere, unique ids, decimated series), conclusions that agree
// with the engine's comparison, clear errors; and, when Chromium is installed, the report opened
// headless with every tab switched, no script error and no broken image. Also the pieces:
// decimation (extremes kept) and the inlining of SVG documents.
#include "cli_runner.h"
#include "test_support.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <qcustomplot.h>
#include <random>

#include "engine/analysis/decimate.h"
#include "engine/compare/compare_job.h"
#include "widgets/compare/overview_data.h"
#include "widgets/report/report_conclusions.h"
#include "widgets/report/report_svg.h"

using namespace netsurf;
using namespace netsurf::widgets;
using netsurf::test::cli;

class TestGuiReport : public QObject {
    Q_OBJECT
private slots:
    void decimationKeepsTheExtremes();
    void decimateGraphsBoundsEverySeries();
    void inlineSvgPrefixesIds();
    void initTestCase();
    void reportHasEveryTabAndFigure();
    void reportIsSelfContained();
    void conclusionsAgreeWithTheEngine();
    void badRequestsAreRefused();
    void chromiumShowsEveryTab();
    void currentFilesAreReusedStaleOnesRecomputed(); // last: retrains the model

private:
    QString reportText() const;
    QTemporaryDir m_ws;
    bool m_ok = false;
    QJsonObject m_outcome;
};

void TestGuiReport::decimationKeepsTheExtremes() {
    std::mt19937 rng(7);
    std::normal_distribution<double> noise;
    std::vector<double> y(100000);
    for (double& v : y)
        v = noise(rng);
    y[12345] = 50;  // a spike
    y[67890] = -40; // a dip
    const std::vector<std::size_t> keep = decimationIndices(y, 2000);
    QVERIFY(keep.size() <= 2000);
    QVERIFY(keep.size() > 1900);
    QCOMPARE(keep.front(), std::size_t(0));
    QCOMPARE(keep.back(), y.size() - 1);
    QVERIFY(std::is_sorted(keep.begin(), keep.end()));
    QVERIFY(std::adjacent_find(keep.begin(), keep.end()) == keep.end());
    QVERIFY(std::find(keep.begin(), keep.end(), 12345) != keep.end());
    QVERIFY(std::find(keep.begin(), keep.end(), 67890) != keep.end());
    // Every bucket's extremes: the envelope of the kept points is that of the series.
    double lo = 1e9, hi = -1e9;
    for (std::size_t k : keep)
        lo = std::min(lo, y[k]), hi = std::max(hi, y[k]);
    QCOMPARE(hi, 50.0);
    QCOMPARE(lo, -40.0);
    // Short series are kept whole.
    const std::vector<double> shortSeries{3, 1, 2};
    QCOMPARE(decimationIndices(shortSeries, 2000), (std::vector<std::size_t>{0, 1, 2}));
}

void TestGuiReport::decimateGraphsBoundsEverySeries() {
    QCustomPlot plot;
    QVector<double> x, y;
    for (int i = 0; i < 30000; ++i)
        x << i, y << std::sin(i * 0.01) + (i == 20000 ? 5 : 0);
    plot.addGraph()->setData(x, y, true);
    plot.addGraph()->setData({0, 1, 2}, {1, 2, 3}, true);
    QCOMPARE(decimateGraphs(&plot, kReportMaxPoints), 1);
    QVERIFY(plot.graph(0)->dataCount() <= int(kReportMaxPoints));
    QCOMPARE(plot.graph(1)->dataCount(), 3);
    bool spike = false;
    for (auto it = plot.graph(0)->data()->constBegin(); it != plot.graph(0)->data()->constEnd(); ++it)
        spike = spike || (it->key == 20000 && it->value == y[20000]);
    QVERIFY(spike);
}

void TestGuiReport::inlineSvgPrefixesIds() {
    const QString doc = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
                        "<svg width=\"170mm\" height=\"90mm\" viewBox=\"0 0 642 340\" "
                        "xmlns=\"http://www.w3.org/2000/svg\"><defs><clipPath id=\"clip1\">"
                        "<rect/></clipPath></defs><g clip-path=\"url(#clip1)\"><use "
                        "xlink:href=\"#clip1\"/></g></svg>\n";
    const QString e = SvgFigures::inlineElement(doc, "f7", 170);
    QVERIFY(e.startsWith("<svg"));
    QVERIFY(!e.contains("<?xml"));
    QVERIFY(e.contains("id=\"f7-clip1\""));
    QVERIFY(e.contains("url(#f7-clip1)"));
    QVERIFY(e.contains("href=\"#f7-clip1\""));
    QVERIFY(!e.contains("width=\"170mm\""));
    QVERIFY(e.contains("viewBox=\"0 0 642 340\""));
    QVERIFY(e.contains("max-width:170mm"));
}

void TestGuiReport::initTestCase() {
    QVERIFY(m_ws.isValid());
    const QStringList grid{"--ber",  "0.01,0.1", "--protection", "0,0.1,0.2", "--mode",
                           "montecarlo", "--reps", "4", "--quiet"};
    for (const char* pruning : {"0.125", "0"}) {
        const QStringList sel{"--benchmark", "autompg", "--quant", "q<6,2,1>", "--pruning", pruning};
        test::Run r = cli(QStringList{"train", "--epochs", "3", "--quiet"} + sel, m_ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) QSKIP("Auto-MPG is not installed here");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        if (QString(pruning) == "0.125") {
            r = cli(QStringList{"rank", "--method", "oracle", "--order", "global", "--quiet"} + sel,
                    m_ws.path());
            QVERIFY2(r.code == 0, qPrintable(r.err));
        }
        for (const QStringList& m : QList<QStringList>{{"--method", "taylor", "--order", "global"},
                                                       {"--method", "random"}}) {
            r = cli(QStringList{"inject"} + m + grid + sel, m_ws.path());
            QVERIFY2(r.code == 0, qPrintable(r.err));
        }
    }
    const test::Run r = cli({"report", "--quant", "q<6,2,1>", "--pruning", "0.125", "--samples",
                             "200", "--json", "--quiet"},
                            m_ws.path());
    QVERIFY2(r.code == 0, qPrintable(r.err));
    m_outcome = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(m_outcome["path"].toString(), m_ws.filePath("reports/q6_2_1_prune_0.125.html"));
    m_ok = true;
}

QString TestGuiReport::reportText() const {
    QFile f(m_outcome["path"].toString());
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll());
}

void TestGuiReport::reportHasEveryTabAndFigure() {
    if (!m_ok) QSKIP("no workspace");
    const QString html = reportText();
    QVERIFY(!html.isEmpty());
    for (const char* tab : {"motivation", "pre-training", "training", "post-training", "injection",
                            "conclusions"}) {
        QVERIFY2(html.contains(QStringLiteral("<section class=\"tab\" id=\"%1\">").arg(tab)), tab);
        QVERIFY2(html.contains(QStringLiteral("<a href=\"#%1\">").arg(tab)), tab);
    }
    QVERIFY(html.contains("<math display=\"block\">"));
    // The profile and the diagnostics were missing: the report computed them first.
    QCOMPARE(m_outcome["computed"].toArray().size(), 2);
    QCOMPARE(m_outcome["computed"][0].toString(), QString("profile:autompg"));
    QCOMPARE(m_outcome["computed"][1].toString(), QString("diagnostics:autompg"));
    QVERIFY(QFile::exists(m_ws.filePath("autompg/q6_2_1/prune_0.125/profile_post.json")));
    QVERIFY(QFile::exists(m_ws.filePath("autompg/q6_2_1/prune_0.125/diagnostics.json")));

    // Figures by kind (data-figure), per benchmark and ranker.
    QMap<QString, int> kinds;
    QMap<QString, QSet<QString>> perRanker;
    static const QRegularExpression fig(
        "<figure data-figure=\"([a-z-]+)\" data-benchmark=\"([a-z_]+)\"(?: data-ranker=\"([^\"]+)\")?>");
    int figures = 0;
    for (auto it = fig.globalMatch(html); it.hasNext();) {
        const auto m = it.next();
        QCOMPARE(m.captured(2), QString("autompg"));
        ++kinds[m.captured(1)];
        if (!m.captured(3).isEmpty()) perRanker[m.captured(3)].insert(m.captured(1));
        ++figures;
    }
    QCOMPARE(figures, m_outcome["figures"].toInt());
    QCOMPARE(html.count("<svg"), figures);
    // 3 dense layers (kernel, bias) + 2 apply_alpha (α, β): initial and trained.
    QCOMPARE(kinds["weights"], 2 * 10);
    // One output histogram per layer: 3 dense, 2 apply_alpha, 2 qrelu.
    QCOMPARE(kinds["activations"], 7);
    QCOMPARE(kinds["scatter"], 1); // regression: true vs predicted
    for (const char* k : {"target", "features", "history", "sparsity", "profile-histogram",
                          "profile-lorenz", "compare-ber", "compare-protection", "vus", "cost",
                          "overlap", "precision", "vus-pruning"})
        QVERIFY2(kinds[k] >= 1, k);
    QCOMPARE(kinds["profile-histogram"], 7); // every distribution of SPEC §6
    // Every ranker with experiments: its surfaces and its ranking's score along the rank.
    NullProgressSink sink;
    auto engine = computeComparison(
        {.model = {"autompg", QuantScheme(), 0.125, m_ws.path().toStdString()}}, sink);
    QVERIFY(engine.ok());
    const GroupComparison& g = engine->groups[shownGroupIndex(*engine)];
    QCOMPARE(g.rankers.size(), std::size_t(2));
    for (const RankerComparison& r : g.rankers)
        QCOMPARE(perRanker.value(QString::fromStdString(r.label)),
                 (QSet<QString>{"ranker-ber", "ranker-heatmap", "ranker-score"}));
}

void TestGuiReport::reportIsSelfContained() {
    if (!m_ok) QSKIP("no workspace");
    const QString html = reportText();
    QVERIFY(!html.contains("<script", Qt::CaseInsensitive));
    QVERIFY(!html.contains("<link", Qt::CaseInsensitive));
    // Nothing fetched: every src/href is a fragment or a data: URI (xmlns names are not fetched).
    static const QRegularExpression ref("\\b(?:src|href)=\"([^\"]*)\"");
    for (auto it = ref.globalMatch(html); it.hasNext();) {
        const QString target = it.next().captured(1);
        QVERIFY2(target.startsWith('#') || target.startsWith("data:"), qPrintable(target));
    }
    // Ids are unique across the inlined figures.
    static const QRegularExpression id("\\bid=\"([^\"]+)\"");
    QSet<QString> ids;
    for (auto it = id.globalMatch(html); it.hasNext();) {
        const QString i = it.next().captured(1);
        QVERIFY2(!ids.contains(i), qPrintable(i));
        ids.insert(i);
    }
    // Long series are decimated: the score along the rank of ~5 000 parameters × 6 bits is drawn
    // with at most kReportMaxPoints points (QCustomPlot's adaptive sampling may draw fewer).
    static const QRegularExpression poly("<polyline[^>]*points=\"([^\"]*)\"");
    qsizetype longest = 0;
    for (auto it = poly.globalMatch(html); it.hasNext();)
        longest = std::max(longest, it.next().captured(1).trimmed().count(' ') + 1);
    QVERIFY2(longest <= qsizetype(kReportMaxPoints), qPrintable(QString::number(longest)));
    QVERIFY(m_outcome["bytes"].toInt() < 20 * 1024 * 1024);
    // Written atomically: nothing else in the reports directory.
    QCOMPARE(QDir(m_ws.filePath("reports")).entryList(QDir::Files),
             QStringList{"q6_2_1_prune_0.125.html"});
}

void TestGuiReport::conclusionsAgreeWithTheEngine() {
    if (!m_ok) QSKIP("no workspace");
    const QString html = reportText();
    const QString conclusions = html.mid(html.indexOf("<section class=\"tab\" id=\"conclusions\">"));
    NullProgressSink sink;
    auto engine = computeComparison(
        {.model = {"autompg", QuantScheme(), 0.125, m_ws.path().toStdString()}}, sink);
    QVERIFY(engine.ok());
    const std::size_t gi = shownGroupIndex(*engine);
    const GroupComparison& g = engine->groups[gi];
    const std::size_t metric = engine->primary[gi];
    QCOMPARE(g.metrics[metric], std::string("mae"));
    const MetricSummary& s = g.summaries[metric];
    const QString best = QString::fromStdString(g.rankers[s.rows.front().ranker].label);
    const QString worst = QString::fromStdString(g.rankers[s.rows.back().ranker].label);
    QVERIFY(conclusions.contains("Best ranker by the VUS of mae (lower is better): <b>" + best));
    QVERIFY(conclusions.contains("Worst: <b>" + worst));
    // The sentences are the function's, and the protection table is the best ranker's cells.
    for (const QString& sentence : conclusionSentences(g, metric))
        QVERIFY2(conclusions.contains(sentence), qPrintable(sentence));
    const ProtectionGains gains = protectionGains(g, metric, 0.1);
    QCOMPARE(QString::fromStdString(gains.ranker), best);
    QCOMPARE(gains.rows.size(), g.grid.bers.size());
    QCOMPARE(gains.rows[0].protectionFrom, 0.0);
    QCOMPARE(gains.rows[0].protectionTo, 0.1);
    const RankerComparison& r = g.rankers[s.rows.front().ranker];
    QCOMPARE(gains.rows[1].to.value, r.metrics[metric].cells[1 * g.grid.bers.size() + 1].value);
}

void TestGuiReport::badRequestsAreRefused() {
    if (!m_ok) QSKIP("no workspace");
    test::Run r = cli({"report", "--quant", "q<6,2,1>", "--pruning", "0.5"}, m_ws.path());
    QCOMPARE(r.code, 1);
    QVERIFY2(test::errorLine(r).contains("no trained model with scheme q<6,2,1> and pruning 0.5"),
             qPrintable(r.err));
    QVERIFY(test::errorLine(r).contains(m_ws.path()));
    r = cli({"report", "--benchmark", "autompg"}, m_ws.path());
    QCOMPARE(r.code, 2);
    QVERIFY2(test::errorLine(r).contains("no --benchmark"), qPrintable(r.err));
    r = cli({"report", "--quant", "q<6,2"}, m_ws.path());
    QCOMPARE(r.code, 2);
}

void TestGuiReport::chromiumShowsEveryTab() {
    if (!m_ok) QSKIP("no workspace");
    const QString chromium = QStandardPaths::findExecutable("chromium");
    if (chromium.isEmpty()) QSKIP("chromium is not installed");
    // A copy of the report with a checking script appended (the report itself has none): it
    // switches to every tab through its link target, then reports which sections are shown and
    // whether every image (HTML <img> and the colour maps' <image> inside the SVGs) decodes.
    QTemporaryDir dir;
    const QString page = dir.filePath("check.html");
    QFile out(page);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(reportText().toUtf8());
    out.write(R"(<script>
window.addEventListener('load', async () => {
  const ids = [...document.querySelectorAll('nav a')].map(a => a.getAttribute('href').slice(1));
  for (const id of ids) {
    location.hash = '#' + id;
    const tab = document.getElementById(id);
    const shown = [...document.querySelectorAll('.tab')]
        .filter(t => getComputedStyle(t).display !== 'none').map(t => t.id);
    const imgs = [...tab.querySelectorAll('img')];
    let broken = imgs.filter(i => !i.complete || i.naturalWidth === 0).length;
    const inner = [...tab.querySelectorAll('svg image')];
    for (const im of inner) {
      const img = new Image();
      img.src = im.getAttribute('xlink:href') || im.getAttribute('href');
      try { await img.decode(); } catch (e) { ++broken; }
    }
    const figures = tab.querySelectorAll('svg.figure').length;
    const visible = [...tab.querySelectorAll('svg.figure')]
        .filter(s => s.getBoundingClientRect().width > 100).length;
    console.log('NETSURF-CHECK ' + JSON.stringify({id, shown, images: imgs.length + inner.length,
                                                   broken, figures, visible}));
  }
  console.log('NETSURF-CHECK-END');
});
</script>
)");
    out.close();
    QProcess p;
    p.start(chromium, {"--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                       "--v=0", "--virtual-time-budget=20000", "--dump-dom",
                       QUrl::fromLocalFile(page).toString()});
    QVERIFY(p.waitForFinished(180000));
    const QString log = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(log.contains("NETSURF-CHECK-END"), qPrintable(log.right(2000)));
    QVERIFY2(!log.contains("Uncaught"), qPrintable(log.right(2000)));
    static const QRegularExpression line("NETSURF-CHECK (\\{[^\"]*\"id\".*?\\})\", source");
    int tabs = 0, images = 0, figures = 0;
    for (auto it = line.globalMatch(log); it.hasNext();) {
        const QString json = it.next().captured(1).replace("\\\"", "\"");
        const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
        QVERIFY2(!o.isEmpty(), qPrintable(json));
        const QString id = o["id"].toString();
        QCOMPARE(o["shown"].toArray().size(), 1); // the tab switched: it alone is shown
        QCOMPARE(o["shown"][0].toString(), id);
        QVERIFY2(o["broken"].toInt() == 0, qPrintable(json));
        images += o["images"].toInt();
        figures += o["figures"].toInt();
        ++tabs;
    }
    QCOMPARE(tabs, 6);
    QVERIFY(images >= 2); // the heatmaps' colour maps
    QCOMPARE(figures, m_outcome["figures"].toInt());
}

void TestGuiReport::currentFilesAreReusedStaleOnesRecomputed() {
    if (!m_ok) QSKIP("no workspace");
    const QStringList report{"report", "--quant", "q<6,2,1>", "--pruning", "0.125", "--samples",
                             "200", "--json", "--quiet"};
    test::Run r = cli(report, m_ws.path());
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["computed"].toArray().size(), 0);
    // Retrained: the profile and the diagnostics of the old model are stale.
    r = cli({"train", "--benchmark", "autompg", "--quant", "q<6,2,1>", "--pruning", "0.125",
             "--epochs", "2", "--retrain", "--quiet"},
            m_ws.path());
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = cli(report, m_ws.path());
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["computed"].toArray().size(), 2);
}

QTEST_MAIN(TestGuiReport)
#include "tst_gui_report.moc"
