#include "widgets/main_window.h"

#include <QAction>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "app/core/app_info.h"

namespace netsurf::widgets {

MainWindow::MainWindow(const QStringList& benchmarks, QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(app::applicationName());
    resize(1100, 700);
    createMenus();

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(createBenchmarkPanel(benchmarks));
    splitter->addWidget(createPlot());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 880});
    setCentralWidget(splitter);

    // A permanent widget, so transient status messages never hide the version.
    statusBar()->addPermanentWidget(
        new QLabel(QStringLiteral("%1 %2").arg(app::applicationName(), app::versionString())));
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About NetSurf"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

QWidget* MainWindow::createBenchmarkPanel(const QStringList& benchmarks) {
    auto* panel = new QWidget(this);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(6, 6, 0, 6);
    auto* title = new QLabel(tr("Benchmarks"), panel);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    layout->addWidget(title);

    m_benchmarks = new QListWidget(panel);
    m_benchmarks->addItems(benchmarks);
    if (m_benchmarks->count() > 0) m_benchmarks->setCurrentRow(0);
    layout->addWidget(m_benchmarks);
    return panel;
}

QCustomPlot* MainWindow::createPlot() {
    m_plot = new QCustomPlot(this);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(
        0, 0,
        new QCPTextElement(m_plot,
                           tr("Accuracy vs BER — sweeps run from netsurf-cli inject for now (GUI "
                              "runs not yet wired)"),
                           QFont(font().family(), font().pointSize() + 1, QFont::Bold)));

    // BER spans decades (1e-7 … 1e-1): log axis with powers-of-ten labels.
    m_plot->xAxis->setLabel(tr("BER"));
    m_plot->xAxis->setScaleType(QCPAxis::stLogarithmic);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    m_plot->xAxis->setNumberFormat(QStringLiteral("eb"));
    m_plot->xAxis->setNumberPrecision(0);
    m_plot->xAxis->setRange(1e-7, 1e-1);

    m_plot->yAxis->setLabel(tr("accuracy"));
    m_plot->yAxis->setRange(0.0, 1.0);
    // Room on the right so the last decade label ("10^-1") is not cut off.
    m_plot->axisRect()->setMinimumMargins(QMargins(15, 15, 30, 15));
    return m_plot;
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About NetSurf"), app::aboutText());
}

} // namespace netsurf::widgets
