#include "widgets/run/run_page.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <thread>

#include "app/core/method_info.h"
#include "engine/model/benchmarks.h"
#include "engine/runner/batch_session.h"
#include "widgets/jobs/jobs_panel.h"

namespace netsurf::widgets {

namespace {

const char* kSeedSchemes[] = {"q<6,2,1>", "q<6,0,1>", "q<6,0,0>", "q<16,1,1>"};

QJsonArray numbers(const QString& text, bool* ok) {
    QJsonArray out;
    *ok = true;
    for (const QString& part : text.split(',', Qt::SkipEmptyParts)) {
        bool good = false;
        const double v = part.trimmed().toDouble(&good);
        if (!good) *ok = false;
        out.push_back(good ? QJsonValue(v) : QJsonValue(part.trimmed()));
    }
    return out;
}

// "q<8,3,1>, q<4,1,1>" → its schemes: commas inside <…> belong to a scheme.
QStringList splitSchemes(const QString& text) {
    QStringList out;
    QString current;
    int depth = 0;
    for (QChar c : text) {
        depth += c == '<' ? 1 : c == '>' ? -1 : 0;
        if ((c == ',' || c == ';') && depth <= 0) {
            if (!current.trimmed().isEmpty()) out << current.trimmed();
            current.clear();
            continue;
        }
        current += c;
    }
    if (!current.trimmed().isEmpty()) out << current.trimmed();
    return out;
}

} // namespace

RunPage::RunPage(QWidget* parent)
    : Page(parent), m_generation(std::make_shared<std::atomic<int>>(0)) {
    auto* content = new QWidget;
    auto* columns = new QHBoxLayout(content);
    columns->addWidget(buildModels(), 2);
    columns->addWidget(buildRankings(), 3);
    columns->addWidget(buildSweep(), 3);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_start = new QPushButton(QIcon(":/icons/run.svg"), tr("Start run"), this);
    m_start->setDefault(true);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_summary, 1);
    bottom->addWidget(m_start);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addLayout(bottom);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);
    connect(m_debounce, &QTimer::timeout, this, &RunPage::estimate);
    connect(m_start, &QPushButton::clicked, this, [this] {
        QString error;
        if (auto c = config(&error))
            emit startRequested(*c);
        else
            m_summary->setText(
                tr("<span style='color:#c0392b'>%1</span>").arg(error.toHtmlEscaped()));
    });
    setFormJson({});
}

RunPage::~RunPage() {
    ++*m_generation;
} // an estimate still computing is dropped

QWidget* RunPage::buildModels() {
    auto* box = new QGroupBox(tr("Models"));
    auto* form = new QFormLayout(box);
    auto* benches = new QVBoxLayout;
    for (const std::string& b : benchmarkNames()) {
        m_benchmarks << new QCheckBox(QString::fromStdString(b));
        benches->addWidget(m_benchmarks.back());
    }
    form->addRow(tr("Benchmarks"), benches);
    auto* schemes = new QVBoxLayout;
    for (const char* q : kSeedSchemes) {
        m_schemes << new QCheckBox(QString::fromLatin1(q));
        schemes->addWidget(m_schemes.back());
    }
    m_moreSchemes = new QLineEdit;
    m_moreSchemes->setPlaceholderText(tr("more schemes, e.g. q<8,3,1>, q<4,1,1>"));
    m_schemeError = new QLabel;
    m_schemeError->setWordWrap(true);
    m_schemeError->setTextFormat(Qt::PlainText);
    m_schemeError->setStyleSheet(QStringLiteral("color:#c0392b"));
    schemes->addWidget(m_moreSchemes);
    schemes->addWidget(m_schemeError);
    form->addRow(tr("Schemes q<m,n,s>"), schemes);
    m_prunings = new QLineEdit;
    m_prunings->setToolTip(tr("Target kernel sparsities, comma-separated (0 ≤ p < 1)"));
    form->addRow(tr("Pruning levels"), m_prunings);
    m_epochs = new QSpinBox;
    m_epochs->setRange(0, 100000);
    m_epochs->setSpecialValueText(tr("benchmark default"));
    form->addRow(tr("Epochs"), m_epochs);
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1000000);
    form->addRow(tr("Seed"), m_seed);
    for (QCheckBox* c : m_benchmarks + m_schemes)
        connect(c, &QCheckBox::toggled, this, &RunPage::scheduleEstimate);
    connect(m_moreSchemes, &QLineEdit::textChanged, this, [this] {
        validateSchemeText();
        scheduleEstimate();
    });
    for (auto* e : {m_prunings})
        connect(e, &QLineEdit::textChanged, this, &RunPage::scheduleEstimate);
    connect(m_epochs, &QSpinBox::valueChanged, this, &RunPage::scheduleEstimate);
    connect(m_seed, &QSpinBox::valueChanged, this, &RunPage::scheduleEstimate);
    return box;
}

QWidget* RunPage::buildRankings() {
    auto* box = new QGroupBox(tr("Rankings"));
    auto* layout = new QVBoxLayout(box);
    m_methods = new QListWidget;
    m_methods->setWordWrap(true);
    m_methods->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    for (RankMethod m : allRankMethods()) {
        auto* item = new QListWidgetItem(
            QStringLiteral("%1 — %2").arg(toString(m), app::methodDescription(m)));
        item->setData(Qt::UserRole, QString::fromLatin1(toString(m)));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        m_methods->addItem(item);
    }
    layout->addWidget(new QLabel(tr("Methods")));
    layout->addWidget(m_methods, 1);
    auto* orders = new QHBoxLayout;
    orders->addWidget(new QLabel(tr("Orders")));
    for (const char* o : {"plane", "global"}) {
        m_orders << new QCheckBox(QString::fromLatin1(o));
        orders->addWidget(m_orders.back());
        connect(m_orders.back(), &QCheckBox::toggled, this, &RunPage::scheduleEstimate);
    }
    orders->addStretch();
    layout->addLayout(orders);
    connect(m_methods, &QListWidget::itemChanged, this, &RunPage::scheduleEstimate);
    return box;
}

QWidget* RunPage::buildSweep() {
    auto* box = new QGroupBox(tr("Sweep"));
    auto* form = new QFormLayout(box);
    m_mode = new QComboBox;
    m_mode->addItems({QStringLiteral("exhaustive"), QStringLiteral("montecarlo")});
    form->addRow(tr("Mode"), m_mode);
    m_reps = new QSpinBox;
    m_reps->setRange(1, 100000);
    form->addRow(tr("Repetitions (Monte-Carlo)"), m_reps);
    m_bers = new QLineEdit;
    m_bers->setToolTip(tr("Bit error rates, comma-separated (0 < BER ≤ 1)"));
    form->addRow(tr("BER"), m_bers);
    m_protections = new QLineEdit;
    m_protections->setToolTip(tr("Fractions of the bits protected, comma-separated (0 ≤ p < 1)"));
    form->addRow(tr("Protection"), m_protections);
    m_split = new QComboBox;
    m_split->addItems({QStringLiteral("test"), QStringLiteral("train")});
    form->addRow(tr("Evaluation split"), m_split);
    connect(m_mode, &QComboBox::currentTextChanged, this, [this](const QString& m) {
        m_reps->setEnabled(m == QLatin1String("montecarlo"));
        scheduleEstimate();
    });
    for (auto* e : {m_bers, m_protections})
        connect(e, &QLineEdit::textChanged, this, &RunPage::scheduleEstimate);
    connect(m_reps, &QSpinBox::valueChanged, this, &RunPage::scheduleEstimate);
    connect(m_split, &QComboBox::currentTextChanged, this, &RunPage::scheduleEstimate);
    return box;
}

void RunPage::validateSchemeText() {
    QStringList errors;
    for (const QString& s : splitSchemes(m_moreSchemes->text()))
        if (auto q = QuantScheme::parse(s.toStdString()); !q)
            errors << QString::fromStdString(q.error().message);
    m_schemeError->setText(errors.join('\n'));
}

QJsonObject RunPage::formJson() const {
    QJsonObject j;
    QJsonArray benches, schemes, methods, orders;
    for (QCheckBox* c : m_benchmarks)
        if (c->isChecked()) benches.push_back(c->text());
    for (QCheckBox* c : m_schemes)
        if (c->isChecked()) schemes.push_back(c->text());
    for (const QString& s : splitSchemes(m_moreSchemes->text()))
        schemes.push_back(s);
    for (int i = 0; i < m_methods->count(); ++i)
        if (m_methods->item(i)->checkState() == Qt::Checked)
            methods.push_back(m_methods->item(i)->data(Qt::UserRole).toString());
    for (QCheckBox* c : m_orders)
        if (c->isChecked()) orders.push_back(c->text());
    bool ok = true;
    j["benchmarks"] = benches;
    j["quantizations"] = schemes;
    j["prunings"] = numbers(m_prunings->text(), &ok);
    j["methods"] = methods;
    j["orders"] = orders;
    j["ber"] = numbers(m_bers->text(), &ok);
    j["protection"] = numbers(m_protections->text(), &ok);
    j["mode"] = m_mode->currentText();
    j["reps"] = m_reps->value();
    j["eval_split"] = m_split->currentText();
    if (m_epochs->value() > 0) j["epochs"] = m_epochs->value();
    j["seed"] = m_seed->value();
    return j;
}

void RunPage::setFormJson(const QJsonObject& saved) {
    // Missing keys take the seed sweep's values.
    const BatchConfig seed = seedSweepConfig();
    const nlohmann::json d = batchConfigJson(seed);
    QJsonObject j = QJsonDocument::fromJson(QByteArray::fromStdString(d.dump())).object();
    for (auto it = saved.begin(); it != saved.end(); ++it)
        j[it.key()] = it.value();
    const auto has = [](const QJsonArray& a, const QString& v) {
        return a.contains(QJsonValue(v));
    };
    for (QCheckBox* c : m_benchmarks)
        c->setChecked(has(j["benchmarks"].toArray(), c->text()));
    QStringList more;
    for (const QJsonValue& v : j["quantizations"].toArray())
        if (!QStringList({kSeedSchemes[0], kSeedSchemes[1], kSeedSchemes[2], kSeedSchemes[3]})
                 .contains(v.toString()))
            more << v.toString();
    for (QCheckBox* c : m_schemes)
        c->setChecked(has(j["quantizations"].toArray(), c->text()));
    m_moreSchemes->setText(more.join(", "));
    const auto text = [](const QJsonArray& a) {
        QStringList s;
        for (const QJsonValue& v : a)
            s << (v.isDouble() ? QString::number(v.toDouble(), 'g', 15) : v.toString());
        return s.join(", ");
    };
    m_prunings->setText(text(j["prunings"].toArray()));
    for (int i = 0; i < m_methods->count(); ++i)
        m_methods->item(i)->setCheckState(
            has(j["methods"].toArray(), m_methods->item(i)->data(Qt::UserRole).toString())
                ? Qt::Checked
                : Qt::Unchecked);
    for (QCheckBox* c : m_orders)
        c->setChecked(has(j["orders"].toArray(), c->text()));
    m_bers->setText(text(j["ber"].toArray()));
    m_protections->setText(text(j["protection"].toArray()));
    m_mode->setCurrentText(j["mode"].toString());
    m_reps->setValue(j["reps"].toInt(50));
    m_reps->setEnabled(m_mode->currentText() == QLatin1String("montecarlo"));
    m_split->setCurrentText(j["eval_split"].toString());
    m_epochs->setValue(j["epochs"].isDouble() ? j["epochs"].toInt() : 0);
    m_seed->setValue(j["seed"].toInt());
    scheduleEstimate();
}

std::optional<BatchConfig> RunPage::config(QString* error) const {
    const QByteArray text = QJsonDocument(formJson()).toJson(QJsonDocument::Compact);
    auto c = parseBatchConfig(text.toStdString(), tr("the run configuration").toStdString());
    if (!c) {
        if (error) *error = QString::fromStdString(c.error().message);
        return std::nullopt;
    }
    return *c;
}

void RunPage::showModel(const ModelSelector&) {} // the form is not about one model

void RunPage::setWorkspace(const std::filesystem::path& workspace) {
    m_workspace = workspace;
    scheduleEstimate();
}

void RunPage::setStartAllowed(bool allowed, const QString& why) {
    m_startAllowed = allowed;
    m_start->setEnabled(allowed);
    m_start->setToolTip(why);
}

void RunPage::scheduleEstimate() {
    m_debounce->start();
}

// Jobs and time of the form's run, from the workspace as it stands (planBatch reads the model
// files, so it runs on a thread of its own; a newer request drops an older answer).
void RunPage::estimate() {
    QString error;
    const auto c = config(&error);
    if (!c) {
        m_summary->setText(
            QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(error.toHtmlEscaped()));
        m_start->setEnabled(false);
        return;
    }
    m_start->setEnabled(m_startAllowed);
    m_summary->setText(tr("Estimating…"));
    const int generation = ++*m_generation;
    // The answer goes through qApp and a QPointer: the page may be gone when it arrives.
    std::thread([self = QPointer<RunPage>(this), gen = m_generation, generation, cfg = *c,
                 ws = m_workspace] {
        const auto jobs = buildBatchJobs(cfg, {.workspace = ws});
        std::size_t done = 0;
        double seconds = 0;
        for (const PlannedJob& p : planBatch(jobs)) {
            done += p.present == "done";
            seconds += p.remainingSeconds;
        }
        QMetaObject::invokeMethod(
            qApp,
            [self, gen, generation, n = jobs.size(), done, seconds] {
                if (!self || *gen != generation) return; // stale, or the page is gone
                self->m_summary->setText(
                    tr("%1 jobs, %2 already in the workspace; the rest takes roughly %3 (an "
                       "estimate from measured speeds).")
                        .arg(n)
                        .arg(done)
                        .arg(durationText(seconds)));
                self->m_ready = true;
                emit self->readyChanged();
            },
            Qt::QueuedConnection);
    }).detach();
}

} // namespace netsurf::widgets
