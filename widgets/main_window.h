#pragma once
// The NetSurf main window: the workspace tree (left), the pages (centre: results, compare,
// overview, run), the jobs and log panels (bottom), menus, toolbar, status bar, shortcuts and an
// About box; window state and last choices restored from QSettings. It only shows and asks: runs
// go through the app_core JobController, the workspace through the WorkspaceModel. When another
// process's batch owns the workspace, its progress is shown read-only (from the job database's
// heartbeat) and no run can be started.
#include <QMainWindow>
#include <filesystem>

#include "engine/data/dataset.h"
#include "engine/runner/batch_config.h"

class QTabWidget;
class QLabel;
class QTimer;

namespace netsurf::app {
class JobController;
class JobsModel;
class WorkspaceModel;
} // namespace netsurf::app

namespace netsurf::widgets {

class JobsPanel;
class LogPanel;
class Page;
class RunPage;
class WorkspaceTree;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Options {
        std::filesystem::path workspace; // empty: the last one (QSettings), else the default
        DatasetOptions data;
        bool restoreSettings = true; // false for --screenshot and tests: a reproducible window
    };
    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    void openWorkspace(const std::filesystem::path& workspace);
    bool selectModel(const QString& selector); // "mnist_fnn/q<6,2,1>/0.125"; false if unknown
    bool showPage(const QString& name);        // false if unknown
    QStringList pageNames() const;
    Page* currentPage() const;
    app::JobController* controller() const { return m_controller; }

    // Names of every page, in tab order (also without a window: --help).
    static QStringList allPageNames();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createDocks();
    void connectController();
    void startRun(const BatchConfig& config);
    void pollExternalBatch();
    void saveSettings() const;
    void restoreSettings();
    void showAbout();
    void exportPageFigures();

    Options m_options;
    app::JobController* m_controller = nullptr;
    app::JobsModel* m_jobs = nullptr;
    app::WorkspaceModel* m_workspace = nullptr;
    WorkspaceTree* m_tree = nullptr;
    QTabWidget* m_pages = nullptr;
    QList<Page*> m_pageList;
    RunPage* m_run = nullptr;
    JobsPanel* m_jobsPanel = nullptr;
    LogPanel* m_log = nullptr;
    QLabel* m_workspaceLabel = nullptr;
    QTimer* m_poll = nullptr;
    bool m_externalRunning = false;
};

} // namespace netsurf::widgets
