#include "app/core/workspace_model.h"

#include <QCoreApplication>
#include <QPointer>
#include <QStringList>
#include <map>
#include <thread>

#include "app/core/workspace_scan.h"
#include "engine/core/number_format.h"
#include "engine/model/benchmarks.h"
#include "engine/storage/workspace.h"

namespace netsurf::app {

namespace fs = std::filesystem;

struct WorkspaceModel::Node {
    Kind kind = Kind::Benchmark;
    QString label;
    std::string key; // benchmark / scheme dir / pruning dir / ranking key / experiment key
    fs::path path;
    Status status = Status::NotRun;
    double coverage = 0;
    QString detail;
    Node* parent = nullptr;
    std::vector<std::unique_ptr<Node>> children;

    Node* add(Kind k, QString l, std::string key_, fs::path p) {
        auto n = std::make_unique<Node>();
        n->kind = k;
        n->label = std::move(l);
        n->key = std::move(key_);
        n->path = std::move(p);
        n->parent = this;
        children.push_back(std::move(n));
        return children.back().get();
    }
    Node* child(const std::string& k) const {
        for (const auto& c : children)
            if (c->key == k) return c.get();
        return nullptr;
    }
    int row() const {
        for (std::size_t i = 0; parent && i < parent->children.size(); ++i)
            if (parent->children[i].get() == this) return int(i);
        return 0;
    }
    const Node* pruningNode() const {
        const Node* n = this;
        while (n && n->kind != Kind::Pruning)
            n = n->parent;
        return n;
    }
    std::string modelKey() const {
        const Node* n = pruningNode();
        return n ? n->parent->parent->key + "/" + n->parent->key + "/" + n->key : std::string();
    }
    // The batch job producing this item (engine/runner/batch_jobs.h ids).
    std::string jobId() const {
        switch (kind) {
        case Kind::Pruning:
            return "train:" + modelKey();
        case Kind::Ranking:
            return "rank:" + modelKey() + "/" + key;
        case Kind::Experiment:
            return "inject:" + modelKey() + "/" + parent->key + "/" + key;
        default:
            return {};
        }
    }
};

namespace {

QString schemeLabel(const std::string& dir) {
    int m = 0, n = 0, s = 0;
    if (std::sscanf(dir.c_str(), "q%d_%d_%d", &m, &n, &s) == 3)
        return QStringLiteral("q<%1,%2,%3>").arg(m).arg(n).arg(s);
    return QString::fromStdString(dir);
}

// Fills a pruning (model) node from a scan of its directory.
void fill(WorkspaceModel::Node* model, const ScannedModel& m) {
    using Kind = WorkspaceModel::Kind;
    using Status = WorkspaceModel::Status;
    model->path = m.dir;
    model->status = m.trained ? Status::Complete : Status::NotRun;
    for (const ScannedRanking& r : m.rankings) {
        auto* rn = model->add(Kind::Ranking,
                              QStringLiteral("%1 (%2)").arg(QString::fromStdString(r.method),
                                                            QString::fromStdString(r.order)),
                              r.key, r.path);
        rn->status = r.path.empty() ? Status::NotRun : Status::Complete;
        for (const ScannedExperiment& e : r.experiments) {
            auto* en = rn->add(Kind::Experiment,
                               QStringLiteral("%1 · %2").arg(QString::fromStdString(e.mode),
                                                             QString::fromStdString(e.split)),
                               e.key, e.path);
            en->coverage = e.coverage;
            en->status = e.coverage >= 1 ? Status::Complete : Status::Partial;
            en->detail = QObject::tr("%1 rows, %2 % of the grid")
                             .arg(e.rows)
                             .arg(100 * e.coverage, 0, 'f', 1);
        }
    }
}

} // namespace

WorkspaceModel::WorkspaceModel(QObject* parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<Node>()) {}

WorkspaceModel::~WorkspaceModel() = default;

QString WorkspaceModel::statusText(Status s) {
    switch (s) {
    case Status::NotRun:
        return tr("not run");
    case Status::Running:
        return tr("running");
    case Status::Partial:
        return tr("partial");
    case Status::Complete:
        return tr("complete");
    case Status::Failed:
        return tr("failed");
    }
    return {};
}

void WorkspaceModel::setWorkspace(const fs::path& workspace) {
    m_workspace = workspace;
    refresh();
}

void WorkspaceModel::refresh() {
    ++m_generation; // scans still running are for the old tree
    beginResetModel();
    m_root = std::make_unique<Node>();
    m_live.clear();
    for (const std::string& b : benchmarkNames())
        m_root->add(Kind::Benchmark, QString::fromStdString(b), b, m_workspace / b);
    m_scans.clear();
    for (ScannedModel& m : scanWorkspace(m_workspace, readJobParams(m_workspace))) {
        fill(modelNode(m.benchmark, m.schemeDir, m.pruningDir, false), m);
        m_scans.emplace(m.key(), std::move(m));
    }
    endResetModel();
}

template <typename Scan> void WorkspaceModel::scanInBackground(Scan scan) {
    std::thread([self = QPointer<WorkspaceModel>(this), generation = m_generation, ws = m_workspace,
                 scan = std::move(scan)] {
        auto models = std::make_shared<std::vector<ScannedModel>>();
        try {
            *models = scan(ws, readJobParams(ws));
        } catch (...) {
            return; // a damaged directory keeps its last scan; refresh() reports it
        }
        QMetaObject::invokeMethod(
            qApp,
            [self, generation, models] {
                if (!self || self->m_generation != generation) return;
                for (const ScannedModel& m : *models)
                    self->applyScan(m);
            },
            Qt::QueuedConnection);
    }).detach();
}

void WorkspaceModel::rescanAll() {
    scanInBackground(
        [](const fs::path& ws, const JobParams& params) { return scanWorkspace(ws, params); });
}

// The node of a model, created (with row insertions unless `quiet`) when missing.
WorkspaceModel::Node* WorkspaceModel::modelNode(const std::string& benchmark,
                                                const std::string& schemeDir,
                                                const std::string& pruningDir, bool notify) {
    Node* bench = m_root->child(benchmark);
    if (!bench) return nullptr;
    Node* scheme = bench->child(schemeDir);
    if (!scheme) {
        if (notify)
            beginInsertRows(indexOf(bench), int(bench->children.size()),
                            int(bench->children.size()));
        scheme =
            bench->add(Kind::Scheme, schemeLabel(schemeDir), schemeDir, bench->path / schemeDir);
        if (notify) endInsertRows();
    }
    Node* prune = scheme->child(pruningDir);
    if (!prune) {
        if (notify)
            beginInsertRows(indexOf(scheme), int(scheme->children.size()),
                            int(scheme->children.size()));
        prune = scheme->add(Kind::Pruning, QString::fromStdString(pruningDir.substr(6)), pruningDir,
                            scheme->path / pruningDir);
        if (notify) endInsertRows();
    }
    return prune;
}

// Scans read the files on a thread of their own (results files can be large) and are applied on
// this thread; a scan that arrives after a refresh of the whole tree is dropped.
void WorkspaceModel::rescanModel(Node* model) {
    scanInBackground([bench = model->parent->parent->key, scheme = model->parent->key,
                      prune = model->key](const fs::path& ws, const JobParams& params) {
        return std::vector<ScannedModel>{scanModel(ws, bench, scheme, prune, params)};
    });
}

void WorkspaceModel::applyScan(const ScannedModel& m) {
    const auto last = m_scans.find(m.key());
    if (last != m_scans.end() && last->second == m) return; // its files did not change
    Node* model = modelNode(m.benchmark, m.schemeDir, m.pruningDir, true);
    if (!model) return;
    m_scans[m.key()] = m;
    if (!model->children.empty()) {
        beginRemoveRows(indexOf(model), 0, int(model->children.size()) - 1);
        model->children.clear();
        endRemoveRows();
    }
    Node scratch;
    fill(&scratch, m);
    if (!scratch.children.empty()) {
        beginInsertRows(indexOf(model), 0, int(scratch.children.size()) - 1);
        for (auto& c : scratch.children)
            c->parent = model;
        model->children = std::move(scratch.children);
        endInsertRows();
    }
    model->status = scratch.status;
    model->path = scratch.path;
    const QModelIndex i = indexOf(model);
    emit dataChanged(i, i);
    showLiveJobs(model);
    emit modelRescanned(QString::fromStdString(m.key()));
}

void WorkspaceModel::onJobStateChanged(const QString& jobId, const netsurf::JobStateChanged& s) {
    const std::string id = jobId.toStdString();
    const auto colon = id.find(':');
    if (colon == std::string::npos) return;
    const QStringList parts = QString::fromStdString(id.substr(colon + 1)).split('/');
    if (parts.size() < 3) return;
    Node* model =
        modelNode(parts[0].toStdString(), parts[1].toStdString(), parts[2].toStdString(), true);
    if (!model) return;
    if (s.status == JobStatus::Done)
        m_live.erase(id);
    else
        m_live[id] = s;
    if (isFinal(s.status)) rescanModel(model); // what the job left on disk (asynchronously)
    showLiveJobs(model);
}

// Running and failed jobs of a model keep an item even when nothing is on disk yet.
void WorkspaceModel::showLiveJobs(Node* model) {
    const std::string prefix = model->modelKey() + "/";
    for (const auto& [other, st] : m_live) {
        const auto c = other.find(':');
        if (other.compare(c + 1, prefix.size(), prefix) != 0 &&
            other.substr(c + 1) != model->modelKey())
            continue;
        const QStringList p = QString::fromStdString(other.substr(c + 1)).split('/');
        if (Node* n = ensureJobNode(model, other, p)) {
            const QModelIndex i = indexOf(n);
            emit dataChanged(i, i);
        }
    }
}

// The node a running job will produce, created when the files do not have it yet.
WorkspaceModel::Node* WorkspaceModel::ensureJobNode(Node* model, const std::string& id,
                                                    const QStringList& parts) {
    if (id.rfind("train:", 0) == 0) return model;
    if (parts.size() < 4) return nullptr;
    const std::string rankKey = parts[3].toStdString();
    Node* ranking = model->child(rankKey);
    if (!ranking) {
        beginInsertRows(indexOf(model), int(model->children.size()), int(model->children.size()));
        ranking = model->add(Kind::Ranking, parts[3], rankKey, {});
        endInsertRows();
    }
    if (id.rfind("inject:", 0) != 0 || parts.size() < 5) return ranking;
    const std::string expKey = parts[4].toStdString();
    Node* exp = ranking->child(expKey);
    if (!exp) {
        beginInsertRows(indexOf(ranking), int(ranking->children.size()),
                        int(ranking->children.size()));
        exp = ranking->add(Kind::Experiment, parts[4], expKey, {});
        endInsertRows();
    }
    return exp;
}

std::optional<ModelSelector> WorkspaceModel::parseSelector(const QString& text,
                                                           const fs::path& workspace) {
    const QStringList parts = text.split('/');
    if (parts.size() != 3) return std::nullopt;
    auto scheme = QuantScheme::parse(parts[1].toStdString());
    bool ok = false;
    const double pruning = parts[2].toDouble(&ok);
    if (!scheme || !ok || !validatePruning(pruning).ok() ||
        !benchmarkSpec(parts[0].toStdString()).ok())
        return std::nullopt;
    return ModelSelector{parts[0].toStdString(), *scheme, pruning, workspace};
}

QModelIndex WorkspaceModel::findModel(const QString& selector) const {
    const auto sel = parseSelector(selector, m_workspace);
    if (!sel) return {};
    const Node* bench = m_root->child(sel->benchmark);
    const Node* scheme = bench ? bench->child(sel->scheme.dirName()) : nullptr;
    Node* prune = scheme ? scheme->child(pruningDirName(sel->pruning)) : nullptr;
    return prune ? indexOf(prune) : QModelIndex();
}

std::optional<ModelSelector> WorkspaceModel::modelOf(const QModelIndex& index) const {
    const Node* n = nodeOf(index);
    const Node* prune = n ? n->pruningNode() : nullptr;
    if (!prune) return std::nullopt;
    return parseSelector(QString::fromStdString(prune->parent->parent->key) + "/" +
                             schemeLabel(prune->parent->key) + "/" + prune->label,
                         m_workspace);
}

WorkspaceModel::Node* WorkspaceModel::nodeOf(const QModelIndex& index) const {
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex WorkspaceModel::indexOf(Node* node) const {
    if (!node || node == m_root.get()) return {};
    return createIndex(node->row(), 0, node);
}

QModelIndex WorkspaceModel::index(int row, int column, const QModelIndex& parent) const {
    const Node* p = nodeOf(parent);
    if (column != 0 || row < 0 || row >= int(p->children.size())) return {};
    return createIndex(row, 0, p->children[std::size_t(row)].get());
}

QModelIndex WorkspaceModel::parent(const QModelIndex& child) const {
    const Node* n = nodeOf(child);
    return n && n != m_root.get() ? indexOf(n->parent) : QModelIndex();
}

int WorkspaceModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() && parent.column() != 0) return 0;
    return int(nodeOf(parent)->children.size());
}

int WorkspaceModel::columnCount(const QModelIndex&) const {
    return 1;
}

WorkspaceModel::Status WorkspaceModel::statusOf(const Node* n, QString* error) const {
    const auto it = m_live.find(n->jobId());
    if (it != m_live.end()) {
        if (error) *error = QString::fromStdString(it->second.error);
        if (it->second.status == JobStatus::Running) return Status::Running;
        if (it->second.status == JobStatus::Failed) return Status::Failed;
    }
    return n->status;
}

QVariant WorkspaceModel::data(const QModelIndex& index, int role) const {
    const Node* n = nodeOf(index);
    if (!index.isValid() || !n) return {};
    QString error;
    const Status status = statusOf(n, &error);
    switch (role) {
    case Qt::DisplayRole:
        return n->label;
    case Qt::ToolTipRole: {
        QString tip = QString::fromStdString(n->path.string());
        if (n->kind >= Kind::Pruning) tip += "\n" + statusText(status);
        if (!n->detail.isEmpty()) tip += "\n" + n->detail;
        if (!error.isEmpty()) tip += "\n" + error;
        return tip;
    }
    case KindRole:
        return int(n->kind);
    case StatusRole:
        return int(status);
    case CoverageRole:
        return n->kind == Kind::Experiment ? n->coverage : (status == Status::Complete ? 1.0 : 0.0);
    case PathRole:
        return QString::fromStdString(n->path.string());
    case SelectorRole: {
        const auto sel = modelOf(index);
        return sel ? QStringLiteral("%1/%2/%3")
                         .arg(QString::fromStdString(sel->benchmark),
                              QString::fromStdString(sel->scheme.str()),
                              QString::fromStdString(shortestDouble(sel->pruning)))
                   : QString();
    }
    default:
        return {};
    }
}

QVariant WorkspaceModel::headerData(int section, Qt::Orientation o, int role) const {
    if (section == 0 && o == Qt::Horizontal && role == Qt::DisplayRole) return tr("Workspace");
    return {};
}

} // namespace netsurf::app
