#include "widgets/workspace/workspace_tree.h"

#include <QHeaderView>
#include <QIcon>
#include <QIdentityProxyModel>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

namespace netsurf::widgets {

namespace {

// Adds the status icon (DecorationRole) to the workspace model's items.
class StatusIcons : public QIdentityProxyModel {
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex& index, int role) const override {
        if (role != Qt::DecorationRole) return QIdentityProxyModel::data(index, role);
        using WM = app::WorkspaceModel;
        if (WM::Kind(index.data(WM::KindRole).toInt()) < WM::Kind::Pruning) return {};
        static const QIcon icons[] = {
            QIcon(":/icons/status-notrun.svg"), QIcon(":/icons/status-running.svg"),
            QIcon(":/icons/status-partial.svg"), QIcon(":/icons/status-complete.svg"),
            QIcon(":/icons/status-failed.svg")};
        const int s = index.data(WM::StatusRole).toInt();
        return s >= 0 && s < 5 ? icons[s] : QVariant();
    }
};

} // namespace

WorkspaceTree::WorkspaceTree(app::WorkspaceModel* model, QWidget* parent)
    : QWidget(parent), m_model(model) {
    auto* proxy = new StatusIcons(this);
    proxy->setSourceModel(model);
    m_view = new QTreeView(this);
    m_view->setModel(proxy);
    m_view->setHeaderHidden(true);
    m_view->setUniformRowHeights(true);
    m_view->setExpandsOnDoubleClick(true);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_view);
    auto updateTitle = [this] {
        m_title->setText(
            tr("<b>Workspace</b><br><small>%1</small>")
                .arg(QString::fromStdString(m_model->workspace().string()).toHtmlEscaped()));
        m_view->expandToDepth(1);
    };
    connect(model, &QAbstractItemModel::modelReset, this, updateTitle);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
    updateTitle();
}

void WorkspaceTree::onCurrentChanged(const QModelIndex& index) {
    if (auto sel = m_model->modelOf(
            static_cast<QIdentityProxyModel*>(m_view->model())->mapToSource(index)))
        emit modelSelected(*sel);
}

bool WorkspaceTree::selectModel(const QString& selector) {
    const QModelIndex source = m_model->findModel(selector);
    if (!source.isValid()) return false;
    const auto* proxy = static_cast<QIdentityProxyModel*>(m_view->model());
    const QModelIndex i = proxy->mapFromSource(source);
    m_view->expand(i.parent());
    m_view->expand(i.parent().parent());
    m_view->setCurrentIndex(i);
    m_view->scrollTo(i);
    return true;
}

std::optional<ModelSelector> WorkspaceTree::selectedModel() const {
    const auto* proxy = static_cast<QIdentityProxyModel*>(m_view->model());
    return m_model->modelOf(proxy->mapToSource(m_view->currentIndex()));
}

} // namespace netsurf::widgets
