#pragma once
// The jobs of the current run as a table (Qt Core item model) for the jobs panel: job id, kind,
// status, progress (fraction, with the engine's detail), time and error; fed by the
// JobController's signals on the GUI thread. One row per job, in graph order.
#include <QAbstractTableModel>
#include <QHash>
#include <vector>

#include "app/core/job_controller.h"

namespace netsurf::app {

class JobsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { JobColumn, StatusColumn, ProgressColumn, TimeColumn, MessageColumn, Columns };
    enum Role { FractionRole = Qt::UserRole + 1, StatusRole, JobIdRole };

    explicit JobsModel(QObject* parent = nullptr);
    // Follows `controller`'s runs (a new run replaces the rows).
    void attach(JobController* controller);

    // The whole run: jobs finished / all, the graph fraction and ETA of the latest progress.
    int finishedJobs() const;
    double graphFraction() const { return m_graphFraction; }
    double etaSeconds() const { return m_eta; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

signals:
    void summaryChanged();

private:
    struct Row {
        QString id, kind;
        JobStatus status = JobStatus::Pending;
        double fraction = 0, seconds = 0;
        QString detail, error;
    };
    void reset(const std::vector<JobState>& jobs);
    void onState(const QString& id, const netsurf::JobStateChanged& s);
    void onProgress(const QString& id, const netsurf::JobProgress& p);
    void changed(int row);

    JobController* m_controller = nullptr;
    std::vector<Row> m_rows;
    QHash<QString, int> m_index;
    double m_graphFraction = 0, m_eta = -1;
};

} // namespace netsurf::app
