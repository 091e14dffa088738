#include "widgets/profile/profile_page.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>

#include "app/core/job_controller.h"
#include "engine/analysis/profile_stats.h"
#include "engine/jobs/profile_job.h"
#include "engine/runner/batch_jobs.h"
#include "widgets/compare/plot_style.h"
#include "widgets/compare/selectors.h"
#include "widgets/profile/profile_plots.h"

namespace netsurf::widgets {

ProfilePage::ProfilePage(QWidget* parent) : Page(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QWidget;
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_distribution = addCombo(row, tr("&Distribution:"), tr("The profiled quantity"));
    m_distribution->setMinimumContentsLength(28);
    m_divergence = new QLabel;
    m_divergence->setStyleSheet(QStringLiteral("color: #555;"));
    m_divergence->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    row->addWidget(m_divergence, 1);
    m_compute = new QPushButton(tr("&Compute profile"));
    m_compute->setToolTip(tr("Profile the model before and after training (netsurf-cli profile)"));
    row->addWidget(m_compute);
    layout->addWidget(bar);
    connect(m_distribution, &QComboBox::currentIndexChanged, this, &ProfilePage::redraw);
    connect(m_compute, &QPushButton::clicked, this, &ProfilePage::compute);

    auto* content = new QSplitter(Qt::Horizontal);
    m_table = new QTableWidget(0, 4);
    m_table->setHorizontalHeaderLabels({tr("statistic"), tr("before"), tr("after"), tr("Δ")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setMinimumWidth(300);
    content->addWidget(m_table);
    auto* plots = new QSplitter(Qt::Vertical);
    m_histogram = new PlotPanel(tr("Distribution before and after training"));
    m_histogram->plot()->setObjectName(QStringLiteral("profile-distribution"));
    m_lorenz = new PlotPanel(tr("Lorenz curve"));
    m_lorenz->plot()->setObjectName(QStringLiteral("profile-lorenz"));
    plots->addWidget(m_histogram);
    plots->addWidget(m_lorenz);
    content->addWidget(plots);
    content->setStretchFactor(1, 1);
    m_stack = new MessageStack(content);
    layout->addWidget(m_stack, 1);
    m_stack->showMessage(tr("Select a model in the workspace to see its robustness profile."));
    m_compute->setEnabled(false);
}

QList<QCustomPlot*> ProfilePage::plots() const {
    return {m_histogram->plot(), m_lorenz->plot()};
}

PlotPanel* ProfilePage::panel(const QString& name) const {
    return name == "histogram" ? m_histogram : name == "lorenz" ? m_lorenz : nullptr;
}

void ProfilePage::setReady(bool ready) {
    if (ready == m_ready) return;
    m_ready = ready;
    emit readyChanged();
}

void ProfilePage::setController(app::JobController* controller) {
    if (m_controller) disconnect(m_controller, nullptr, this, nullptr);
    Page::setController(controller);
    if (!controller) return;
    connect(controller, &app::JobController::jobStateChanged, this,
            [this](const QString& id, const JobStateChanged& s) {
                if (s.status == JobStatus::Done && m_haveModel &&
                    id.toStdString() ==
                        "profile:" + modelKey(m_model.benchmark, m_model.scheme, m_model.pruning))
                    load();
            });
}

void ProfilePage::showModel(const ModelSelector& model) {
    m_model = model;
    m_haveModel = true;
    load();
}

void ProfilePage::load() {
    setReady(false);
    m_stack->showMessage(tr("Reading the robustness profile …"));
    const std::filesystem::path dir = modelPathFor(m_model).parent_path();
    runOffGuiThread(
        this, m_ticket,
        [dir](std::stop_token) {
            Profiles p;
            p.pre = readProfileFile(dir / "profile_pre.json", &p.error);
            p.post = readProfileFile(dir / "profile_post.json", &p.error);
            return p;
        },
        [this](Profiles p) { apply(std::move(p)); });
}

void ProfilePage::compute() {
    if (!m_haveModel) return;
    setReady(false);
    m_compute->setEnabled(false);
    m_stack->showMessage(tr("Computing the robustness profile before and after training …"));
    const std::filesystem::path dir = modelPathFor(m_model).parent_path();
    runOffGuiThread(
        this, m_ticket,
        [model = m_model, dir](std::stop_token stop) {
            NullProgressSink sink;
            Profiles p;
            auto out = runProfileJob({.model = model}, sink, stop);
            if (!out) {
                p.error = QString::fromStdString(out.error().message);
                return p;
            }
            p.pre = readProfileFile(out->prePath, &p.error);
            p.post = readProfileFile(out->postPath, &p.error);
            return p;
        },
        [this](Profiles p) { apply(std::move(p)); });
}

void ProfilePage::apply(Profiles p) {
    m_profiles = std::move(p);
    const bool trained = std::filesystem::exists(modelPathFor(m_model));
    m_compute->setEnabled(trained);
    if (!m_profiles.error.isEmpty()) {
        m_stack->showMessage(m_profiles.error);
    } else if (m_profiles.pre.is_null() || m_profiles.post.is_null()) {
        m_stack->showMessage(
            trained ? tr("This model has no robustness profile yet.\n\n“Compute profile” (or "
                         "netsurf-cli profile) computes it before and after training.")
                    : tr("This model is not trained yet."));
    } else {
        QList<QPair<QString, QVariant>> items;
        for (const std::string& name : profileDistributionNames())
            if (m_profiles.post["distributions"].contains(name))
                items.append({distributionTitle(name), QString::fromStdString(name)});
        refill(m_distribution, items, 0);
        m_stack->showContent();
        redraw();
    }
    setReady(true);
}

void ProfilePage::redraw() {
    if (m_profiles.post.is_null() || m_distribution->count() == 0) return;
    const std::string name = m_distribution->currentData().toString().toStdString();
    const nlohmann::json& pre = m_profiles.pre["distributions"][name];
    const nlohmann::json& post = m_profiles.post["distributions"][name];
    const nlohmann::json& div = m_profiles.post["divergence_from_pre"][name];
    m_divergence->setText(tr("n = %1 · %2 samples · divergence: cosine %3, Gini shift %4, "
                             "symmetric KL %5")
                              .arg(post["n"].get<std::size_t>())
                              .arg(m_profiles.post["samples"].get<std::size_t>())
                              .arg(statText(div["cosine"]), statText(div["gini_shift"]),
                                   statText(div["symmetric_kl"])));
    const std::vector<std::string>& stats = statisticNames();
    m_table->setRowCount(int(stats.size()));
    for (int r = 0; r < int(stats.size()); ++r) {
        const std::string& s = stats[std::size_t(r)];
        m_table->setItem(r, 0, new QTableWidgetItem(QString::fromStdString(s)));
        m_table->setItem(r, 1, new QTableWidgetItem(statText(pre[s])));
        m_table->setItem(r, 2, new QTableWidgetItem(statText(post[s])));
        m_table->setItem(r, 3, new QTableWidgetItem(statText(div["difference"][s])));
        for (int c = 1; c < 4; ++c)
            m_table->item(r, c)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }

    drawProfileHistogram(m_histogram->plot(), pre, post, name);
    m_histogram->showPlot();
    drawProfileLorenz(m_lorenz->plot(), pre, post, name);
    m_lorenz->showPlot();
    m_histogram->plot()->replot();
    m_lorenz->plot()->replot();
}

} // namespace netsurf::widgets
