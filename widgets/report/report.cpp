// The HTML report (report.h): gathering each benchmark's data (computing missing profiles and
// diagnostics first), the page skeleton with its CSS tabs, and writing the file. The tabs are in
// report_model.cpp and report_injection.cpp. Each figure is drawn by the function the GUI's page
// uses into a fresh offscreen QCustomPlot and inlined as SVG (report_svg.h).
#include "widgets/report/report.h"

#include <QDateTime>
#include <chrono>

#include "engine/core/file_io.h"
#include "engine/core/message_text.h"
#include "engine/core/sha256.h"
#include "engine/core/version.h"
#include "engine/jobs/diagnostics_job.h"
#include "engine/jobs/profile_job.h"
#include "engine/model/benchmarks.h"
#include "widgets/diagnostics/model_plots.h"
#include "widgets/profile/profile_plots.h"
#include "widgets/report/report_writer.h"

namespace fs = std::filesystem;

namespace netsurf::widgets {

namespace report_detail {

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
    // The robustness profile and the diagnostics: computed now when missing, or when computed
    // for an earlier model.json (retrained since), unless --no-compute.
    const bool compute = m_request.computeMissing && b.data.has_value();
    if (!profileFilesCurrent(b.dir, b.checksum, std::nullopt)) {
        if (compute) {
            stage("profile " + b.name, 0, 1);
            ProfileRequest req{b.selector, m_request.profileSamples, m_request.threads, m_request.data};
            auto p = runProfileJob(req, sink, m_stop);
            if (p)
                m_outcome.computed.push_back("profile:" + b.name);
            else if (p.error().kind == ErrorKind::Cancelled)
                return p.error();
            else
                b.problems << QString::fromStdString(p.error().message);
        } else if (fs::exists(b.dir / "profile_post.json")) {
            b.problems << QObject::tr("the profile files of %1 were computed for an earlier "
                                      "model.json (retrained since); run netsurf-cli profile")
                              .arg(QString::fromStdString(b.dir.string()));
        }
    }
    QString error;
    b.pre = readProfileFile(b.dir / "profile_pre.json", &error);
    b.post = readProfileFile(b.dir / "profile_post.json", &error);
    if (!error.isEmpty()) b.problems << error;

    const fs::path diagnostics = b.dir / "diagnostics.json";
    if (fs::exists(diagnostics)) {
        auto d = readDiagnosticsFile(diagnostics);
        if (d)
            b.diagnostics = std::move(*d);
        else if (!compute)
            b.problems << QString::fromStdString(d.error().message);
    }
    const bool diagnosticsCurrent =
        b.diagnostics && b.diagnostics->provenance.value("model_checksum", "") == b.checksum;
    if (!diagnosticsCurrent && compute) {
        stage("diagnostics " + b.name, 0, 1);
        auto d = runDiagnosticsJob({.model = b.selector, .threads = m_request.threads,
                                    .data = m_request.data},
                                   sink, m_stop);
        b.diagnostics.reset();
        if (d) {
            b.diagnostics = std::move(d->diagnostics);
            m_outcome.computed.push_back("diagnostics:" + b.name);
        } else if (d.error().kind == ErrorKind::Cancelled) {
            return d.error();
        } else {
            b.problems << QString::fromStdString(d.error().message);
        }
    } else if (b.diagnostics && !diagnosticsCurrent) {
        b.problems << QObject::tr("%1 was computed for an earlier model.json (retrained since); "
                                  "run netsurf-cli diagnose")
                          .arg(QString::fromStdString(diagnostics.string()));
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

} // namespace report_detail

fs::path reportPathFor(const fs::path& workspace, const QuantScheme& scheme, double pruning) {
    const fs::path ws = workspace.empty() ? defaultWorkspaceDir() : workspace;
    return ws / "reports" / (scheme.dirName() + "_" + pruningDirName(pruning) + ".html");
}

Result<ReportOutcome> writeReport(const ReportRequest& request, ProgressSink& sink,
                                  std::stop_token stop) {
    return report_detail::ReportWriter(request, sink, std::move(stop)).run();
}

} // namespace netsurf::widgets
