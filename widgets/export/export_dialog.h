#pragma once
// The export dialog: format (PNG, PDF, SVG), size (px or mm, with paper presets), DPI, whether
// to write the CSV of the data too, and the file (one figure) or directory (every figure of a
// page). The last choices are remembered (QSettings group "export"). Plus the helpers the pages
// use: the "Export figure…" context menu of a plot and "export all figures of this page".
#include <QDialog>
#include <QList>
#include <QSize>

#include "widgets/export/plot_export.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace netsurf::widgets {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    enum class Target { File, Directory };
    // `name`: the suggested file name without suffix (File); `screen`: the plot's size on screen
    // in px, for the "as on screen" preset.
    ExportDialog(Target target, const QString& name, QSize screen, QWidget* parent = nullptr);

    ExportOptions options() const;
    void setOptions(const ExportOptions& options);
    QString path() const; // the file or the directory
    void setPath(const QString& path);

    // Remembers the choices for the next dialog (called when accepted).
    void saveSettings() const;

private:
    void build();
    void restoreSettings();
    void applyPreset(int index);
    void onFormatChanged();
    void choosePath();
    void updateSummary();

    Target m_target;
    QString m_name;
    QSize m_screen;
    QComboBox* m_format = nullptr;
    QComboBox* m_preset = nullptr;
    QComboBox* m_unit = nullptr;
    QDoubleSpinBox* m_width = nullptr;
    QDoubleSpinBox* m_height = nullptr;
    QSpinBox* m_dpi = nullptr;
    QCheckBox* m_csv = nullptr;
    QLineEdit* m_path = nullptr;
    QLabel* m_summary = nullptr;
};

// Runs the dialog for one plot and exports it (and its CSV). Returns what happened, for a
// status bar ("" when cancelled); failures are also shown in a message box.
QString exportFigureInteractively(QCustomPlot* plot, QWidget* parent);
// The same for every plot of a page that shows data, into one directory ("This page has no
// figures to export." when none does).
QString exportFiguresInteractively(const QList<QCustomPlot*>& plots, QWidget* parent);
// A context menu on the plot with "Export figure…" and "Copy data as CSV".
void installExportMenu(QCustomPlot* plot);

} // namespace netsurf::widgets
