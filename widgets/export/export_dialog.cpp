#include "widgets/export/export_dialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSpinBox>
#include <QToolButton>
#include <qcustomplot.h>

namespace netsurf::widgets {

namespace {

struct Preset {
    const char* text;
    SizeUnit unit;
    double width, height;
    int dpi;
};
// Index 0 is "as on screen" (the plot's size), the last one "custom".
const Preset kPresets[] = {
    {QT_TRANSLATE_NOOP("ExportDialog", "As on screen"), SizeUnit::Pixels, 0, 0, 96},
    {QT_TRANSLATE_NOOP("ExportDialog", "Paper, one column (88 × 66 mm)"), SizeUnit::Millimetres, 88,
     66, 300},
    {QT_TRANSLATE_NOOP("ExportDialog", "Paper, two columns (180 × 100 mm)"), SizeUnit::Millimetres,
     180, 100, 300},
    {QT_TRANSLATE_NOOP("ExportDialog", "Slide (1920 × 1080 px)"), SizeUnit::Pixels, 1920, 1080,
     192},
};
constexpr int kPresetCount = int(std::size(kPresets));

QString withSuffix(const QString& path, ExportFormat format) {
    const QFileInfo info(path);
    return QDir(info.path()).filePath(info.completeBaseName() + '.' + suffixOf(format));
}

} // namespace

ExportDialog::ExportDialog(Target target, const QString& name, QSize screen, QWidget* parent)
    : QDialog(parent), m_target(target), m_name(name), m_screen(screen) {
    setWindowTitle(target == Target::File ? tr("Export figure") : tr("Export all figures"));
    build();
    restoreSettings();
    updateSummary();
}

void ExportDialog::build() {
    auto* form = new QFormLayout;
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("format"));
    m_format->addItem(tr("PNG image"), int(ExportFormat::Png));
    m_format->addItem(tr("PDF (vector)"), int(ExportFormat::Pdf));
    m_format->addItem(tr("SVG (vector)"), int(ExportFormat::Svg));
    m_preset = new QComboBox(this);
    for (const Preset& p : kPresets)
        m_preset->addItem(tr(p.text));
    m_preset->addItem(tr("Custom"));
    m_unit = new QComboBox(this);
    m_unit->addItem(tr("px"), int(SizeUnit::Pixels));
    m_unit->addItem(tr("mm"), int(SizeUnit::Millimetres));
    m_width = new QDoubleSpinBox(this);
    m_height = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* box : {m_width, m_height}) {
        box->setRange(1, 20000);
        box->setDecimals(1);
    }
    m_dpi = new QSpinBox(this);
    m_dpi->setRange(36, 2400);
    m_dpi->setSuffix(tr(" dpi"));
    auto* size = new QHBoxLayout;
    size->addWidget(m_width);
    size->addWidget(new QLabel(QStringLiteral("×"), this));
    size->addWidget(m_height);
    size->addWidget(m_unit);
    m_csv = new QCheckBox(tr("Also write the plotted data as CSV"), this);
    m_path = new QLineEdit(this);
    auto* browse = new QToolButton(this);
    browse->setText(tr("…"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Size:"), m_preset);
    form->addRow(QString(), size);
    form->addRow(tr("Resolution:"), m_dpi);
    form->addRow(QString(), m_csv);
    form->addRow(m_target == Target::File ? tr("File:") : tr("Directory:"), pathRow);
    form->addRow(QString(), m_summary);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QToolButton::clicked, this, &ExportDialog::choosePath);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);
    connect(m_preset, &QComboBox::activated, this, &ExportDialog::applyPreset);
    for (QDoubleSpinBox* box : {m_width, m_height})
        connect(box, &QDoubleSpinBox::editingFinished, this,
                [this] { m_preset->setCurrentIndex(kPresetCount); });
    connect(m_width, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updateSummary);
    connect(m_height, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updateSummary);
    connect(m_dpi, &QSpinBox::valueChanged, this, &ExportDialog::updateSummary);
    connect(m_unit, &QComboBox::currentIndexChanged, this, &ExportDialog::updateSummary);
}

void ExportDialog::applyPreset(int index) {
    if (index < 0 || index >= kPresetCount) return;
    const Preset& p = kPresets[index];
    const bool screen = index == 0;
    m_unit->setCurrentIndex(m_unit->findData(int(p.unit)));
    m_width->setValue(screen ? m_screen.width() : p.width);
    m_height->setValue(screen ? m_screen.height() : p.height);
    m_dpi->setValue(p.dpi);
    updateSummary();
}

void ExportDialog::onFormatChanged() {
    if (m_target == Target::File && !m_path->text().isEmpty())
        m_path->setText(withSuffix(m_path->text(), options().format));
    updateSummary();
}

ExportOptions ExportDialog::options() const {
    return {.format = ExportFormat(m_format->currentData().toInt()),
            .unit = SizeUnit(m_unit->currentData().toInt()),
            .width = m_width->value(),
            .height = m_height->value(),
            .dpi = m_dpi->value(),
            .csv = m_csv->isChecked()};
}

void ExportDialog::setOptions(const ExportOptions& o) {
    m_format->setCurrentIndex(m_format->findData(int(o.format)));
    m_unit->setCurrentIndex(m_unit->findData(int(o.unit)));
    m_width->setValue(o.width);
    m_height->setValue(o.height);
    m_dpi->setValue(o.dpi);
    m_csv->setChecked(o.csv);
    updateSummary();
}

QString ExportDialog::path() const {
    return m_path->text().trimmed();
}
void ExportDialog::setPath(const QString& path) {
    m_path->setText(path);
}

void ExportDialog::choosePath() {
    QString chosen;
    if (m_target == Target::Directory) {
        chosen = QFileDialog::getExistingDirectory(this, tr("Export all figures into"), path());
    } else {
        const QString filter =
            tr("%1 (*.%2)").arg(m_format->currentText(), suffixOf(options().format));
        chosen = QFileDialog::getSaveFileName(this, tr("Export figure"), path(), filter);
        if (!chosen.isEmpty()) chosen = withSuffix(chosen, options().format);
    }
    if (!chosen.isEmpty()) m_path->setText(chosen);
}

void ExportDialog::updateSummary() {
    const ExportOptions o = options();
    const double w = widthInches(o), h = heightInches(o);
    const QString physical = tr("%1 × %2 mm").arg(w * 25.4, 0, 'f', 0).arg(h * 25.4, 0, 'f', 0);
    if (o.format == ExportFormat::Png)
        m_summary->setText(tr("%1 × %2 px, %3 at %4 dpi; fonts at their point size.")
                               .arg(std::lround(w * o.dpi))
                               .arg(std::lround(h * o.dpi))
                               .arg(physical)
                               .arg(o.dpi));
    else
        m_summary->setText(tr("A vector page of %1; fonts at their point size.").arg(physical));
}

void ExportDialog::saveSettings() const {
    QSettings s;
    s.beginGroup(QStringLiteral("export"));
    const ExportOptions o = options();
    s.setValue("format", suffixOf(o.format));
    s.setValue("preset", m_preset->currentIndex());
    s.setValue("unit", int(o.unit));
    s.setValue("width", o.width);
    s.setValue("height", o.height);
    s.setValue("dpi", o.dpi);
    s.setValue("csv", o.csv);
    const QString dir = m_target == Target::File ? QFileInfo(path()).path() : path();
    s.setValue("directory", dir);
}

void ExportDialog::restoreSettings() {
    QSettings s;
    s.beginGroup(QStringLiteral("export"));
    const int preset = s.value("preset", 0).toInt();
    setOptions({.format = formatOfSuffix(s.value("format", "png").toString()),
                .unit = SizeUnit(s.value("unit", int(SizeUnit::Pixels)).toInt()),
                .width = s.value("width", 1600).toDouble(),
                .height = s.value("height", 1000).toDouble(),
                .dpi = s.value("dpi", 96).toInt(),
                .csv = s.value("csv", true).toBool()});
    m_preset->setCurrentIndex(std::clamp(preset, 0, kPresetCount));
    applyPreset(m_preset->currentIndex()); // "as on screen" follows this plot's size
    const QString dir = s.value("directory", QDir::homePath()).toString();
    m_path->setText(m_target == Target::Directory
                        ? dir
                        : QDir(dir).filePath(m_name + '.' + suffixOf(options().format)));
}

namespace {

QString report(QWidget* parent, const QString& error, const QString& done) {
    if (error.isEmpty()) return done;
    QMessageBox::warning(parent, QObject::tr("Export failed"), error);
    return error;
}

} // namespace

QString exportFigureInteractively(QCustomPlot* plot, QWidget* parent) {
    const QString name =
        plot->objectName().isEmpty() ? QStringLiteral("figure") : plot->objectName();
    ExportDialog dialog(ExportDialog::Target::File, name, plot->size(), parent);
    if (dialog.exec() != QDialog::Accepted || dialog.path().isEmpty()) return {};
    dialog.saveSettings();
    const ExportOptions o = dialog.options();
    const QString file = withSuffix(dialog.path(), o.format);
    QString error = exportPlot(plot, file, o);
    const QString csv = QFileInfo(file).path() + '/' + QFileInfo(file).completeBaseName() + ".csv";
    if (error.isEmpty() && o.csv) error = exportPlotCsv(plot, csv);
    return report(
        parent, error,
        QObject::tr("Exported %1%2")
            .arg(QDir::toNativeSeparators(file), o.csv ? QObject::tr(" and its data") : QString()));
}

QString exportFiguresInteractively(const QList<QCustomPlot*>& candidates, QWidget* parent) {
    QList<QCustomPlot*> plots;
    for (QCustomPlot* plot : candidates)
        for (int i = 0; i < plot->plottableCount(); ++i)
            if (plot->plottable(i)->realVisibility()) { // not the plots that show a message
                plots << plot;
                break;
            }
    if (plots.isEmpty()) return QObject::tr("This page has no figures to export.");
    ExportDialog dialog(ExportDialog::Target::Directory, QString(), plots.front()->size(), parent);
    if (dialog.exec() != QDialog::Accepted || dialog.path().isEmpty()) return {};
    dialog.saveSettings();
    QStringList written;
    const QString error = exportPlots(plots, dialog.path(), dialog.options(), &written);
    return report(parent, error,
                  QObject::tr("Exported %1 files into %2")
                      .arg(written.size())
                      .arg(QDir::toNativeSeparators(dialog.path())));
}

void installExportMenu(QCustomPlot* plot) {
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot](const QPoint& at) {
        QMenu menu(plot);
        menu.addAction(QObject::tr("Export figure…"), plot,
                       [plot] { exportFigureInteractively(plot, plot->window()); });
        menu.addAction(QObject::tr("Copy data as CSV"), plot,
                       [plot] { QApplication::clipboard()->setText(plotCsv(plot)); });
        menu.exec(plot->mapToGlobal(at));
    });
}

} // namespace netsurf::widgets
