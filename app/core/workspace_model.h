#pragma once
// The workspace as a tree for the main window (Qt Core item model):
//   benchmark → scheme → pruning (a model) → ranking (method, order) → experiment (mode, split)
// with a status per item — not run, running, partial (with its coverage), complete, failed — read
// from the files and overlaid with the live job states of a run (JobController::jobStateChanged,
// mapped by the batch job ids of engine/runner/batch_jobs.h). A model whose job finishes is
// rescanned on its own; the rest of the tree keeps its rows (views keep expansion and selection).
#include "app/core/workspace_scan.h"
#include <QAbstractItemModel>
#include <QStringList>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "engine/jobs/model_jobs.h"
#include "engine/runner/job_events.h"

namespace netsurf::app {

class WorkspaceModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum class Kind { Benchmark, Scheme, Pruning, Ranking, Experiment };
    enum class Status { NotRun, Running, Partial, Complete, Failed };
    enum Role {
        KindRole = Qt::UserRole + 1, // Kind as int
        StatusRole,                  // Status as int
        CoverageRole,                // double 0..1 (experiments; 1 elsewhere when complete)
        PathRole,                    // QString: the item's directory or results file
        SelectorRole,                // QString "mnist_fnn/q<6,2,1>/0.125" of the item's model
    };

    explicit WorkspaceModel(QObject* parent = nullptr);
    ~WorkspaceModel() override;

    // Scans `workspace` (a reset of the model).
    void setWorkspace(const std::filesystem::path& workspace);
    const std::filesystem::path& workspace() const { return m_workspace; }
    void refresh(); // rescans everything (a reset)
    // Reads every model again on a thread of its own and updates only the models whose files
    // changed, in place (no reset: the view keeps its expansion and selection). For watching
    // another process's batch.
    void rescanAll();

    // The index of a model ("mnist_fnn/q<6,2,1>/0.125", the --select syntax), or invalid.
    QModelIndex findModel(const QString& selector) const;
    // The selector of an index's model (its own or its ancestor's); nullopt above the pruning
    // level.
    std::optional<ModelSelector> modelOf(const QModelIndex& index) const;
    // Parses "benchmark/q<m,n,s>/pruning"; nullopt when malformed.
    static std::optional<ModelSelector> parseSelector(const QString& text,
                                                      const std::filesystem::path& workspace);

    static QString statusText(Status s);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

signals:
    // A model's subtree was read again from its files (after one of its jobs ended).
    void modelRescanned(const QString& modelKey);

public slots:
    // A job's state from the controller: the matching item shows running / failed; a job that
    // ends rescans its model.
    void onJobStateChanged(const QString& jobId, const netsurf::JobStateChanged& state);

public:
    struct Node; // public so that the .cpp's helpers can fill nodes

private:
    Node* nodeOf(const QModelIndex& index) const;
    QModelIndex indexOf(Node* node) const;
    Node* modelNode(const std::string& benchmark, const std::string& schemeDir,
                    const std::string& pruningDir, bool notify);
    void rescanModel(Node* model);
    // Runs `scan` on a thread of its own and applies its models here (unless a refresh came
    // between).
    template <typename Scan> void scanInBackground(Scan scan);
    void applyScan(const ScannedModel& scan);
    void showLiveJobs(Node* model);
    Node* ensureJobNode(Node* model, const std::string& jobId, const QStringList& parts);
    Status statusOf(const Node* n, QString* error) const;

    std::filesystem::path m_workspace;
    std::unique_ptr<Node> m_root;
    std::map<std::string, netsurf::JobStateChanged> m_live; // job id → its last live state
    int m_generation = 0; // of the whole tree (refresh), to drop stale background scans
    std::map<std::string, ScannedModel> m_scans; // model key → what its subtree shows
};

} // namespace netsurf::app
