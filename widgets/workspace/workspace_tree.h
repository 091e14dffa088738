#pragma once
// The workspace tree dock's view: the app_core WorkspaceModel with status icons (not run,
// running, partial with its coverage, complete, failed) and a header line naming the workspace.
#include <QWidget>
#include <optional>

#include "app/core/workspace_model.h"

class QTreeView;
class QLabel;

namespace netsurf::widgets {

class WorkspaceTree : public QWidget {
    Q_OBJECT
public:
    explicit WorkspaceTree(app::WorkspaceModel* model, QWidget* parent = nullptr);
    // Selects (and shows) a model's item; false when it is not in the tree.
    bool selectModel(const QString& selector);
    std::optional<ModelSelector> selectedModel() const;
    QTreeView* view() const { return m_view; }

signals:
    void modelSelected(const netsurf::ModelSelector& model);

private:
    void onCurrentChanged(const QModelIndex& index);

    app::WorkspaceModel* m_model;
    QTreeView* m_view = nullptr;
    QLabel* m_title = nullptr;
};

} // namespace netsurf::widgets
