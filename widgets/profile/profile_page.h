#pragma once
// The robustness profile page ("profile", SPEC §6): for the selected model, one distribution at
// a time — its statistics before and after training side by side with their difference, the
// pre/post divergence, the two distributions as density histograms and their Lorenz curves with
// the Gini coefficients. Reads profile_pre.json / profile_post.json (netsurf-cli profile); when
// they are missing, "Compute profile" runs the profile job in Qt's thread pool (the window stays
// live; a newer selection drops the result). A run's profile job for the shown model that ends
// reloads the files.
#include <QList>
#include <nlohmann/json.hpp>

#include "widgets/compare/async_ticket.h"
#include "widgets/compare/message_stack.h"
#include "widgets/page.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace netsurf::widgets {

class PlotPanel;

class ProfilePage : public Page {
    Q_OBJECT
public:
    explicit ProfilePage(QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("profile"); }
    QString title() const override { return tr("Robustness profile"); }
    void showModel(const ModelSelector& model) override;
    // A run's profile job of the shown model that ends done reloads its files.
    void setController(app::JobController* controller) override;
    bool ready() const override { return m_ready; }
    QList<QCustomPlot*> plots() const override;

    QString message() const { return m_stack->message(); }
    QComboBox* distributionSelector() const { return m_distribution; }
    QTableWidget* table() const { return m_table; }
    QPushButton* computeButton() const { return m_compute; }
    PlotPanel* panel(const QString& name) const; // "histogram", "lorenz"

private:
    struct Profiles {
        nlohmann::json pre, post; // the files' contents (null when missing)
        QString error;
    };
    void load();
    void apply(Profiles profiles);
    void compute();
    void redraw();
    void setReady(bool ready);

    ModelSelector m_model;
    bool m_haveModel = false;
    Profiles m_profiles;
    bool m_ready = false;
    AsyncTicket m_ticket;

    QComboBox* m_distribution = nullptr;
    QPushButton* m_compute = nullptr;
    QLabel* m_divergence = nullptr;
    QTableWidget* m_table = nullptr;
    PlotPanel *m_histogram = nullptr, *m_lorenz = nullptr;
    MessageStack* m_stack = nullptr;
};

} // namespace netsurf::widgets
