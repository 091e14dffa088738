#include "widgets/jobs/jobs_panel.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace netsurf::widgets {

QString durationText(double s) {
    if (s < 0) return QStringLiteral("?");
    const int t = int(s + 0.5);
    if (t < 60) return QStringLiteral("%1s").arg(t);
    if (t < 3600) return QStringLiteral("%1m%2s").arg(t / 60).arg(t % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1h%2m").arg(t / 3600).arg(t % 3600 / 60, 2, 10, QChar('0'));
}

namespace {

// The progress column drawn as a progress bar.
class ProgressDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* p, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override {
        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(2, 3, -2, -3);
        bar.minimum = 0;
        bar.maximum = 1000;
        bar.progress = int(1000 * index.data(app::JobsModel::FractionRole).toDouble());
        bar.text = index.data().toString();
        bar.textVisible = true;
        bar.state = option.state | QStyle::State_Horizontal;
        QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, p);
    }
};

} // namespace

JobsPanel::JobsPanel(app::JobsModel* jobs, app::JobController* controller, QWidget* parent)
    : QWidget(parent), m_jobs(jobs), m_controller(controller) {
    m_overall = new QProgressBar(this);
    m_overall->setRange(0, 1000);
    m_summary = new QLabel(tr("No run yet."), this);
    m_cancelOne = new QPushButton(QIcon(":/icons/cancel.svg"), tr("Cancel job"), this);
    m_cancelAll = new QPushButton(QIcon(":/icons/cancel.svg"), tr("Cancel all"), this);
    m_table = new QTableView(this);
    m_table->setModel(jobs);
    m_table->setItemDelegateForColumn(app::JobsModel::ProgressColumn, new ProgressDelegate(this));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(app::JobsModel::JobColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(app::JobsModel::ProgressColumn, 140);
    auto* top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_overall, 1);
    top->addWidget(m_cancelOne);
    top->addWidget(m_cancelAll);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_table);
    connect(jobs, &app::JobsModel::summaryChanged, this, &JobsPanel::updateSummary);
    connect(controller, &app::JobController::finished, this, &JobsPanel::updateSummary);
    connect(m_cancelAll, &QPushButton::clicked, controller, &app::JobController::cancelAll);
    connect(m_cancelOne, &QPushButton::clicked, this, [this] {
        const QModelIndex i = m_table->currentIndex();
        if (i.isValid()) m_controller->cancelJob(i.data(app::JobsModel::JobIdRole).toString());
    });
    updateSummary();
}

void JobsPanel::showExternal(const QString& text, double fraction) {
    m_external = text;
    if (!text.isEmpty()) m_overall->setValue(int(1000 * fraction));
    updateSummary();
}

void JobsPanel::updateSummary() {
    const bool running = m_controller->isRunning();
    m_cancelOne->setEnabled(running);
    m_cancelAll->setEnabled(running);
    if (!running && !m_external.isEmpty()) {
        m_summary->setText(m_external);
        return;
    }
    if (m_jobs->rowCount() == 0) return;
    m_overall->setValue(int(1000 * (running ? m_jobs->graphFraction() : 1.0)));
    m_summary->setText(tr("%1/%2 jobs finished · %3 % of the work · ETA %4")
                           .arg(m_jobs->finishedJobs())
                           .arg(m_jobs->rowCount())
                           .arg(100 * (running ? m_jobs->graphFraction() : 1.0), 0, 'f', 1)
                           .arg(running ? durationText(m_jobs->etaSeconds()) : tr("done")));
}

} // namespace netsurf::widgets
