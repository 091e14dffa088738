// The HTML report (report.h): data gathering, the page skeleton and the tabs. Each figure is
// drawn by the function the GUI's page uses (compare_plots.h, overview_plots.h, curve_plot.h,
// heatmap_plot.h, profile_plots.h, model_plots.h, diagnostics_plots.h) into a fresh offscreen
// QCustomPlot and inlined as SVG (report_svg.h).
#include "widgets/report/report.h"

#include <QDateTime>
#include <QImage>
#include <QBuffer>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <qcustomplot.h>

#include "app/core/sweep_table.h"
#include "app/core/workspace_scan.h"
#include "engine/analysis/profile_stats.h"
#include "engine/core/file_io.h"
#include "engine/core/message_text.h"
#include "engine/core/sha256.h"
#include "engine/core/version.h"
#include "engine/inject/results_store.h"
#include "engine/jobs/diagnostics_job.h"
#include "engine/jobs/profile_job.h"
#include "engine/jobs/rank_jobs.h"
#include "engine/model/benchmarks.h"
#include "engine/storage/ranking_file.h"
#include "engine/storage/workspace.h"
#include "widgets/compare/compare_data.h"
#include "widgets/compare/compare_plots.h"
#include "widgets/compare/metric_labels.h"
#include "widgets/compare/overview_data.h"
#include "widgets/compare/overview_plots.h"
#include "widgets/compare/plot_style.h"
#include "widgets/diagnostics/diagnostics_plots.h"
#include "widgets/diagnostics/model_plots.h"
#include "widgets/profile/profile_plots.h"
#include "widgets/report/report_conclusions.h"
#include "widgets/report/report_svg.h"
#include "widgets/results/curve_plot.h"
#include "widgets/results/heatmap_plot.h"
#include "widgets/results/metric_format.h"

namespace fs = std::filesystem;

namespace netsurf::widgets {

namespace {

QString esc(const std::string& s) {
    return QString::fromStdString(s).toHtmlEscaped();
}
QString esc(const QString& s) {
    return s.toHtmlEscaped();
}

// The tabs, in order: id and title.
const std::vector<std::pair<QString, QString>>& tabs() {
    static const std::vector<std::pair<QString, QString>> t{
        {"motivation", QObject::tr("Motivation")},
        {"pre-training", QObject::tr("Pre-training analysis")},
        {"training", QObject::tr("Training")},
        {"post-training", QObject::tr("Post-training")},
        {"injection", QObject::tr("BER Injection")},
        {"conclusions", QObject::tr("Conclusions")}};
    return t;
}

QString css() {
    QString s = QStringLiteral(R"(
:root{--ink:#1d2433;--muted:#5b6477;--line:#d8dde6;--accent:#0072b2;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 "DejaVu Sans",system-ui,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#fff;border-bottom:1px solid var(--line);padding:14px 28px 0;position:sticky;top:0;z-index:2}
h1{font-size:21px;margin:0 0 2px}
.meta{color:var(--muted);font-size:13px;margin:0 0 10px}
nav{display:flex;gap:2px;flex-wrap:wrap}
nav a{padding:8px 16px;border:1px solid var(--line);border-bottom:none;border-radius:6px 6px 0 0;
  color:var(--muted);text-decoration:none;background:var(--bg);font-weight:600;font-size:14px}
nav a:hover{color:var(--ink)}
main{padding:18px 28px 40px;max-width:1500px}
.tab{display:none;scroll-margin-top:140px}
.tab:target{display:block}
main:not(:has(.tab:target)) #motivation{display:block}
h2{font-size:19px;margin:8px 0 12px}
h3{font-size:16px;margin:22px 0 8px}
details{background:#fff;border:1px solid var(--line);border-radius:8px;margin:0 0 14px;padding:0 16px}
details[open]{padding-bottom:12px}
summary{cursor:pointer;font-weight:700;font-size:16px;padding:10px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:10px 18px;align-items:start}
.grid.small{grid-template-columns:repeat(auto-fill,minmax(400px,1fr))}
figure{margin:6px 0;background:#fff}
figure svg.figure{width:100%;height:auto;display:block}
svg.figure text{font-family:"DejaVu Sans",sans-serif}
figcaption{font-size:13px;color:var(--muted);margin:2px 4px 8px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13.5px;background:#fff}
th,td{border:1px solid var(--line);padding:3px 9px;text-align:left;vertical-align:top}
th{background:#eef1f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{color:var(--muted);font-size:13.5px}
.warn{background:#fff6e5;border:1px solid #f0c36d;border-radius:6px;padding:6px 10px;font-size:13.5px}
.samples img{width:84px;height:84px;image-rendering:pixelated;border:1px solid var(--line);margin:2px}
.samples figure{display:inline-block;text-align:center;margin:2px 6px 2px 0}
math{font-size:1.15em}
ul.conclusions li{margin:4px 0}
footer{color:var(--muted);font-size:12px;padding:0 28px 24px}
)");
    // The active tab's link: the targeted one, or Motivation when none is.
    for (const auto& [id, title] : tabs())
        s += QStringLiteral("body:has(#%1:target) nav a[href=\"#%1\"]").arg(id) + ",";
    s += QStringLiteral("body:not(:has(.tab:target)) nav a[href=\"#motivation\"]"
                        "{background:#fff;color:var(--accent);border-color:var(--accent);"
                        "box-shadow:inset 0 3px 0 var(--accent)}\n");
    return s;
}

QString num(double v, int precision = 4) {
    if (!std::isfinite(v)) return QStringLiteral("—");
    return QString::number(v, 'g', precision);
}

struct TableBuilder {
    QString html;
    explicit TableBuilder(const QStringList& header) {
        html = QStringLiteral("<table><tr>");
        for (const QString& h : header)
            html += QStringLiteral("<th>%1</th>").arg(esc(h));
        html += QStringLiteral("</tr>");
    }
    // Cells are escaped; cells starting with '#' are numbers (right-aligned, '#' dropped).
    void row(const QStringList& cells) {
        html += QStringLiteral("<tr>");
        for (const QString& c : cells)
            html += c.startsWith(QLatin1Char('#'))
                        ? QStringLiteral("<td class=\"num\">%1</td>").arg(esc(c.mid(1)))
                        : QStringLiteral("<td>%1</td>").arg(esc(c));
        html += QStringLiteral("</tr>");
    }
    QString str() const { return html + QStringLiteral("</table>"); }
};

// What the report knows of one benchmark's model of the (scheme, pruning).
struct Bench {
    std::string name;
    ModelSelector selector;
    fs::path dir;
    std::optional<ModelFile> model;
    std::string checksum;
    std::optional<TrainingData> data;
    std::optional<HistoryTable> history;
    nlohmann::json pre, post;
    std::optional<ModelDiagnostics> diagnostics;
    std::optional<CompareData> compare;
    std::size_t group = 0;
    OverlapCurves overlap;
    std::vector<OverviewModel> prunings; // this benchmark and scheme, every pruning compared
    QStringList problems;                // what could not be read, and why
};

class CollectingSink final : public ProgressSink {
public:
    explicit CollectingSink(ProgressSink& outer) : m_outer(outer) {}
    void progress(const Progress& p) override { m_outer.progress(p); }
    void warning(const std::string& m) override { warnings.push_back(m); }
    std::vector<std::string> warnings;

private:
    ProgressSink& m_outer;
};

class ReportWriter {
public:
    ReportWriter(const ReportRequest& r, ProgressSink& sink, std::stop_token stop)
        : m_request(r), m_sink(sink), m_stop(std::move(stop)) {
        m_workspace = r.workspace.empty() ? defaultWorkspaceDir() : r.workspace;
    }

    Result<ReportOutcome> run();

private:
    void stage(const std::string& detail, std::int64_t done, std::int64_t total) {
        m_sink.progress({"report", done, total, detail});
    }
    Status gather(Bench& b);
    void computeComparisons(Bench& b);

    // A fresh offscreen plot prepared like the pages' panels, drawn by `draw`, inlined.
    template <class Draw>
    QString figure(const char* kind, const QString& title, const QString& caption, Draw&& draw, double w = 170,
                   double h = 92) {
        QCustomPlot plot;
        plot.resize(900, 500);
        preparePlot(&plot, title);
        draw(&plot);
        return inlineFigure(kind, &plot, caption, w, h);
    }
    // <figure data-figure="kind" data-benchmark=… data-ranker=…>: what it shows, for the tests
    // and for anyone scripting over a report.
    QString inlineFigure(const char* kind, QCustomPlot* plot, const QString& caption, double w,
                         double h) {
        plot->replot();
        const QString svg = m_svg.render(plot, w, h);
        if (svg.isEmpty()) {
            m_outcome.warnings.push_back("a figure could not be rendered: " + caption.toStdString());
            return {};
        }
        QString attributes = QStringLiteral(" data-figure=\"%1\"").arg(QLatin1String(kind));
        if (!m_bench.isEmpty()) attributes += QStringLiteral(" data-benchmark=\"%1\"").arg(esc(m_bench));
        if (!m_ranker.isEmpty()) attributes += QStringLiteral(" data-ranker=\"%1\"").arg(esc(m_ranker));
        return QStringLiteral("<figure%1>%2<figcaption>Figure %3. %4</figcaption></figure>\n")
            .arg(attributes, svg)
            .arg(m_svg.count())
            .arg(caption);
    }

    QString motivation() const;
    QString preTraining();
    QString training();
    QString postTraining();
    QString injection();
    QString conclusions();

    QString schemeTable() const;
    QString datasetSection(const Bench& b);
    QString modelTable(const Model& m) const;
    QString weightHistograms(const std::vector<TensorDiagnostics>& tensors, const QString& when);
    QString profileTable(const nlohmann::json& profile, const nlohmann::json* pre) const;
    QString injectionOf(const Bench& b);
    QString diagnosticsTraining(const Bench& b);
    QString diagnosticsPost(const Bench& b);
    static QString missing(const Bench&, const QString& what) {
        return QStringLiteral("<p class=\"note\">%1</p>").arg(esc(what));
    }

    ReportRequest m_request;
    ProgressSink& m_sink;
    std::stop_token m_stop;
    fs::path m_workspace;
    std::vector<Bench> m_benches;
    SvgFigures m_svg;
    ReportOutcome m_outcome;
    QString m_bench, m_ranker; // what the figures being written belong to
};

Status ReportWriter::gather(Bench& b) {
    CollectingSink sink(m_sink);
    auto file = loadModelFile(b.dir / "model.json");
    if (!file) return file.error();
    b.model = std::move(*file);
    if (auto sum = sha256File(b.dir / "model.json")) b.checksum = *sum;
    auto data = loadTrainingData(*b.model, m_request.data, sink);
    if (data) {
        b.data = std::move(*data);
    } else {
        b.problems << QString::fromStdString(data.error().message);
    }
    if (fs::exists(b.dir / "history.csv")) {
        auto h = readHistoryCsv(b.dir / "history.csv");
        if (h)
            b.history = std::move(*h);
        else
            b.problems << QString::fromStdString(h.error().message);
    }
    // The robustness profile: computed now when missing (and asked for).
    QString error;
    b.pre = readProfileFile(b.dir / "profile_pre.json", &error);
    b.post = readProfileFile(b.dir / "profile_post.json", &error);
    // Files computed for an earlier model of this directory (retrained since) are stale.
    const bool profileCurrent = profileFilesCurrent(b.dir, b.checksum, std::nullopt);
    if (!b.pre.is_null() && !b.post.is_null() && !profileCurrent) {
        if (!m_request.computeMissing)
            b.problems << QObject::tr("the profile files of %1 were computed for an earlier "
                                      "model.json (retrained since); run netsurf-cli profile")
                              .arg(QString::fromStdString(b.dir.string()));
        else
            b.pre = b.post = nullptr; // recomputed below
    }
    if ((b.pre.is_null() || b.post.is_null()) && m_request.computeMissing && b.data) {
        stage("profile " + b.name, 0, 1);
        auto p = runProfileJob({b.selector, m_request.profileSamples, m_request.threads,
                                m_request.data},
                               sink, m_stop);
        if (p) {
            m_outcome.computed.push_back("profile:" + b.name);
            error.clear();
            b.pre = readProfileFile(b.dir / "profile_pre.json", &error);
            b.post = readProfileFile(b.dir / "profile_post.json", &error);
        } else {
            if (p.error().kind == ErrorKind::Cancelled) return p.error();
            error = QString::fromStdString(p.error().message);
        }
    }
    if (!error.isEmpty()) b.problems << error;
    // The diagnostics (test split, layer outputs, weights): computed now when missing.
    const fs::path diagnostics = b.dir / "diagnostics.json";
    bool diagnosticsCurrent = false;
    if (fs::exists(diagnostics))
        if (auto d = readDiagnosticsFile(diagnostics))
            diagnosticsCurrent = d->provenance.value("model_checksum", "") == b.checksum;
    if (!diagnosticsCurrent && m_request.computeMissing && b.data) {
        stage("diagnostics " + b.name, 0, 1);
        auto d = runDiagnosticsJob({.model = b.selector, .threads = m_request.threads,
                                    .data = m_request.data},
                                   sink, m_stop);
        if (d)
            m_outcome.computed.push_back("diagnostics:" + b.name);
        else if (d.error().kind == ErrorKind::Cancelled)
            return d.error();
        else
            b.problems << QString::fromStdString(d.error().message);
    }
    if (fs::exists(diagnostics)) {
        auto d = readDiagnosticsFile(diagnostics);
        if (d && d->provenance.value("model_checksum", "") != b.checksum)
            b.problems << QObject::tr("%1 was computed for an earlier model.json (retrained "
                                      "since); run netsurf-cli diagnose")
                              .arg(QString::fromStdString(diagnostics.string()));
        if (d)
            b.diagnostics = std::move(*d);
        else
            b.problems << QString::fromStdString(d.error().message);
    }
    for (const std::string& w : sink.warnings)
        b.problems << QString::fromStdString(w);
    computeComparisons(b);
    return {};
}

void ReportWriter::computeComparisons(Bench& b) {
    if (!fs::is_directory(b.dir / "experiments")) return;
    auto c = loadCompareData(b.selector, "qpolargrad", m_stop);
    if (!c) {
        b.problems << QString::fromStdString(c.error().message);
        return;
    }
    b.compare = std::move(*c);
    b.group = shownGroupIndex(b.compare->outcome);
    for (const std::string& w : b.compare->warnings)
        b.problems << QString::fromStdString(w);
    b.overlap = computeOverlapCurves(*b.compare->rankings, b.compare->baselineId, true, m_stop);
    // VUS across the pruning levels of this benchmark and scheme.
    NullProgressSink quiet;
    for (const ModelSelector& sel : modelsWithExperiments(m_workspace)) {
        if (sel.benchmark != b.name || !(sel.scheme == b.selector.scheme)) continue;
        if (sel.pruning == b.selector.pruning) {
            b.prunings.push_back(overviewModelOf(sel, b.compare->outcome));
            continue;
        }
        auto o = computeComparison({.model = sel, .rankingOverlap = false}, quiet, m_stop);
        if (o) b.prunings.push_back(overviewModelOf(sel, *o));
    }
}

QString ReportWriter::motivation() const {
    return QObject::tr(R"(<h2>Why rank bits at all</h2>
<p>A radiation-induced upset flips one stored bit of one weight. In a fixed-point weight
<i>w<sub>p</sub></i> of scheme q&lt;m,n,s&gt; that flip changes the value by a known amount
<i>δ<sub>p,b</sub></i>: the bit's weight 2<sup>e</sup> with the sign of the flip (−2<sup>n</sup> for
the sign bit). Protecting every bit (triple modular redundancy, ECC) costs area and power, so a
designer protects a fraction and needs to know which bits matter most.</p>
<p>The network's loss <i>L</i> after a small change <i>δ</i> of its weights follows the Taylor expansion</p>
<math display="block"><mrow><mi>Δ</mi><mi>L</mi><mo>≈</mo><msup><mi>g</mi><mi>T</mi></msup><mi>δ</mi>
<mo>+</mo><mfrac><mn>1</mn><mn>2</mn></mfrac><msup><mi>δ</mi><mi>T</mi></msup><mi>H</mi><mi>δ</mi></mrow></math>
<p>with <i>g</i> = ∂<i>L</i>/∂<i>w</i> the gradient and <i>H</i> the Hessian. For a single flip,
<i>δ</i> = <i>δ<sub>p,b</sub></i> <i>e<sub>p</sub></i>, and the expansion becomes</p>
<math display="block"><mrow><mi>Δ</mi><msub><mi>L</mi><mrow><mi>p</mi><mo>,</mo><mi>b</mi></mrow></msub>
<mo>≈</mo><msub><mi>g</mi><mi>p</mi></msub><msub><mi>δ</mi><mrow><mi>p</mi><mo>,</mo><mi>b</mi></mrow></msub>
<mo>+</mo><mfrac><mn>1</mn><mn>2</mn></mfrac><msub><mi>H</mi><mrow><mi>p</mi><mi>p</mi></mrow></msub>
<msubsup><mi>δ</mi><mrow><mi>p</mi><mo>,</mo><mi>b</mi></mrow><mn>2</mn></msubsup></mrow></math>
<p>Each term suggests a ranker. The first says that a bit matters when the loss is steep in its
weight and the flip is large: <code>grad</code>, <code>grad_norm</code> and <code>graddelta</code>
score |<i>g<sub>p</sub></i>|, global order multiplies by |<i>δ</i>|. At a trained minimum the
gradient is small and the second term dominates: <code>fisher</code> uses the empirical Fisher
diagonal (the mean squared per-sample gradient, an estimate of <i>H<sub>pp</sub></i> near a
minimum) times <i>δ</i><sup>2</sup>; <code>hessian</code> and <code>hessiandelta</code> use the top
eigenpairs of <i>H</i>; <code>taylor</code> takes both terms with the exact or Hutchinson-estimated
diagonal. <code>qpolar</code> and <code>qpolargrad</code> propagate the flip through the layer's
input activations. Simple baselines (<code>random</code>, <code>bitwise_msb</code>,
<code>bitwise_lsb</code>, <code>weight_abs_value</code>) tell whether the analysis is worth its
cost.</p>
<p>The expansion is only local. The quantized network is piecewise constant, so every gradient
above is taken on the straight-through surrogate (SPEC §2), and a sign-bit flip moves a weight by
2<sup>n</sup>, far outside any quadratic neighbourhood. The <code>oracle</code> therefore measures
the exact Δ<i>L</i> of every single flip on the hardware-faithful network; it is the ground truth
for single flips, and the injection sweeps of the BER Injection tab test every ranking where it
matters: many bits flipping together at a given bit error rate (BER) while the top fraction of
the ranking is protected.</p>
<p>How to read this report: <b>Pre-training</b> shows the data, the model and its initial weights
against the scheme's range; <b>Training</b> the learning curves and the trained model's quality;
<b>Post-training</b> the trained weights, sparsity, activations and the robustness profile;
<b>BER Injection</b> every ranking's metric over the BER × protection grid and the comparison of
the rankers; <b>Conclusions</b> what the numbers say.</p>)");
}

QString ReportWriter::schemeTable() const {
    const QuantScheme& q = m_request.scheme;
    TableBuilder t({QObject::tr("scheme"), "m", "n", "s", "f", QObject::tr("LSB"),
                    QObject::tr("range [Qmin, Qmax]"), QObject::tr("quantized ReLU"),
                    QObject::tr("pruning")});
    t.row({QString::fromStdString(q.str()), QStringLiteral("#%1").arg(q.m()),
           QStringLiteral("#%1").arg(q.n()), QStringLiteral("#%1").arg(q.s()),
           QStringLiteral("#%1").arg(q.f()), "#" + num(q.lsb()),
           QStringLiteral("[%1, %2]").arg(num(q.minValue()), num(q.maxValue())),
           QObject::tr("[0, %1], step %2").arg(num(q.qreluMax()), num(q.qreluStep())),
           QStringLiteral("%1 %").arg(100 * m_request.pruning)});
    return t.str() +
           QObject::tr("<p class=\"note\">Every kept weight is stored on m = %1 bits (two's "
                       "complement, bit 0 = MSB%2); pruned weights are not stored and cannot "
                       "flip.</p>")
               .arg(q.m())
               .arg(q.isSigned() ? QObject::tr(", the sign bit") : QString());
}

QString ReportWriter::datasetSection(const Bench& b) {
    if (!b.data) return missing(b, QObject::tr("The dataset could not be loaded (see the notes above)."));
    const Dataset& d = b.data->data;
    QString html = QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Dataset"));
    TableBuilder t({QObject::tr("dataset"), QObject::tr("source"), QObject::tr("task"),
                    QObject::tr("input"), QObject::tr("training rows"),
                    QObject::tr("validation rows"), QObject::tr("test rows"),
                    QObject::tr("checksum")});
    QStringList shape;
    for (int s : d.inputShape)
        shape << QString::number(s);
    t.row({QString::fromStdString(d.name),
           QStringLiteral("%1 (%2)").arg(toString(d.source), QString::fromStdString(d.sourceDetail)),
           d.task == TaskKind::Classification ? QObject::tr("classification, %1 classes").arg(d.classes)
                                              : QObject::tr("regression of %1").arg(QString::fromStdString(d.targetName)),
           shape.join(QStringLiteral(" × ")), QStringLiteral("#%1").arg(b.data->splits.train.size()),
           QStringLiteral("#%1").arg(b.data->splits.validation.size()),
           QStringLiteral("#%1").arg(d.testX.rows()), QString::fromStdString(d.checksum.substr(0, 12))});
    html += t.str();
    if (d.source == DataSourceKind::Simulated)
        html += QObject::tr("<p class=\"warn\">Simulated data: the smart-pixel clusters come from "
                            "NetSurf's seeded simulator, not from the public detector dataset "
                            "(docs/datasets.md).</p>");
    if (d.inputShape.size() == 2) {
        // Sample images: the first training image of each class, as the model's input grid.
        html += QStringLiteral("<div class=\"samples\">");
        const int w = d.inputShape[1], h = d.inputShape[0];
        const double lo = d.trainX.minCoeff(), hi = d.trainX.maxCoeff();
        std::vector<bool> shown(std::size_t(std::max(d.classes, 1)), false);
        for (Eigen::Index i = 0; i < d.trainX.rows(); ++i) {
            const int c = int(d.trainY[i]);
            if (c < 0 || c >= int(shown.size()) || shown[std::size_t(c)]) continue;
            shown[std::size_t(c)] = true;
            QImage img(w, h, QImage::Format_Grayscale8);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const double v = hi > lo ? (d.trainX(i, y * w + x) - lo) / (hi - lo) : 0;
                    img.setPixel(x, y, qRgb(int(255 * (1 - v)), int(255 * (1 - v)), int(255 * (1 - v))));
                }
            QBuffer buf;
            buf.open(QIODevice::WriteOnly);
            img.save(&buf, "PNG");
            html += QStringLiteral("<figure><img alt=\"class %1\" src=\"data:image/png;base64,%2\">"
                                   "<figcaption>class %1</figcaption></figure>")
                        .arg(c)
                        .arg(QString::fromLatin1(buf.data().toBase64()));
        }
        html += QStringLiteral("</div><p class=\"note\">%1</p>")
                    .arg(QObject::tr("The first training image of each class (dark = high)."));
    }
    html += QStringLiteral("<div class=\"grid\">");
    html += figure("target", d.task == TaskKind::Classification ? QObject::tr("Class balance")
                                                      : QObject::tr("Target distribution"),
                   d.task == TaskKind::Classification
                       ? QObject::tr("Share of each class in the training and test splits.")
                       : QObject::tr("Histogram of the regression target in both splits."),
                   [&](QCustomPlot* p) { drawTargetBalance(p, d); }, 150, 80);
    if (d.inputShape.size() == 1)
        html += figure("features", QObject::tr("Input features"),
                       QObject::tr("Per feature, the training split's raw values scaled by "
                                   "their min/max (box: quartiles; whiskers: 1.5 IQR)."),
                       [&](QCustomPlot* p) { drawFeatureBoxes(p, d); }, 170, 92);
    html += QStringLiteral("</div>");
    return html;
}

QString ReportWriter::modelTable(const Model& m) const {
    TableBuilder t({QObject::tr("layer"), QObject::tr("kind"), QObject::tr("shape"),
                    QObject::tr("parameters"), QObject::tr("kept"), QObject::tr("stored bits")});
    std::size_t total = 0, totalKept = 0;
    for (const Layer& l : m.layers) {
        std::size_t params = 0, kept = 0;
        for (int ti : {l.kernel, l.bias, l.alpha, l.beta, l.gamma}) {
            if (ti < 0) continue;
            const Tensor& tn = m.tensors[std::size_t(ti)];
            if (!tn.trainable) continue;
            params += std::size_t(tn.size());
            for (Eigen::Index i = 0; i < tn.size(); ++i)
                kept += tn.kept(i);
        }
        total += params;
        totalKept += kept;
        t.row({QString::fromStdString(l.name), toString(l.kind),
               QStringLiteral("%1 → %2").arg(l.in).arg(l.out), QStringLiteral("#%1").arg(params),
               QStringLiteral("#%1").arg(kept),
               QStringLiteral("#%1").arg(kept * std::size_t(m.scheme.m()))});
    }
    t.row({QObject::tr("total"), QString(), QString(), QStringLiteral("#%1").arg(total),
           QStringLiteral("#%1").arg(totalKept),
           QStringLiteral("#%1").arg(totalKept * std::size_t(m.scheme.m()))});
    return t.str();
}

QString ReportWriter::weightHistograms(const std::vector<TensorDiagnostics>& tensors,
                                       const QString& when) {
    QString html = QStringLiteral("<div class=\"grid small\">");
    for (const TensorDiagnostics& t : tensors) {
        const QString name = QString::fromStdString(t.tensor);
        html += figure("weights", QString(),
                       QObject::tr("%1 values of %2 on the scheme's grid, against [Qmin, Qmax] "
                                   "(dashed).")
                           .arg(when.left(1).toUpper() + when.mid(1), esc(name)),
                       [&](QCustomPlot* p) { drawTensorValues(p, t, when); }, 120, 70);
    }
    html += QStringLiteral("</div>");
    TableBuilder table({QObject::tr("tensor"), QObject::tr("kept"), QObject::tr("min"),
                        QObject::tr("max"), QObject::tr("mean"), QObject::tr("std"),
                        QObject::tr("[Qmin, Qmax]"), QObject::tr("at Qmin"), QObject::tr("at Qmax")});
    for (const TensorDiagnostics& t : tensors)
        table.row({QString::fromStdString(t.tensor), QStringLiteral("#%1").arg(t.kept),
                   "#" + num(t.min), "#" + num(t.max), "#" + num(t.mean), "#" + num(t.std),
                   QStringLiteral("[%1, %2]").arg(num(t.qmin), num(t.qmax)),
                   QStringLiteral("#%1 %").arg(100 * t.atQmin, 0, 'f', 2),
                   QStringLiteral("#%1 %").arg(100 * t.atQmax, 0, 'f', 2)});
    return html + table.str();
}

QString ReportWriter::profileTable(const nlohmann::json& profile, const nlohmann::json* pre) const {
    QStringList header{QObject::tr("distribution"), "n"};
    const std::vector<std::string> stats{"mean", "std", "min", "max", "entropy", "skewness",
                                         "kurtosis", "gini", "l1", "l2"};
    for (const std::string& s : stats)
        header << QString::fromStdString(s);
    if (pre) header << QObject::tr("cosine") << QObject::tr("Gini shift") << QObject::tr("sym. KL");
    TableBuilder t(header);
    for (const std::string& name : profileDistributionNames()) {
        if (!profile["distributions"].contains(name)) continue;
        const auto& d = profile["distributions"][name];
        QStringList row{distributionTitle(name), QStringLiteral("#%1").arg(d["n"].get<std::size_t>())};
        for (const std::string& s : stats)
            row << "#" + statText(d.contains(s) ? d[s] : nlohmann::json());
        if (pre) {
            const auto& div = profile["divergence_from_pre"][name];
            row << "#" + statText(div["cosine"]) << "#" + statText(div["gini_shift"])
                << "#" + statText(div["symmetric_kl"]);
        }
        t.row(row);
    }
    return t.str();
}

QString ReportWriter::preTraining() {
    QString html = QStringLiteral("<h2>%1</h2>").arg(QObject::tr("Quantization scheme")) + schemeTable();
    for (Bench& b : m_benches) {
        m_bench = QString::fromStdString(b.name);
        if (m_stop.stop_requested()) break;
        html += QStringLiteral("<details open><summary>%1</summary>").arg(esc(b.name));
        if (!b.problems.isEmpty()) {
            html += QStringLiteral("<div class=\"warn\"><b>%1</b><ul>").arg(QObject::tr("Notes"));
            for (const QString& p : b.problems)
                html += QStringLiteral("<li>%1</li>").arg(esc(p));
            html += QStringLiteral("</ul></div>");
        }
        html += datasetSection(b);
        html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Model")) + modelTable(b.model->model);
        html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Initial weights"));
        if (b.diagnostics)
            html += QObject::tr("<p class=\"note\">The quantized Glorot-uniform initial weights "
                                "the trainer started from (seed %1), nothing pruned yet.</p>")
                        .arg(b.model->provenance.seed) +
                    weightHistograms(b.diagnostics->initialTensors, QObject::tr("initial"));
        else
            html += missing(b, QObject::tr("No diagnostics.json (netsurf-cli diagnose computes "
                                           "it, with the initial weights)."));
        html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Robustness profile before training"));
        if (b.pre.is_null())
            html += missing(b, QObject::tr("No profile (netsurf-cli profile computes it)."));
        else
            html += QObject::tr("<p class=\"note\">SPEC §6 statistics of each distribution on %1 "
                                "training rows, initial weights.</p>")
                        .arg(b.pre["samples"].get<std::size_t>()) +
                    profileTable(b.pre, nullptr);
        html += QStringLiteral("</details>");
    }
    return html;
}

QString ReportWriter::training() {
    QString html = QStringLiteral("<h2>%1</h2>").arg(QObject::tr("Training"));
    for (Bench& b : m_benches) {
        m_bench = QString::fromStdString(b.name);
        if (m_stop.stop_requested()) break;
        const ModelProvenance& pv = b.model->provenance;
        html += QStringLiteral("<details open><summary>%1</summary>").arg(esc(b.name));
        TableBuilder t({QObject::tr("epochs run / configured"), QObject::tr("best epoch"),
                        QObject::tr("early stop"), QObject::tr("training time"),
                        QObject::tr("test loss"), QObject::tr("test metrics"),
                        QObject::tr("trained")});
        QStringList metrics;
        for (const auto& [k, v] : b.model->testMetrics)
            metrics << QStringLiteral("%1 %2").arg(QString::fromStdString(k), num(v));
        t.row({QStringLiteral("#%1 / %2").arg(pv.epochsRun).arg(pv.epochs),
               QStringLiteral("#%1").arg(pv.bestEpoch), pv.earlyStopped ? "yes" : "no",
               QStringLiteral("#%1 s").arg(pv.trainSeconds, 0, 'f', 1), "#" + num(b.model->testLoss),
               metrics.join(", "), QString::fromStdString(pv.date)});
        html += t.str();
        if (!b.history) {
            html += missing(b, QObject::tr("No history.csv next to the model."));
        } else {
            const HistoryTable& h = *b.history;
            html += QStringLiteral("<div class=\"grid\">");
            for (const HistoryView& v : historyViews(h, b.name))
                html += figure("history", QString(), v.caption,
                               [&](QCustomPlot* p) { drawHistoryView(p, h, v); });
            html += QStringLiteral("</div>");
            if (h.column("fisher_trace").empty())
                html += missing(b, QObject::tr("This model's history.csv predates the α/β, "
                                               "range-penalty and Fisher-trace columns; retrain "
                                               "it to see them."));
        }
        html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Quality on the test split"));
        html += diagnosticsTraining(b);
        html += QStringLiteral("</details>");
    }
    return html;
}

QString ReportWriter::postTraining() {
    QString html = QStringLiteral("<h2>%1</h2>").arg(QObject::tr("Post-training"));
    for (Bench& b : m_benches) {
        m_bench = QString::fromStdString(b.name);
        if (m_stop.stop_requested()) break;
        const Model& m = b.model->model;
        html += QStringLiteral("<details open><summary>%1</summary>").arg(esc(b.name));
        if (b.diagnostics) {
            html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Trained weights")) +
                    weightHistograms(b.diagnostics->tensors, QObject::tr("trained"));
            html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Sparsity per tensor"));
            html += figure("sparsity", QString(),
                           QObject::tr("Share of each trainable tensor pruned (not stored) and "
                                       "kept with value 0 (stored, can flip). Kernel sparsity "
                                       "%1 % (target %2 %).")
                               .arg(100 * m.kernelSparsity(), 0, 'f', 1)
                               .arg(100 * b.model->pruning),
                           [&](QCustomPlot* p) { drawSparsity(p, b.diagnostics->sparsity); },
                           170, 80);
        } else {
            html += missing(b, QObject::tr("No diagnostics.json (netsurf-cli diagnose computes "
                                           "the weights, sparsity and activations)."));
        }
        html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Activations and ranges"));
        html += diagnosticsPost(b);
        html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Robustness profile after training"));
        if (b.post.is_null() || b.pre.is_null()) {
            html += missing(b, QObject::tr("No profile (netsurf-cli profile computes it)."));
        } else {
            html += QObject::tr("<p class=\"note\">Statistics after training and the divergence "
                                "from the profile before training (cosine similarity of the "
                                "statistic vectors, Gini shift, symmetric KL).</p>") +
                    profileTable(b.post, &b.pre);
            html += QStringLiteral("<div class=\"grid\">");
            for (const std::string& name : profileDistributionNames()) {
                if (!b.post["distributions"].contains(name) || !b.pre["distributions"].contains(name))
                    continue;
                const auto& pre = b.pre["distributions"][name];
                const auto& post = b.post["distributions"][name];
                html += figure("profile-histogram", QString(), QObject::tr("%1 before and after training.")
                                              .arg(esc(distributionTitle(name))),
                               [&](QCustomPlot* p) { drawProfileHistogram(p, pre, post, name); },
                               170, 90);
                html += figure("profile-lorenz", QString(), QObject::tr("Lorenz curves of |%1| with the Gini "
                                                      "coefficients.")
                                              .arg(esc(QString::fromStdString(name))),
                               [&](QCustomPlot* p) { drawProfileLorenz(p, pre, post, name); },
                               170, 90);
            }
            html += QStringLiteral("</div>");
        }
        html += QStringLiteral("</details>");
    }
    return html;
}

QString ReportWriter::injectionOf(const Bench& b) {
    const GroupComparison& g = b.compare->outcome.groups[b.group];
    const std::size_t primary = b.compare->outcome.primary[b.group];
    const std::string metric = g.metrics[primary];
    const MetricChoice m{primary, metricAxisLabel(metric, g.key.benchmark, g.key.metricNames)};
    const QString mname = metricTitle(metric);
    QString html = QObject::tr("<p class=\"note\">Experiments: %1; grid %2 protection levels × "
                               "%3 BERs; metric: %4. %5 rankers.</p>")
                       .arg(esc(describe(g.key)))
                       .arg(g.grid.protections.size())
                       .arg(g.grid.bers.size())
                       .arg(esc(mname))
                       .arg(g.rankers.size());
    // Per method: its own surfaces, and its ranking's score along the rank.
    html += QStringLiteral("<h3>%1</h3>").arg(QObject::tr("Per ranker"));
    std::optional<Model> model;
    for (const RankerComparison& r : g.rankers) {
        m_ranker = QString::fromStdString(r.label);
        if (m_stop.stop_requested()) break;
        // The first ranker open, the others a click away.
        html += QStringLiteral("<details%1><summary>%2</summary><div class=\"grid\">")
                    .arg(&r == &g.rankers.front() ? QStringLiteral(" open") : QString(), esc(r.label));
        std::vector<std::string> warnings;
        auto results = loadResultsFile(r.path, &warnings);
        if (!results) {
            html += QStringLiteral("</div>") + missing(b, QString::fromStdString(results.error().message)) +
                    QStringLiteral("</details>");
            continue;
        }
        app::SweepTable table;
        table.reset(*results);
        const std::vector<app::SweepCell> cells = table.cells(metric);
        const MetricFormat format = metricFormat(metric, b.name);
        const double clean = table.cleanValue(metric);
        CurvePlot ber(CurveAxis::Ber);
        ber.resize(900, 500);
        ber.setCells(cells, format, clean);
        html += inlineFigure("ranker-ber", &ber, QObject::tr("%1: %2 vs BER, one curve per protection level "
                                               "(95 % CI bands); dashed: the clean model.")
                                       .arg(esc(r.label), esc(mname)),
                             170, 95);
        HeatmapPlot heat;
        heat.resize(900, 500);
        heat.setCells(cells, table.bers(), table.protections(), format);
        html += inlineFigure("ranker-heatmap", &heat, QObject::tr("%1: mean %2 over the BER × protection grid.")
                                        .arg(esc(r.label), esc(mname)),
                             170, 95);
        // The ranking's score along the rank (from its ranking file).
        const fs::path file = rankingsDirectory(b.dir) / (r.method + "-" + r.order + "-" + r.rankingId + ".csv");
        auto ranking = fs::exists(file) ? loadRankingFile(file, b.model->model, b.checksum)
                                        : Result<Ranking>(Error::data("no ranking file " + quoteValue(file.string())));
        if (ranking) {
            std::vector<double> scores;
            scores.reserve(ranking->rows.size());
            for (const RankedBit& bit : ranking->rows)
                scores.push_back(bit.score);
            html += figure("ranker-score", QObject::tr("%1: score along the rank").arg(QString::fromStdString(r.label)),
                           QObject::tr("The sort key of %1 against the rank (%2 bits, %3 order%4).")
                               .arg(esc(r.label))
                               .arg(scores.size())
                               .arg(esc(r.order))
                               .arg(r.order == "plane" ? QObject::tr(": the score restarts in "
                                                                     "every bit plane")
                                                       : QString()),
                           [&](QCustomPlot* p) {
                               drawScoreAlongRank(p, scores, QString::fromStdString(r.label), r.method);
                           });
        } else {
            html += QStringLiteral("</div>") + missing(b, QString::fromStdString(ranking.error().message)) +
                    QStringLiteral("<div>");
        }
        html += QStringLiteral("</div></details>");
    }

    m_ranker.clear();
    // The comparison of the rankers.
    html += QStringLiteral("<h3>%1</h3><div class=\"grid\">").arg(QObject::tr("Comparison of the rankers"));
    std::size_t p = 0;
    for (std::size_t i = 1; i < g.grid.protections.size(); ++i)
        if (std::abs(g.grid.protections[i] - 0.1) < std::abs(g.grid.protections[p] - 0.1)) p = i;
    std::size_t bi = g.grid.bers.size() / 2;
    html += figure("compare-ber", QObject::tr("%1 vs BER, %2 of the bits protected").arg(mname, formatPercent(g.grid.protections[p])),
                   QObject::tr("Every ranker at a fixed protection, with 95 % CI bands."),
                   [&](QCustomPlot* pl) { drawMetricVsBer(pl, g, m, p); }, 170, 100);
    html += figure("compare-protection", QObject::tr("%1 vs protection at BER %2").arg(mname, formatBer(g.grid.bers[bi])),
                   QObject::tr("Every ranker at a fixed BER, with 95 % CI bands."),
                   [&](QCustomPlot* pl) { drawMetricVsProtection(pl, g, m, bi); }, 170, 100);
    html += figure("vus", QObject::tr("VUS of %1 per ranker, best first (95 % CI)").arg(mname.toLower()),
                   QObject::tr("Volume under the BER × protection surface; solid bars are "
                               "statistically indistinguishable from the best."),
                   [&](QCustomPlot* pl) { drawVusBars(pl, g, m); }, 170, 100);
    const RankingSet& set = *b.compare->rankings;
    if (!set.rankings.empty())
        html += figure("cost", QObject::tr("Ranking time against VUS of %1").arg(mname.toLower()),
                       QObject::tr("What a ranking costs to compute against what it buys."),
                       [&](QCustomPlot* pl) { drawCostVsVus(pl, g, m, set); }, 170, 100);
    const RankingEntry* base = set.find(b.compare->baselineId);
    const QString baseLabel = base ? QString::fromStdString(base->label) : QString::fromStdString(b.compare->baselineId);
    if (!b.overlap.overlap.empty())
        html += figure("overlap", QObject::tr("Jaccard with %1 vs protection").arg(baseLabel),
                       QObject::tr("Overlap of each ranking's top-k set with that of %1.").arg(esc(baseLabel)),
                       [&](QCustomPlot* pl) {
                           drawOverlap(pl, b.overlap.overlap, set, OverlapMeasure::Jaccard, baseLabel);
                       }, 170, 100);
    if (set.oracle >= 0 && !b.overlap.precision.empty()) {
        const QString oracle = QString::fromStdString(set.rankings[std::size_t(set.oracle)].label);
        html += figure("precision", QObject::tr("Precision@k against %1 (exact ΔL)").arg(oracle),
                       QObject::tr("Share of each ranking's top-k bits that are in the oracle's "
                                   "top k; dotted: a random ranking's expectation."),
                       [&](QCustomPlot* pl) { drawPrecision(pl, b.overlap.precision, set, oracle); },
                       170, 100);
    } else {
        html += QStringLiteral("</div>") +
                missing(b, QObject::tr("No oracle ranking in global order: precision@k is not "
                                       "shown.")) +
                QStringLiteral("<div class=\"grid\">");
    }
    std::vector<const OverviewModel*> prunings;
    for (const OverviewModel& o : b.prunings)
        prunings.push_back(&o);
    if (prunings.size() > 1)
        html += figure("vus-pruning", QObject::tr("VUS of %1 vs pruning").arg(mname.toLower()),
                       QObject::tr("VUS per ranker across the pruning levels of %1 at %2 in this "
                                   "workspace (95 % CI).")
                           .arg(esc(b.name), esc(m_request.scheme.str())),
                       [&](QCustomPlot* pl) { drawVusVsPruning(pl, prunings, metric); }, 170, 100);
    html += QStringLiteral("</div>");
    if (prunings.size() <= 1)
        html += missing(b, QObject::tr("VUS across pruning levels: the workspace has experiments "
                                       "for one pruning level of %1 at %2 only.")
                               .arg(QString::fromStdString(b.name), QString::fromStdString(m_request.scheme.str())));
    return html;
}

QString ReportWriter::diagnosticsTraining(const Bench& b) {
    if (!b.diagnostics)
        return missing(b, QObject::tr("No diagnostics.json (netsurf-cli diagnose computes it)."));
    const ModelDiagnostics& d = *b.diagnostics;
    QString html = QStringLiteral("<div class=\"grid\">");
    if (d.classification) {
        html += figure("roc", QString(),
                       QObject::tr("One-vs-rest ROC curve of each class on the test split "
                                   "(softmax probability as the score), with its AUC."),
                       [&](QCustomPlot* p) { drawRoc(p, *d.classification); }, 150, 100);
        html += figure("confusion", QString(),
                       QObject::tr("Confusion matrix on the test split: counts, coloured by the "
                                   "share of the true class (recall per row)."),
                       [&](QCustomPlot* p) { drawConfusion(p, *d.classification); }, 150, 100);
    }
    if (d.regression) {
        const QString target = b.data ? QString::fromStdString(b.data->data.targetName) : QObject::tr("target");
        html += figure("scatter", QString(),
                       QObject::tr("True against predicted %1 on the test split.").arg(esc(target)),
                       [&](QCustomPlot* p) { drawTrueVsPredicted(p, *d.regression, target); },
                       150, 100);
    }
    return html + QStringLiteral("</div>");
}

QString ReportWriter::diagnosticsPost(const Bench& b) {
    if (!b.diagnostics)
        return missing(b, QObject::tr("No diagnostics.json (netsurf-cli diagnose computes it)."));
    const ModelDiagnostics& d = *b.diagnostics;
    QString html = QObject::tr("<p class=\"note\">Each layer's output on %1 validation rows; "
                               "quantized layers (apply_alpha, qrelu) with the share of values "
                               "saturated at their limits.</p>")
                       .arg(d.activationRows);
    html += QStringLiteral("<div class=\"grid small\">");
    for (const ActivationDiagnostics& a : d.activations)
        html += figure("activations", QString(),
                       QObject::tr("Output values of %1 (%2).")
                           .arg(esc(QString::fromStdString(a.layer)), esc(QString::fromStdString(a.kind))),
                       [&](QCustomPlot* p) { drawActivation(p, a); }, 120, 70);
    html += QStringLiteral("</div>");
    TableBuilder t({QObject::tr("layer"), QObject::tr("kind"), QObject::tr("values"),
                    QObject::tr("min"), QObject::tr("max"), QObject::tr("limits"),
                    QObject::tr("at low limit"), QObject::tr("at high limit")});
    for (const ActivationDiagnostics& a : d.activations)
        t.row({QString::fromStdString(a.layer), QString::fromStdString(a.kind),
               QStringLiteral("#%1").arg(a.values), "#" + num(a.min), "#" + num(a.max),
               a.quantized ? QStringLiteral("[%1, %2]").arg(num(a.low), num(a.high)) : QStringLiteral("—"),
               a.quantized ? QStringLiteral("#%1 %").arg(100 * a.atLow, 0, 'f', 2) : QStringLiteral("—"),
               a.quantized ? QStringLiteral("#%1 %").arg(100 * a.atHigh, 0, 'f', 2) : QStringLiteral("—")});
    return html + t.str();
}

QString ReportWriter::injection() {
    QString html = QStringLiteral("<h2>%1</h2>").arg(QObject::tr("BER injection"));
    for (Bench& b : m_benches) {
        m_bench = QString::fromStdString(b.name);
        if (m_stop.stop_requested()) break;
        html += QStringLiteral("<details open><summary>%1</summary>").arg(esc(b.name));
        if (!b.compare)
            html += missing(b, QObject::tr("No injection experiments can be compared for this "
                                           "model yet (rank it and run a sweep, or a batch)."));
        else
            html += injectionOf(b);
        html += QStringLiteral("</details>");
    }
    return html;
}

QString ReportWriter::conclusions() {
    QString html = QStringLiteral("<h2>%1</h2>").arg(QObject::tr("Conclusions"));
    html += QObject::tr("<p class=\"note\">Generated from the numbers of the BER Injection tab "
                        "(VUS of the primary metric with 95 % CIs, differences to the best "
                        "ranker%1).</p>")
                .arg(QString());
    for (Bench& b : m_benches) {
        m_bench = QString::fromStdString(b.name);
        html += QStringLiteral("<h3>%1</h3>").arg(esc(b.name));
        if (!b.compare) {
            html += missing(b, QObject::tr("No compared experiments yet."));
            continue;
        }
        const GroupComparison& g = b.compare->outcome.groups[b.group];
        const std::size_t primary = b.compare->outcome.primary[b.group];
        html += QStringLiteral("<ul class=\"conclusions\">");
        for (const QString& s : conclusionSentences(g, primary))
            html += QStringLiteral("<li>%1</li>").arg(s);
        html += QStringLiteral("</ul>");
        const ProtectionGains gains = protectionGains(g, primary, 0.1);
        if (!gains.rows.empty()) {
            const QString mname = metricTitle(g.metrics[primary]);
            html += QObject::tr("<p>What protection buys with the best ranker, <b>%1</b> (%2, "
                                "cell means with 95 % CI):</p>")
                        .arg(esc(gains.ranker), esc(mname));
            TableBuilder t({QObject::tr("BER"),
                            QObject::tr("%1 protected").arg(formatPercent(gains.rows[0].protectionFrom)),
                            QObject::tr("%1 protected").arg(formatPercent(gains.rows[0].protectionTo)),
                            QObject::tr("change (%1)")
                                .arg(g.summaries[primary].higherIsBetter
                                         ? QObject::tr("higher is better")
                                         : QObject::tr("lower is better"))});
            for (const ProtectionGain& r : gains.rows) {
                const auto ci = [](const Estimate& e) {
                    return e.hasInterval() ? QStringLiteral("#%1 [%2, %3]").arg(formatValue(e.value), formatValue(e.low), formatValue(e.high))
                                           : "#" + formatValue(e.value);
                };
                t.row({formatBer(r.ber), ci(r.from), ci(r.to), "#" + formatValue(r.to.value - r.from.value)});
            }
            html += t.str();
        }
    }
    return html;
}

Result<ReportOutcome> ReportWriter::run() {
    const auto start = std::chrono::steady_clock::now();
    m_outcome.path = reportPathFor(m_workspace, m_request.scheme, m_request.pruning);
    const std::vector<std::string>& names = benchmarkNames();
    for (const std::string& name : names) {
        const fs::path dir = modelDirectory(m_workspace, name, m_request.scheme, m_request.pruning);
        if (!fs::exists(dir / "model.json")) continue;
        Bench b;
        b.name = name;
        b.dir = dir;
        b.selector = {name, m_request.scheme, m_request.pruning, m_workspace};
        m_benches.push_back(std::move(b));
    }
    if (m_benches.empty())
        return Error::data("no trained model with scheme " + m_request.scheme.str() + " and pruning " +
                           pruningDirName(m_request.pruning).substr(6) + " in " +
                           quoteValue(m_workspace.string()) + " (train one, or run a batch, first)");
    std::int64_t step = 0;
    const std::int64_t steps = std::int64_t(m_benches.size()) + 6;
    for (Bench& b : m_benches) {
        m_bench = QString::fromStdString(b.name);
        stage("reading " + b.name, step++, steps);
        if (Status s = gather(b); !s) {
            if (s.error().kind == ErrorKind::Cancelled) return s.error();
            b.problems << QString::fromStdString(s.error().message);
        }
        if (m_stop.stop_requested()) return Error::cancelled();
        m_outcome.benchmarks.push_back(b.name);
    }
    // A model whose file could not be read has nothing to show beyond its problem.
    std::erase_if(m_benches, [&](const Bench& b) {
        if (b.model) return false;
        for (const QString& p : b.problems)
            m_outcome.warnings.push_back(b.name + ": " + p.toStdString());
        return true;
    });
    if (m_benches.empty()) return Error::data("no model of " + quoteValue(m_workspace.string()) + " could be read (see the warnings)");

    const QString title = QObject::tr("NetSurf report — %1, pruning %2")
                              .arg(QString::fromStdString(m_request.scheme.str()))
                              .arg(m_request.pruning);
    QStringList benchList;
    for (const Bench& b : m_benches)
        benchList << QString::fromStdString(b.name);
    QString body;
    const std::vector<std::function<QString()>> builders{
        [&] { return motivation(); },   [&] { return preTraining(); },
        [&] { return training(); },     [&] { return postTraining(); },
        [&] { return injection(); },    [&] { return conclusions(); }};
    for (std::size_t i = 0; i < tabs().size(); ++i) {
        stage("writing " + tabs()[i].second.toStdString(), step++, steps);
        body += QStringLiteral("<section class=\"tab\" id=\"%1\">\n%2\n</section>\n")
                    .arg(tabs()[i].first, builders[i]());
        if (m_stop.stop_requested()) return Error::cancelled();
    }
    QString nav;
    for (const auto& [id, name] : tabs())
        nav += QStringLiteral("<a href=\"#%1\">%2</a>").arg(id, esc(name));
    const QString html =
        QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<meta name=\"generator\" content=\"NetSurf %1\">"
                       "<title>%2</title><style>%3</style></head>\n<body>\n<header><h1>%2</h1>"
                       "<p class=\"meta\">%4</p><nav>%5</nav></header>\n<main>\n%6</main>\n"
                       "<footer>%7</footer>\n</body></html>\n")
            .arg(QString::fromLatin1(version()), esc(title), css(),
                 QObject::tr("Benchmarks: %1 · workspace %2 · written %3")
                     .arg(esc(benchList.join(", ")), esc(QString::fromStdString(m_workspace.string())),
                          QDateTime::currentDateTimeUtc().toString(Qt::ISODate)),
                 nav, body,
                 QObject::tr("NetSurf %1 (git %2). Self-contained: figures are inline SVG, the "
                             "math is MathML, no script and no network access needed.")
                     .arg(QString::fromLatin1(version()), QString::fromLatin1(gitRevision())));
    const QByteArray bytes = html.toUtf8();
    if (Status s = ensureDirectory(m_outcome.path.parent_path()); !s) return s.error();
    if (Status s = atomicWriteFile(m_outcome.path, std::string_view(bytes.constData(), std::size_t(bytes.size()))); !s)
        return s.error();
    m_outcome.figures = m_svg.count();
    m_outcome.bytes = std::size_t(bytes.size());
    m_outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const Bench& b : m_benches)
        for (const QString& p : b.problems)
            m_outcome.warnings.push_back(b.name + ": " + p.toStdString());
    stage("done", steps, steps);
    return m_outcome;
}

} // namespace

fs::path reportPathFor(const fs::path& workspace, const QuantScheme& scheme, double pruning) {
    const fs::path ws = workspace.empty() ? defaultWorkspaceDir() : workspace;
    return ws / "reports" / (scheme.dirName() + "_" + pruningDirName(pruning) + ".html");
}

Result<ReportOutcome> writeReport(const ReportRequest& request, ProgressSink& sink,
                                  std::stop_token stop) {
    return ReportWriter(request, sink, std::move(stop)).run();
}

} // namespace netsurf::widgets
