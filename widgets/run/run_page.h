#pragma once
// The run configuration page: benchmarks, schemes (the seed's four and any other, validated as
// typed with the reason shown), pruning levels, ranking methods with a one-line description,
// orders, sweep mode, repetitions, BER and protection lists, evaluation split, seed and epochs.
// It shows how many jobs the run has, how many the workspace already holds and roughly how long
// the rest takes (computed off the GUI thread), and asks the main window to start it. The form
// becomes a batch config through the engine's own parser, so the rules are those of
// `netsurf-cli batch --config`.
#include <QJsonObject>
#include <atomic>
#include <filesystem>
#include <optional>

#include "engine/runner/batch_config.h"
#include "widgets/page.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTimer;

namespace netsurf::widgets {

class RunPage : public Page {
    Q_OBJECT
public:
    explicit RunPage(QWidget* parent = nullptr);
    ~RunPage() override;

    QString pageName() const override { return QStringLiteral("run"); }
    QString title() const override { return tr("Run"); }
    void showModel(const ModelSelector& model) override;
    bool ready() const override { return m_ready; }

    void setWorkspace(const std::filesystem::path& workspace);
    // The form as a batch config (nullopt + the reason when a field is invalid).
    std::optional<BatchConfig> config(QString* error = nullptr) const;
    QJsonObject formJson() const;           // the form's values, for QSettings
    void setFormJson(const QJsonObject& j); // restores them
    // Another process runs a batch on the workspace (or this window does): no second start.
    void setStartAllowed(bool allowed, const QString& why = {});

signals:
    void startRequested(const netsurf::BatchConfig& config);

private:
    QWidget* buildModels();
    QWidget* buildRankings();
    QWidget* buildSweep();
    void validateSchemeText();
    void scheduleEstimate();
    void estimate();

    QList<QCheckBox*> m_benchmarks, m_schemes, m_orders;
    QLineEdit *m_moreSchemes = nullptr, *m_prunings = nullptr, *m_bers = nullptr,
              *m_protections = nullptr;
    QLabel *m_schemeError = nullptr, *m_summary = nullptr;
    QListWidget* m_methods = nullptr;
    QComboBox *m_mode = nullptr, *m_split = nullptr;
    QSpinBox *m_reps = nullptr, *m_seed = nullptr, *m_epochs = nullptr;
    QPushButton* m_start = nullptr;
    QTimer* m_debounce = nullptr;
    std::filesystem::path m_workspace;
    std::shared_ptr<std::atomic<int>> m_generation;
    bool m_ready = false;
    bool m_startAllowed = true;
};

} // namespace netsurf::widgets
