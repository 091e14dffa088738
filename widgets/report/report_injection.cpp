// The report's BER Injection and Conclusions tabs (report_writer.h): per ranker its surfaces and
// score along the rank, then the comparison of the rankers; conclusions from the numbers.
#include <cmath>

#include "app/core/sweep_table.h"
#include "engine/inject/results_store.h"
#include "widgets/compare/compare_plots.h"
#include "widgets/compare/metric_labels.h"
#include "widgets/compare/overview_plots.h"
#include "widgets/diagnostics/model_plots.h"
#include "widgets/report/report_conclusions.h"
#include "widgets/report/report_writer.h"
#include "widgets/results/curve_plot.h"
#include "widgets/results/heatmap_plot.h"
#include "widgets/results/metric_format.h"

namespace netsurf::widgets::report_detail {

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
        // The ranking's score along the rank (loaded with the comparison's rankings).
        if (const RankingEntry* e = b.compare->rankings->find(r.rankingId)) {
            html += figure("ranker-score",
                           QObject::tr("%1: score along the rank").arg(QString::fromStdString(r.label)),
                           QObject::tr("The sort key of %1 against the rank (%2 bits, %3 order%4).")
                               .arg(esc(r.label))
                               .arg(e->scores.size())
                               .arg(esc(r.order))
                               .arg(r.order == "plane" ? QObject::tr(": the score restarts in "
                                                                     "every bit plane")
                                                       : QString()),
                           [&](QCustomPlot* p) {
                               drawScoreAlongRank(p, e->scores, QString::fromStdString(r.label), r.method);
                           });
        } else {
            html += QStringLiteral("</div>") +
                    missing(b, QObject::tr("The ranking file of %1 could not be read (see the "
                                           "notes of the Pre-training tab).")
                                   .arg(QString::fromStdString(r.label))) +
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

} // namespace netsurf::widgets::report_detail
