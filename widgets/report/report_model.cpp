// The report's tabs about the data, the model and its training: Motivation, Pre-training
// analysis, Training and Post-training (report_writer.h).
#include <QBuffer>
#include <QImage>
#include <cmath>

#include "engine/analysis/profile.h"
#include "widgets/compare/metric_labels.h"
#include "widgets/diagnostics/diagnostics_plots.h"
#include "widgets/diagnostics/model_plots.h"
#include "widgets/profile/profile_plots.h"
#include "widgets/report/report_writer.h"

namespace netsurf::widgets::report_detail {

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

} // namespace netsurf::widgets::report_detail
