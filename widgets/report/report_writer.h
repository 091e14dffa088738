#pragma once
// The report's writer, shared by its files (not part of the API, report.h): report.cpp gathers
// the data and assembles the page, report_model.cpp writes the tabs about the data, the model and
// its training, report_injection.cpp the BER injection and conclusions tabs.
#include <QString>
#include <QStringList>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <qcustomplot.h>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/analysis/diagnostics.h"
#include "engine/jobs/rank_jobs.h"
#include "engine/storage/history_csv.h"
#include "engine/storage/model_file.h"
#include "engine/storage/workspace.h"
#include "widgets/compare/compare_data.h"
#include "widgets/compare/overview_data.h"
#include "widgets/compare/plot_style.h"
#include "widgets/report/report.h"
#include "widgets/report/report_html.h"
#include "widgets/report/report_svg.h"

namespace netsurf::widgets::report_detail {

namespace fs = std::filesystem;

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

} // namespace netsurf::widgets::report_detail
