// Figure export: PNG, PDF and SVG files are written (non-empty, of the requested size), the CSV
// holds exactly the data the plot shows (parsed back and compared with the graphs, bars and
// colour-map cells; hidden graphs and empty cells left out), failures name the file and the
// reason and leave no file behind, "export all" writes one figure and one CSV per plot, and the
// export dialog round-trips its options.
#include "test_support.h"

#include <QComboBox>
#include <QImage>
#include <QStandardPaths>
#include <map>
#include <qcustomplot.h>

#include "widgets/export/export_dialog.h"
#include "widgets/export/plot_export.h"
#include "widgets/results/curve_plot.h"
#include "widgets/results/heatmap_plot.h"

using namespace netsurf;
using namespace netsurf::widgets;

namespace {

// A plot with what exports must handle: graphs (one hidden, one with a NaN gap), bars and a
// colour map with a categorical axis and an empty cell.
std::unique_ptr<QCustomPlot> samplePlot() {
    auto plot = std::make_unique<QCustomPlot>();
    plot->setObjectName("sample");
    plot->resize(800, 500);
    QCPGraph* a = plot->addGraph();
    a->setName("curve, \"a\"");
    a->setData({1e-3, 1e-2, 0.1}, {1.0 / 3, 0.1, 2.0 / 7});
    QCPGraph* hidden = plot->addGraph();
    hidden->setName("hidden");
    hidden->setData({1, 2}, {3, 4});
    hidden->setVisible(false);
    QCPGraph* gap = plot->addGraph();
    gap->setName("gap");
    gap->setData({1, 2, 3}, {0.5, std::nan(""), 0.25});
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName("bars");
    bars->setData({1, 2}, {0.7, 0.9});
    auto* map = new QCPColorMap(plot->xAxis2, plot->yAxis2);
    map->setName("map");
    map->data()->setSize(3, 2);
    map->data()->setRange({0, 2}, {0, 1});
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 2; ++j)
            map->data()->setCell(i, j, i == 1 && j == 1 ? std::nan("") : 10 * i + j + 0.125);
    auto ticks = QSharedPointer<QCPAxisTickerText>::create();
    ticks->addTick(0, "10⁻³");
    ticks->addTick(1, "10⁻²");
    ticks->addTick(2, "0.1");
    plot->xAxis2->setTicker(ticks);
    plot->rescaleAxes();
    plot->replot();
    return plot;
}

// A CSV line's fields (quotes as RFC 4180).
QStringList fields(const QString& line) {
    QStringList out{QString()};
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            out.back() += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            out << QString();
        } else {
            out.back() += c;
        }
    }
    return out;
}

struct CsvRow {
    QString series;
    double x, y;
    QString z, xTick;
};

std::vector<CsvRow> readCsv(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    std::vector<CsvRow> rows;
    for (int k = 1; k < lines.size(); ++k) {
        const QStringList f = fields(lines[k]);
        rows.push_back({f[0], f[1].toDouble(), f[2].toDouble(), f[3], f[4]});
    }
    return rows;
}

// What the CSV must hold: every visible graph's and bars' points (NaN left out), the map's cells.
std::vector<CsvRow> expectedRows(QCustomPlot& plot) {
    std::vector<CsvRow> rows;
    for (int k = 0; k < plot.plottableCount(); ++k) {
        QCPAbstractPlottable* p = plot.plottable(k);
        if (!p->visible()) continue;
        if (auto* g = qobject_cast<QCPGraph*>(p))
            for (const auto& d : *g->data())
                if (!std::isnan(d.value)) rows.push_back({g->name(), d.key, d.value, {}, {}});
        if (auto* b = qobject_cast<QCPBars*>(p))
            for (const auto& d : *b->data())
                rows.push_back({b->name(), d.key, d.value, {}, {}});
    }
    return rows;
}

} // namespace

class TestPlotExport : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void csvHoldsExactlyThePlottedData() {
        const auto plot = samplePlot();
        const QString file = m_dir.filePath("sample.csv");
        QCOMPARE(exportPlotCsv(plot.get(), file), QString());
        const std::vector<CsvRow> rows = readCsv(file);
        const std::vector<CsvRow> expected = expectedRows(*plot);
        std::size_t next = 0;
        for (const CsvRow& r : rows) {
            if (r.series == "map") continue;
            QVERIFY(next < expected.size());
            QCOMPARE(r.series, expected[next].series);
            QCOMPARE(r.x, expected[next].x); // exact: shortest round-trip text
            QCOMPARE(r.y, expected[next].y);
            ++next;
        }
        QCOMPARE(next, expected.size());
        QVERIFY(std::none_of(rows.begin(), rows.end(),
                             [](const CsvRow& r) { return r.series == "hidden"; }));
        std::vector<CsvRow> cells;
        std::copy_if(rows.begin(), rows.end(), std::back_inserter(cells),
                     [](const CsvRow& r) { return r.series == "map"; });
        QCOMPARE(cells.size(), std::size_t(5)); // 3 × 2 minus the empty cell
        for (const CsvRow& c : cells) {
            QCOMPARE(c.z.toDouble(), 10 * c.x + c.y + 0.125);
            QCOMPARE(c.xTick, QStringList({"10⁻³", "10⁻²", "0.1"})[int(c.x)]);
        }
    }

    void csvOfTheResultsPlotsIncludesCurvesBandsAndCleanLine() {
        std::vector<app::SweepCell> cells;
        for (double p : {0.0, 0.1})
            for (double b : {0.001, 0.01, 0.1}) {
                app::SweepCell c{.protection = p, .ber = b, .value = {}};
                c.value = sampleEstimate({0.9 - b - p / 10, 0.91 - b, 0.88 - b});
                cells.push_back(c);
            }
        const MetricFormat format = metricFormat("accuracy", "mnist_fnn");
        CurvePlot curves(CurveAxis::Ber);
        curves.setCells(cells, format, 0.95);
        HeatmapPlot heatmap;
        heatmap.setCells(cells, {0.001, 0.01, 0.1}, {0.0, 0.1}, format);
        for (QCustomPlot* plot : {(QCustomPlot*)&curves, (QCustomPlot*)&heatmap}) {
            plot->replot();
            const QString file = m_dir.filePath(plot->metaObject()->className() + QString(".csv"));
            QCOMPARE(exportPlotCsv(plot, file), QString());
            const auto rows = readCsv(file);
            const auto expected = expectedRows(*plot);
            if (plot == &heatmap) {
                QCOMPARE(rows.size(), std::size_t(6));
                QCOMPARE(rows[0].z.toDouble(), cells[0].value.value * 100);
                QCOMPARE(rows[0].xTick, QString("10⁻³"));
                continue;
            }
            QCOMPARE(rows.size(), expected.size());
            for (std::size_t k = 0; k < rows.size(); ++k) {
                QCOMPARE(rows[k].series, expected[k].series);
                QCOMPARE(rows[k].x, expected[k].x);
                QCOMPARE(rows[k].y, expected[k].y);
            }
            // 2 curves + 2 bands of 3 points, the clean line's 2
            QCOMPARE(rows.size(), std::size_t(2 * 3 * 3 + 2));
            QVERIFY(std::any_of(rows.begin(), rows.end(), [](const CsvRow& r) {
                return r.series == "clean" && r.y == 95.0;
            }));
        }
    }

    // Whiskers and boxes: the interval's ends at each point, the five numbers and the outliers.
    void csvHoldsErrorBarsAndBoxPlots() {
        QCustomPlot plot;
        auto* bars = new QCPBars(plot.xAxis, plot.yAxis);
        bars->setName("vus");
        bars->setData({1, 2}, {0.5, 0.25});
        auto* err = new QCPErrorBars(plot.xAxis, plot.yAxis);
        err->setDataPlottable(bars);
        err->setData({0.125, 0.0625}, {0.25, 0.125}); // minus, plus
        auto* box = new QCPStatisticalBox(plot.xAxis, plot.yAxis);
        box->setName("random");
        box->addData(3, 0.1, 0.2, 0.3, 0.4, 0.5, {0.9});
        const QString file = m_dir.filePath("whiskers.csv");
        QCOMPARE(exportPlotCsv(&plot, file), QString());
        std::map<QString, std::vector<std::pair<double, double>>> by;
        for (const CsvRow& r : readCsv(file))
            by[r.series].push_back({r.x, r.y});
        using Points = std::vector<std::pair<double, double>>;
        QCOMPARE(by["vus"], (Points{{1, 0.5}, {2, 0.25}}));
        QCOMPARE(by["vus (95 % CI low)"], (Points{{1, 0.375}, {2, 0.1875}}));
        QCOMPARE(by["vus (95 % CI high)"], (Points{{1, 0.75}, {2, 0.375}}));
        QCOMPARE(by["random (minimum)"], (Points{{3, 0.1}}));
        QCOMPARE(by["random (lower quartile)"], (Points{{3, 0.2}}));
        QCOMPARE(by["random (median)"], (Points{{3, 0.3}}));
        QCOMPARE(by["random (upper quartile)"], (Points{{3, 0.4}}));
        QCOMPARE(by["random (maximum)"], (Points{{3, 0.5}}));
        QCOMPARE(by["random (outlier)"], (Points{{3, 0.9}}));
        QCOMPARE(by.size(), std::size_t(9));
    }

    void figuresAreWritten_data() {
        QTest::addColumn<QString>("suffix");
        QTest::addColumn<int>("unit");
        QTest::addColumn<double>("width");
        QTest::addColumn<double>("height");
        QTest::addColumn<int>("dpi");
        QTest::addColumn<QSize>("pixels");
        QTest::newRow("png px") << "png" << int(SizeUnit::Pixels) << 1600.0 << 1000.0 << 96
                                << QSize(1600, 1000);
        QTest::newRow("png px hi-dpi")
            << "png" << int(SizeUnit::Pixels) << 1200.0 << 800.0 << 300 << QSize(1200, 800);
        QTest::newRow("png mm") << "png" << int(SizeUnit::Millimetres) << 88.0 << 66.0 << 300
                                << QSize(1039, 780);
        QTest::newRow("pdf mm") << "pdf" << int(SizeUnit::Millimetres) << 88.0 << 66.0 << 300
                                << QSize();
        QTest::newRow("pdf px") << "pdf" << int(SizeUnit::Pixels) << 1600.0 << 1000.0 << 96
                                << QSize();
        QTest::newRow("svg mm") << "svg" << int(SizeUnit::Millimetres) << 180.0 << 100.0 << 300
                                << QSize();
    }
    void figuresAreWritten() {
        QFETCH(QString, suffix);
        QFETCH(int, unit);
        QFETCH(double, width);
        QFETCH(double, height);
        QFETCH(int, dpi);
        QFETCH(QSize, pixels);
        const auto plot = samplePlot();
        const ExportOptions o{.format = formatOfSuffix(suffix),
                              .unit = SizeUnit(unit),
                              .width = width,
                              .height = height,
                              .dpi = dpi};
        const QString file =
            m_dir.filePath(QString(QTest::currentDataTag()).replace(' ', '-') + '.' + suffix);
        QCOMPARE(exportPlot(plot.get(), file, o), QString());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.size() > 1000);
        if (suffix == "png") {
            const QImage image(file);
            QCOMPARE(image.size(), pixels);
            QCOMPARE(std::lround(image.dotsPerMeterX() * 0.0254), long(dpi));
        } else if (suffix == "pdf") {
            QVERIFY(bytes.startsWith("%PDF-"));
        } else {
            QVERIFY(bytes.contains("<svg"));
            QVERIFY(bytes.contains("mm\" height=")); // a physical size (179.9 mm: whole px)
        }
        QCOMPARE(plot->width(), 800); // the widget keeps its own size
    }

    void failuresNameTheFileAndTheReason() {
        const auto plot = samplePlot();
        const QString file = m_dir.filePath("missing-directory/figure.png");
        const QString error = exportPlot(plot.get(), file, {});
        QVERIFY2(error.contains("missing-directory/figure.png"), qPrintable(error));
        QVERIFY2(error.section(": ", 1).size() > 3, qPrintable(error)); // a reason follows
        QVERIFY(!QFile::exists(file));
        const QString csv = m_dir.filePath("missing-directory/figure.csv");
        QVERIFY(exportPlotCsv(plot.get(), csv).contains("figure.csv"));
        QVERIFY(exportPlot(plot.get(), m_dir.filePath("zero.png"), {.width = 0}).contains("size"));
        QVERIFY(!QFile::exists(m_dir.filePath("zero.png")));
        // a failed export leaves an existing file as it was
        const QString existing = m_dir.filePath("existing.png");
        QFile f(existing);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("old");
        f.close();
        QVERIFY(!exportPlot(plot.get(), existing, {.dpi = 0}).isEmpty());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("old"));
    }

    void exportAllWritesOneFigureAndOneCsvPerPlot() {
        const auto a = samplePlot();
        const auto b = samplePlot();
        b->setObjectName("second");
        QCustomPlot unnamed;
        unnamed.addGraph()->setData({1, 2}, {3, 4});
        QStringList written;
        const QString dir = m_dir.filePath("all");
        QCOMPARE(exportPlots({a.get(), b.get(), &unnamed}, dir,
                             {.format = ExportFormat::Svg, .width = 400, .height = 300}, &written),
                 QString());
        QCOMPARE(written.size(), 6);
        for (const char* name : {"sample.svg", "sample.csv", "second.svg", "second.csv",
                                 "figure-3.svg", "figure-3.csv"})
            QVERIFY2(QFileInfo(QDir(dir).filePath(name)).size() > 0, name);
    }

    void dialogRoundTripsItsOptions() {
        ExportDialog dialog(ExportDialog::Target::File, "fig", QSize(640, 480));
        const ExportOptions o{.format = ExportFormat::Pdf,
                              .unit = SizeUnit::Millimetres,
                              .width = 88,
                              .height = 66,
                              .dpi = 300,
                              .csv = false};
        dialog.setOptions(o);
        const ExportOptions back = dialog.options();
        QCOMPARE(int(back.format), int(o.format));
        QCOMPARE(int(back.unit), int(o.unit));
        QCOMPARE(back.width, 88.0);
        QCOMPARE(back.height, 66.0);
        QCOMPARE(back.dpi, 300);
        QCOMPARE(back.csv, false);
        dialog.setPath("/tmp/x/fig.png");
        auto* format = dialog.findChild<QComboBox*>("format");
        format->setCurrentIndex(format->findData(int(ExportFormat::Svg)));
        QCOMPARE(dialog.path(), QString("/tmp/x/fig.svg")); // the suffix follows the format
    }
};

QTEST_MAIN(TestPlotExport)
#include "tst_gui_plot_export.moc"
