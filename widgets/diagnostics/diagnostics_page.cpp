#include "widgets/diagnostics/diagnostics_page.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

#include "engine/core/sha256.h"
#include "engine/jobs/diagnostics_job.h"
#include "engine/jobs/rank_jobs.h"
#include "engine/storage/ranking_file.h"
#include "engine/storage/model_file.h"
#include "widgets/compare/compare_data.h"
#include "widgets/compare/plot_style.h"
#include "widgets/compare/selectors.h"
#include "widgets/diagnostics/diagnostics_plots.h"
#include "widgets/diagnostics/model_plots.h"

namespace netsurf::widgets {

namespace {

// A panel with its chooser above it.
QWidget* chooserPanel(const QString& label, const QString& tip, QComboBox** combo,
                      PlotPanel* panel) {
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    *combo = addCombo(row, label, tip);
    (*combo)->setMinimumContentsLength(24);
    row->addStretch(1);
    v->addLayout(row);
    v->addWidget(panel, 1);
    return box;
}

// The model's dataset (for the data figures) and its ranking files; quietly without either.
void loadContext(const ModelSelector& model, std::shared_ptr<const Dataset>& data,
                 std::vector<std::filesystem::path>& rankings) {
    auto file = loadSelectedModel(model);
    if (!file) return;
    NullProgressSink sink;
    if (auto d = loadTrainingData(*file, {}, sink)) data = std::make_shared<const Dataset>(std::move(d->data));
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(
             rankingsDirectory(modelPathFor(model).parent_path()), ec))
        if (e.is_regular_file() && e.path().extension() == ".csv") rankings.push_back(e.path());
    std::sort(rankings.begin(), rankings.end());
}

} // namespace

DiagnosticsPage::DiagnosticsPage(QWidget* parent) : Page(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    m_summary = new QLabel;
    m_summary->setStyleSheet(QStringLiteral("color: #555;"));
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    bar->addWidget(m_summary, 1);
    m_compute = new QPushButton(tr("&Compute diagnostics"));
    m_compute->setToolTip(tr("ROC/confusion or true vs predicted on the test split, layer "
                             "outputs, sparsity and weights (netsurf-cli diagnose)"));
    bar->addWidget(m_compute);
    layout->addLayout(bar);
    connect(m_compute, &QPushButton::clicked, this, &DiagnosticsPage::compute);

    auto* grid = new QWidget;
    auto* g = new QGridLayout(grid);
    g->setContentsMargins(0, 0, 0, 0);
    m_history = new PlotPanel(tr("Training history"));
    m_history->plot()->setObjectName(QStringLiteral("diagnostics-history"));
    m_quality = new PlotPanel(tr("Quality on the test split"));
    m_quality->plot()->setObjectName(QStringLiteral("diagnostics-quality"));
    m_layers = new PlotPanel(tr("Layer outputs"));
    m_layers->plot()->setObjectName(QStringLiteral("diagnostics-layers"));
    m_weights = new PlotPanel(tr("Weights"));
    m_weights->plot()->setObjectName(QStringLiteral("diagnostics-weights"));
    g->addWidget(chooserPanel(tr("&History:"), tr("A curve of history.csv"), &m_historyChoice,
                              m_history),
                 0, 0);
    g->addWidget(chooserPanel(tr("&Quality, data:"),
                              tr("How the model does on the test split, and its data"),
                              &m_qualityChoice, m_quality),
                 0, 1);
    g->addWidget(chooserPanel(tr("&Layer:"), tr("A layer's output values, or the sparsity"),
                              &m_layerChoice, m_layers),
                 1, 0);
    g->addWidget(chooserPanel(tr("&Weights, rankings:"),
                              tr("A tensor's values against the scheme's range, or a ranking's "
                                 "score along the rank"),
                              &m_weightChoice, m_weights),
                 1, 1);
    connect(m_historyChoice, &QComboBox::currentIndexChanged, this, &DiagnosticsPage::drawHistory);
    connect(m_qualityChoice, &QComboBox::currentIndexChanged, this, &DiagnosticsPage::drawQuality);
    connect(m_layerChoice, &QComboBox::currentIndexChanged, this, &DiagnosticsPage::drawLayers);
    connect(m_weightChoice, &QComboBox::currentIndexChanged, this, &DiagnosticsPage::drawWeights);
    m_stack = new MessageStack(grid);
    layout->addWidget(m_stack, 1);
    m_stack->showMessage(tr("Select a model in the workspace to see its diagnostics."));
    m_compute->setEnabled(false);
}

QList<QCustomPlot*> DiagnosticsPage::plots() const {
    return {m_history->plot(), m_quality->plot(), m_layers->plot(), m_weights->plot()};
}

PlotPanel* DiagnosticsPage::panel(const QString& name) const {
    if (name == "history") return m_history;
    if (name == "quality") return m_quality;
    if (name == "layers") return m_layers;
    if (name == "weights") return m_weights;
    return nullptr;
}

QComboBox* DiagnosticsPage::chooser(const QString& name) const {
    if (name == "history") return m_historyChoice;
    if (name == "quality") return m_qualityChoice;
    if (name == "layers") return m_layerChoice;
    if (name == "weights") return m_weightChoice;
    return nullptr;
}

void DiagnosticsPage::setReady(bool ready) {
    if (ready == m_ready) return;
    m_ready = ready;
    emit readyChanged();
}

void DiagnosticsPage::showModel(const ModelSelector& model) {
    m_model = model;
    m_haveModel = true;
    load();
}

void DiagnosticsPage::load() {
    setReady(false);
    m_stack->showMessage(tr("Reading the diagnostics …"));
    const std::filesystem::path file = modelPathFor(m_model).parent_path() / "diagnostics.json";
    const std::string benchmark = m_model.benchmark;
    runOffGuiThread(
        this, m_ticket,
        [file, benchmark, model = m_model](std::stop_token) {
            Loaded l;
            l.benchmark = benchmark;
            if (!std::filesystem::exists(file)) return l;
            loadContext(model, l.data, l.rankings);
            auto d = readDiagnosticsFile(file);
            if (d)
                l.diagnostics = std::make_shared<const ModelDiagnostics>(std::move(*d));
            else
                l.error = QString::fromStdString(d.error().message);
            return l;
        },
        [this](Loaded l) { apply(std::move(l)); });
}

void DiagnosticsPage::compute() {
    if (!m_haveModel) return;
    setReady(false);
    m_compute->setEnabled(false);
    m_stack->showMessage(tr("Computing the diagnostics (test split, layer outputs, weights) …"));
    const std::string benchmark = m_model.benchmark;
    runOffGuiThread(
        this, m_ticket,
        [model = m_model, benchmark](std::stop_token stop) {
            NullProgressSink sink;
            Loaded l;
            l.benchmark = benchmark;
            auto out = runDiagnosticsJob({.model = model}, sink, stop);
            if (!out) {
                l.error = QString::fromStdString(out.error().message);
                return l;
            }
            l.diagnostics = std::make_shared<const ModelDiagnostics>(std::move(out->diagnostics));
            loadContext(model, l.data, l.rankings);
            return l;
        },
        [this](Loaded l) { apply(std::move(l)); });
}

void DiagnosticsPage::apply(Loaded loaded) {
    m_loaded = std::move(loaded);
    const bool trained = std::filesystem::exists(modelPathFor(m_model));
    m_compute->setEnabled(trained);
    if (!m_loaded.error.isEmpty()) {
        m_stack->showMessage(m_loaded.error);
    } else if (!m_loaded.diagnostics) {
        m_stack->showMessage(trained ? tr("This model has no diagnostics yet.\n\n“Compute "
                                          "diagnostics” (or netsurf-cli diagnose) computes them.")
                                     : tr("This model is not trained yet."));
    } else {
        const ModelDiagnostics& d = *m_loaded.diagnostics;
        if (d.classification)
            m_summary->setText(tr("Test split: %1 samples, accuracy %2 %, macro AUC %3 · "
                                  "activations on %4 validation rows")
                                   .arg(d.classification->samples)
                                   .arg(100 * d.classification->accuracy, 0, 'f', 2)
                                   .arg(d.classification->macroAuc, 0, 'f', 4)
                                   .arg(d.activationRows));
        else if (d.regression)
            m_summary->setText(tr("Test split: %1 rows, MAE %2, R² %3 · activations on %4 "
                                  "validation rows")
                                   .arg(d.regression->truth.size())
                                   .arg(d.regression->mae, 0, 'g', 4)
                                   .arg(d.regression->r2, 0, 'g', 4)
                                   .arg(d.activationRows));
        fillChoosers();
        m_stack->showContent();
        drawHistory();
        drawQuality();
        drawLayers();
        drawWeights();
    }
    setReady(true);
}

void DiagnosticsPage::fillChoosers() {
    const ModelDiagnostics& d = *m_loaded.diagnostics;
    QList<QPair<QString, QVariant>> history, quality, layers, weights;
    if (d.history)
        for (const HistoryView& v : historyViews(*d.history, m_loaded.benchmark))
            history.append({v.title, QString::fromStdString(v.key)});
    if (d.classification) {
        quality.append({tr("ROC curves per class"), QStringLiteral("roc")});
        quality.append({tr("Confusion matrix"), QStringLiteral("confusion")});
    }
    if (d.regression) quality.append({tr("True vs predicted"), QStringLiteral("scatter")});
    if (m_loaded.data) {
        quality.append({d.classification ? tr("Class balance") : tr("Target distribution"),
                        QStringLiteral("balance")});
        if (m_loaded.data->inputShape.size() == 1)
            quality.append({tr("Input features"), QStringLiteral("features")});
    }
    for (std::size_t i = 0; i < d.activations.size(); ++i)
        layers.append({tr("%1 (%2) output")
                           .arg(QString::fromStdString(d.activations[i].layer),
                                QString::fromStdString(d.activations[i].kind)),
                       int(i)});
    layers.append({tr("Sparsity per tensor"), -1});
    for (std::size_t i = 0; i < d.tensors.size(); ++i)
        weights.append({tr("%1, trained").arg(QString::fromStdString(d.tensors[i].tensor)), int(i)});
    for (std::size_t i = 0; i < d.initialTensors.size(); ++i)
        weights.append({tr("%1, initial").arg(QString::fromStdString(d.initialTensors[i].tensor)),
                        -1 - int(i)});
    // Rankings after the tensors: data = 100000 + index into m_loaded.rankings.
    for (std::size_t i = 0; i < m_loaded.rankings.size(); ++i)
        weights.append({tr("score along the rank: %1")
                            .arg(QString::fromStdString(m_loaded.rankings[i].stem().string())),
                        100000 + int(i)});
    const QSignalBlocker b1(m_historyChoice), b2(m_qualityChoice), b3(m_layerChoice),
        b4(m_weightChoice);
    refill(m_historyChoice, history, 0);
    refill(m_qualityChoice, quality, 0);
    refill(m_layerChoice, layers, 0);
    refill(m_weightChoice, weights, 0);
}

void DiagnosticsPage::drawHistory() {
    if (!m_loaded.diagnostics) return;
    const ModelDiagnostics& d = *m_loaded.diagnostics;
    if (!d.history || m_historyChoice->count() == 0) {
        m_history->showMessage(tr("No training history (history.csv) next to this model."));
        return;
    }
    const std::string key = m_historyChoice->currentData().toString().toStdString();
    for (const HistoryView& v : historyViews(*d.history, m_loaded.benchmark))
        if (v.key == key) {
            drawHistoryView(m_history->plot(), *d.history, v);
            m_history->showPlot();
            m_history->plot()->replot();
        }
}

void DiagnosticsPage::drawQuality() {
    if (!m_loaded.diagnostics || m_qualityChoice->count() == 0) return;
    const ModelDiagnostics& d = *m_loaded.diagnostics;
    const QString which = m_qualityChoice->currentData().toString();
    if (which == "roc" && d.classification)
        drawRoc(m_quality->plot(), *d.classification);
    else if (which == "confusion" && d.classification)
        drawConfusion(m_quality->plot(), *d.classification);
    else if (which == "balance" && m_loaded.data)
        drawTargetBalance(m_quality->plot(), *m_loaded.data);
    else if (which == "features" && m_loaded.data)
        drawFeatureBoxes(m_quality->plot(), *m_loaded.data);
    else if (d.regression)
        drawTrueVsPredicted(m_quality->plot(), *d.regression,
                            m_loaded.data ? QString::fromStdString(m_loaded.data->targetName)
                                          : tr("target"));
    m_quality->showPlot();
    m_quality->plot()->replot();
}

void DiagnosticsPage::drawLayers() {
    if (!m_loaded.diagnostics || m_layerChoice->count() == 0) return;
    const ModelDiagnostics& d = *m_loaded.diagnostics;
    const int i = m_layerChoice->currentData().toInt();
    if (i >= 0 && std::size_t(i) < d.activations.size())
        drawActivation(m_layers->plot(), d.activations[std::size_t(i)]);
    else
        drawSparsity(m_layers->plot(), d.sparsity);
    m_layers->showPlot();
    m_layers->plot()->replot();
}

void DiagnosticsPage::drawWeights() {
    if (!m_loaded.diagnostics || m_weightChoice->count() == 0) return;
    const ModelDiagnostics& d = *m_loaded.diagnostics;
    const int i = m_weightChoice->currentData().toInt();
    if (i >= 100000) {
        // A ranking: its file is read off the GUI thread, then drawn.
        const std::filesystem::path file = m_loaded.rankings[std::size_t(i - 100000)];
        m_weights->showMessage(tr("Reading %1 …").arg(QString::fromStdString(file.filename().string())));
        runOffGuiThread(
            this, m_scoreTicket,
            [file, model = m_model](std::stop_token) {
                Scores s;
                s.label = QString::fromStdString(file.stem().string());
                auto m = loadSelectedModel(model);
                auto sum = sha256File(modelPathFor(model));
                if (!m || !sum) {
                    s.error = QString::fromStdString(m ? sum.error().message : m.error().message);
                    return s;
                }
                auto r = loadRankingFile(file, m->model, *sum);
                if (!r) {
                    s.error = QString::fromStdString(r.error().message);
                    return s;
                }
                s.method = toString(r->config.method);
                s.label = QString::fromStdString(s.method + "-" + toString(effectiveOrder(r->config)));
                s.scores = rankingScores(r->rows);
                return s;
            },
            [this](Scores s) { drawScores(std::move(s)); });
        return;
    }
    m_scoreTicket.cancel();
    if (i >= 0 && std::size_t(i) < d.tensors.size())
        drawTensorValues(m_weights->plot(), d.tensors[std::size_t(i)], tr("trained"));
    else if (i < 0 && std::size_t(-1 - i) < d.initialTensors.size())
        drawTensorValues(m_weights->plot(), d.initialTensors[std::size_t(-1 - i)], tr("initial"));
    m_weights->showPlot();
    m_weights->plot()->replot();
}

void DiagnosticsPage::drawScores(Scores s) {
    if (!s.error.isEmpty()) {
        m_weights->showMessage(s.error);
        return;
    }
    drawScoreAlongRank(m_weights->plot(), s.scores, s.label, s.method);
    setPlotTitle(m_weights->plot(), tr("%1: score along the rank").arg(s.label));
    m_weights->showPlot();
    m_weights->plot()->replot();
}

} // namespace netsurf::widgets
