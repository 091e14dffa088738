#pragma once
// The jobs panel at the bottom of the main window: the run's overall progress (jobs finished,
// fraction of the estimated work, ETA), one row per job with its progress bar, time and error,
// and the cancel buttons. Also shows another process's batch on the workspace (read-only, from
// the job database's heartbeat).
#include <QWidget>

#include "app/core/jobs_model.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace netsurf::widgets {

class JobsPanel : public QWidget {
    Q_OBJECT
public:
    JobsPanel(app::JobsModel* jobs, app::JobController* controller, QWidget* parent = nullptr);
    // Another process's batch (empty text: none): shown instead of this window's run.
    void showExternal(const QString& text, double fraction);

private:
    void updateSummary();

    app::JobsModel* m_jobs;
    app::JobController* m_controller;
    QTableView* m_table = nullptr;
    QProgressBar* m_overall = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_cancelOne = nullptr;
    QPushButton* m_cancelAll = nullptr;
    QString m_external;
};

QString durationText(double seconds); // "1h02m", "3m05s", "12s", "?" when negative

} // namespace netsurf::widgets
