#include "app/core/jobs_model.h"

namespace netsurf::app {

JobsModel::JobsModel(QObject* parent) : QAbstractTableModel(parent) {}

void JobsModel::attach(JobController* c) {
    m_controller = c;
    connect(c, &JobController::started, this, [this] { reset(m_controller->jobStates()); });
    connect(c, &JobController::jobStateChanged, this, &JobsModel::onState);
    connect(c, &JobController::jobProgress, this, &JobsModel::onProgress);
}

void JobsModel::reset(const std::vector<JobState>& jobs) {
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    for (const JobState& j : jobs) {
        m_index.insert(QString::fromStdString(j.id), int(m_rows.size()));
        m_rows.push_back({QString::fromStdString(j.id), toString(j.kind), j.status});
    }
    m_graphFraction = 0;
    m_eta = -1;
    endResetModel();
    emit summaryChanged();
}

void JobsModel::onState(const QString& id, const netsurf::JobStateChanged& s) {
    const auto it = m_index.constFind(id);
    if (it == m_index.constEnd()) return;
    Row& r = m_rows[std::size_t(*it)];
    r.status = s.status;
    if (isFinal(s.status)) {
        r.fraction = 1;
        r.seconds = s.seconds;
        r.error = QString::fromStdString(s.error);
        r.detail = s.reusedFiles ? tr("already in the workspace") : QString();
    }
    changed(*it);
    emit summaryChanged();
}

void JobsModel::onProgress(const QString& id, const netsurf::JobProgress& p) {
    m_graphFraction = p.graphFraction;
    m_eta = p.etaSeconds;
    const auto it = m_index.constFind(id);
    if (it != m_index.constEnd()) {
        Row& r = m_rows[std::size_t(*it)];
        r.fraction = p.jobFraction;
        r.detail = QString::fromStdString(p.detail);
        changed(*it);
    }
    emit summaryChanged();
}

void JobsModel::changed(int row) {
    emit dataChanged(index(row, 0), index(row, Columns - 1));
}

int JobsModel::finishedJobs() const {
    return int(std::count_if(m_rows.begin(), m_rows.end(),
                             [](const Row& r) { return isFinal(r.status); }));
}

int JobsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JobsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Columns;
}

QVariant JobsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_rows.size())) return {};
    const Row& r = m_rows[std::size_t(index.row())];
    if (role == FractionRole) return r.fraction;
    if (role == StatusRole) return int(r.status);
    if (role == JobIdRole) return r.id;
    if (role == Qt::ToolTipRole) return r.error.isEmpty() ? r.detail : r.error;
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case JobColumn:
        return r.id;
    case StatusColumn:
        return QString::fromLatin1(toString(r.status));
    case ProgressColumn:
        return QStringLiteral("%1 %").arg(100 * r.fraction, 0, 'f', 0);
    case TimeColumn:
        return r.seconds > 0 ? QStringLiteral("%1 s").arg(r.seconds, 0, 'f', 1) : QString();
    case MessageColumn:
        return r.error.isEmpty() ? r.detail : r.error;
    default:
        return {};
    }
}

QVariant JobsModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case JobColumn:
        return tr("Job");
    case StatusColumn:
        return tr("Status");
    case ProgressColumn:
        return tr("Progress");
    case TimeColumn:
        return tr("Time");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace netsurf::app
