#include "widgets/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QJsonDocument>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

#include "app/core/app_info.h"
#include "app/core/job_controller.h"
#include "app/core/jobs_model.h"
#include "app/core/workspace_model.h"
#include "engine/runner/job_database.h"
#include "engine/storage/workspace.h"
#include "widgets/export/export_dialog.h"
#include "widgets/jobs/jobs_panel.h"
#include "widgets/jobs/log_panel.h"
#include "widgets/page.h"
#include "widgets/pages.h"
#include "widgets/run/run_page.h"
#include "widgets/workspace/workspace_tree.h"

namespace netsurf::widgets {

namespace fs = std::filesystem;

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent), m_options(options) {
    setWindowTitle(app::applicationName());
    setWindowIcon(QIcon(":/icons/netsurf.svg"));
    resize(1600, 1000);
    m_controller = new app::JobController(this);
    m_jobs = new app::JobsModel(this);
    m_jobs->attach(m_controller);
    m_workspace = new app::WorkspaceModel(this);
    m_pages = new QTabWidget(this);
    m_pages->setDocumentMode(true);
    for (Page* p : createPages(m_pages)) {
        m_pageList << p;
        p->setController(m_controller);
        m_pages->addTab(p, p->title());
        connect(p, &Page::statusMessage, this,
                [this](const QString& t) { statusBar()->showMessage(t, 8000); });
        if (auto* run = qobject_cast<RunPage*>(p)) m_run = run;
    }
    setCentralWidget(m_pages);
    createDocks();
    createActions();
    connectController();
    m_workspaceLabel = new QLabel(this);
    statusBar()->addWidget(m_workspaceLabel, 1);
    statusBar()->addPermanentWidget(
        new QLabel(QStringLiteral("%1 %2").arg(app::applicationName(), app::versionString())));
    m_poll = new QTimer(this);
    m_poll->setInterval(2000);
    connect(m_poll, &QTimer::timeout, this, &MainWindow::pollExternalBatch);
    m_poll->start();
    fs::path ws = options.workspace;
    if (options.restoreSettings) restoreSettings();
    if (ws.empty()) ws = QSettings().value("workspace").toString().toStdString();
    if (ws.empty() || !options.restoreSettings)
        ws = options.workspace.empty() ? defaultWorkspaceDir() : options.workspace;
    openWorkspace(ws);
}

MainWindow::~MainWindow() = default;

QStringList MainWindow::allPageNames() {
    return widgets::pageNames();
}

QStringList MainWindow::pageNames() const {
    QStringList names;
    for (const Page* p : m_pageList)
        names << p->pageName();
    return names;
}

Page* MainWindow::currentPage() const {
    return qobject_cast<Page*>(m_pages->currentWidget());
}

bool MainWindow::showPage(const QString& name) {
    const QString page = name.section('/', 0, 0), view = name.section('/', 1);
    for (Page* p : m_pageList)
        if (p->pageName() == page) {
            m_pages->setCurrentWidget(p);
            return p->showView(view);
        }
    return false;
}

bool MainWindow::selectModel(const QString& selector) {
    return m_tree->selectModel(selector);
}

void MainWindow::createDocks() {
    m_tree = new WorkspaceTree(m_workspace, this);
    m_tree->setMinimumWidth(200); // scheme and pruning names stay readable beside wide pages
    auto* left = new QDockWidget(tr("Workspace"), this);
    left->setObjectName("workspaceDock");
    left->setWidget(m_tree);
    addDockWidget(Qt::LeftDockWidgetArea, left);
    m_jobsPanel = new JobsPanel(m_jobs, m_controller, this);
    auto* jobs = new QDockWidget(tr("Jobs"), this);
    jobs->setObjectName("jobsDock");
    jobs->setWidget(m_jobsPanel);
    addDockWidget(Qt::BottomDockWidgetArea, jobs);
    m_log = new LogPanel(this);
    auto* log = new QDockWidget(tr("Log"), this);
    log->setObjectName("logDock");
    log->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, log);
    tabifyDockWidget(jobs, log);
    jobs->raise();
    resizeDocks({left}, {330}, Qt::Horizontal);
    resizeDocks({jobs}, {170}, Qt::Vertical); // the plots get the height
    connect(m_tree, &WorkspaceTree::modelSelected, this, [this](const ModelSelector& m) {
        for (Page* p : m_pageList)
            p->showModel(m);
    });
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName("mainToolbar");
    QAction* open =
        file->addAction(QIcon(":/icons/open.svg"), tr("&Open workspace…"), this, [this] {
            const QString dir = QFileDialog::getExistingDirectory(
                this, tr("Open workspace"),
                QString::fromStdString(m_workspace->workspace().string()));
            if (!dir.isEmpty()) openWorkspace(dir.toStdString());
        });
    open->setShortcut(QKeySequence::Open);
    QAction* refresh = file->addAction(QIcon(":/icons/refresh.svg"), tr("&Refresh"), m_workspace,
                                       &app::WorkspaceModel::refresh);
    refresh->setShortcut(QKeySequence::Refresh);
    QAction* exportAll =
        file->addAction(QIcon(":/icons/export.svg"), tr("&Export figures of this page…"), this,
                        &MainWindow::exportPageFigures);
    exportAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    QAction* newRun = run->addAction(QIcon(":/icons/run.svg"), tr("&New run…"), this,
                                     [this] { showPage("run"); });
    newRun->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    QAction* cancel = run->addAction(QIcon(":/icons/cancel.svg"), tr("&Cancel all jobs"),
                                     m_controller, &app::JobController::cancelAll);
    cancel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_pageList.size(); ++i) {
        QAction* a = view->addAction(m_pageList[i]->title(), this,
                                     [this, i] { m_pages->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About NetSurf"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    for (QAction* a : {open, refresh, newRun, cancel, exportAll})
        bar->addAction(a);
}

void MainWindow::connectController() {
    connect(m_controller, &app::JobController::jobStateChanged, m_workspace,
            &app::WorkspaceModel::onJobStateChanged);
    connect(m_controller, &app::JobController::jobMessage, m_log, &LogPanel::append);
    connect(m_controller, &app::JobController::jobStateChanged, this,
            [this](const QString& id, const JobStateChanged& s) {
                if (s.status == JobStatus::Failed || s.status == JobStatus::Skipped)
                    m_log->append(id,
                                  QStringLiteral("%1: %2").arg(toString(s.status),
                                                               QString::fromStdString(s.error)),
                                  true);
            });
    connect(m_controller, &app::JobController::finished, this,
            [this](const RunSummary& r, const QString& error) {
                if (m_run) m_run->setStartAllowed(true);
                const QString text =
                    error.isEmpty()
                        ? tr("Run finished: %1 done, %2 failed, %3 cancelled, %4 skipped.")
                              .arg(r.done)
                              .arg(r.failed)
                              .arg(r.cancelled)
                              .arg(r.skipped)
                        : tr("Run stopped: %1").arg(error);
                statusBar()->showMessage(text);
                m_log->append(QStringLiteral("batch"), text, !error.isEmpty() || !r.complete());
            });
    if (m_run) connect(m_run, &RunPage::startRequested, this, &MainWindow::startRun);
}

void MainWindow::startRun(const BatchConfig& config) {
    QString error;
    const BatchSessionOptions options{
        .workspace = m_workspace->workspace(), .data = m_options.data, .runner = {.threads = 0}};
    if (!m_controller->startBatch(config, options, &error)) {
        QMessageBox::warning(this, tr("Cannot start the run"), error);
        return;
    }
    m_run->setStartAllowed(false, tr("A run is going; cancel it or wait for it to finish."));
    statusBar()->showMessage(tr("Run started."), 5000);
}

void MainWindow::openWorkspace(const fs::path& workspace) {
    m_workspace->setWorkspace(workspace);
    if (m_run) m_run->setWorkspace(workspace);
    m_workspaceLabel->setText(tr("Workspace: %1").arg(QString::fromStdString(workspace.string())));
    pollExternalBatch();
}

// Another process's batch on this workspace: shown read-only; this window starts nothing then.
void MainWindow::pollExternalBatch() {
    if (m_controller->isRunning()) return;
    std::optional<BatchRow> batch;
    if (fs::exists(JobDatabase::pathFor(m_workspace->workspace())))
        if (auto db = JobDatabase::open(m_workspace->workspace(), true))
            if (auto b = (*db)->latestBatch(); b && *b) batch = **b;
    const QDateTime beat =
        batch ? QDateTime::fromString(QString::fromStdString(batch->heartbeat), Qt::ISODate)
              : QDateTime();
    const bool running = batch && batch->status == "running" && beat.isValid() &&
                         beat.secsTo(QDateTime::currentDateTimeUtc()) < 20;
    if (running) {
        m_jobsPanel->showExternal(tr("Batch %1 of process %2 on %3 owns this workspace (read-only "
                                     "here): %4/%5 jobs finished, %6 % of the work, ETA %7")
                                      .arg(QString::fromStdString(batch->id))
                                      .arg(batch->pid)
                                      .arg(QString::fromStdString(batch->host))
                                      .arg(batch->finishedJobs)
                                      .arg(batch->jobs)
                                      .arg(100 * batch->fraction, 0, 'f', 1)
                                      .arg(durationText(batch->etaSeconds)),
                                  batch->fraction);
        if (!m_externalRunning || QDateTime::currentSecsSinceEpoch() % 10 < 2)
            m_workspace->rescanAll(); // off the GUI thread, changed models only
    } else if (m_externalRunning) {
        m_jobsPanel->showExternal({}, 0);
        m_workspace->rescanAll();
    }
    if (running != m_externalRunning && m_run)
        m_run->setStartAllowed(
            !running, running ? tr("Another process's batch owns this workspace.") : QString());
    m_externalRunning = running;
}

void MainWindow::exportPageFigures() {
    auto* page = qobject_cast<Page*>(m_pages->currentWidget());
    const QString message =
        exportFiguresInteractively(page ? page->plots() : QList<QCustomPlot*>{}, this);
    if (!message.isEmpty()) statusBar()->showMessage(message, 8000);
}

void MainWindow::showAbout() {
    QMessageBox box(this);
    box.setWindowTitle(tr("About NetSurf"));
    box.setIconPixmap(QIcon(":/icons/netsurf.svg").pixmap(96, 96));
    box.setText(app::aboutText());
    box.exec();
}

void MainWindow::saveSettings() const {
    QSettings s;
    s.setValue("geometry", saveGeometry());
    s.setValue("state", saveState());
    s.setValue("workspace", QString::fromStdString(m_workspace->workspace().string()));
    if (auto sel = m_tree->selectedModel())
        s.setValue("selection", QStringLiteral("%1/%2/%3")
                                    .arg(QString::fromStdString(sel->benchmark),
                                         QString::fromStdString(sel->scheme.str()))
                                    .arg(sel->pruning));
    if (const Page* p = currentPage()) s.setValue("page", p->pageName());
    if (m_run)
        s.setValue("runForm", QJsonDocument(m_run->formJson()).toJson(QJsonDocument::Compact));
}

void MainWindow::restoreSettings() {
    QSettings s;
    restoreGeometry(s.value("geometry").toByteArray());
    restoreState(s.value("state").toByteArray());
    if (m_run && s.contains("runForm"))
        m_run->setFormJson(QJsonDocument::fromJson(s.value("runForm").toByteArray()).object());
    QTimer::singleShot(
        0, this, [this, sel = s.value("selection").toString(), page = s.value("page").toString()] {
            if (!sel.isEmpty()) selectModel(sel);
            if (!page.isEmpty()) showPage(page);
        });
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_controller->isRunning() &&
        QMessageBox::question(this, tr("A run is going"),
                              tr("Cancel the running jobs and quit? Finished work is kept; the "
                                 "same run continues where it stopped.")) != QMessageBox::Yes) {
        event->ignore();
        return;
    }
    if (m_options.restoreSettings) saveSettings();
    m_controller->cancelAll();
    event->accept();
}

} // namespace netsurf::widgets
