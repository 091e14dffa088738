#pragma once
// The diagnostics page ("diagnostics"): what the selected model learned and how it behaves, from
// its diagnostics.json (netsurf-cli diagnose, engine/analysis/diagnostics.h) — four panels, each
// with a chooser: the training history (loss, metrics, learning rate, sparsity, apply_alpha α/β,
// range penalty, Fisher trace); the quality on the test split (ROC per class with AUC, the
// confusion matrix, or true vs predicted) and the data (class balance or target distribution,
// input features); each layer's output histogram with its saturation, and the sparsity per
// tensor; each weight tensor's values, initial and trained, against the scheme's range, and each
// ranking's score along the rank (its file read when chosen). The figures are the report's (diagnostics_plots.h, model_plots.h). The file is
// read off the GUI thread; "Compute diagnostics" runs the job in Qt's thread pool.
#include <QList>
#include <filesystem>
#include <memory>
#include <vector>

#include "engine/analysis/diagnostics.h"
#include "engine/data/dataset.h"
#include "widgets/compare/async_ticket.h"
#include "widgets/compare/message_stack.h"
#include "widgets/page.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace netsurf::widgets {

class PlotPanel;

class DiagnosticsPage : public Page {
    Q_OBJECT
public:
    explicit DiagnosticsPage(QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("diagnostics"); }
    QString title() const override { return tr("Diagnostics"); }
    void showModel(const ModelSelector& model) override;
    bool ready() const override { return m_ready; }
    QList<QCustomPlot*> plots() const override;

    QString message() const { return m_stack->message(); }
    QPushButton* computeButton() const { return m_compute; }
    // "history", "quality", "layers", "weights" and their choosers.
    PlotPanel* panel(const QString& name) const;
    QComboBox* chooser(const QString& name) const;

private:
    struct Loaded {
        std::shared_ptr<const ModelDiagnostics> diagnostics; // null when missing
        std::shared_ptr<const Dataset> data;                 // null when it cannot be loaded
        std::vector<std::filesystem::path> rankings;         // the model's ranking files
        std::string benchmark;
        QString error;
    };
    struct Scores {
        QString label;
        std::string method;
        std::vector<double> scores; // in rank order
        QString error;
    };
    void load();
    void compute();
    void apply(Loaded loaded);
    void fillChoosers();
    void drawHistory();
    void drawQuality();
    void drawLayers();
    void drawWeights();
    void drawScores(Scores scores);
    void setReady(bool ready);

    ModelSelector m_model;
    bool m_haveModel = false;
    bool m_ready = false;
    Loaded m_loaded;
    AsyncTicket m_ticket, m_scoreTicket;

    QPushButton* m_compute = nullptr;
    QLabel* m_summary = nullptr;
    QComboBox *m_historyChoice = nullptr, *m_qualityChoice = nullptr, *m_layerChoice = nullptr,
              *m_weightChoice = nullptr;
    PlotPanel *m_history = nullptr, *m_quality = nullptr, *m_layers = nullptr,
              *m_weights = nullptr;
    MessageStack* m_stack = nullptr;
};

} // namespace netsurf::widgets
