#pragma once
// The NetSurf main window. For now a layout shell: benchmark list on the left, the
// accuracy-vs-BER plot in the centre. Controllers (app_core) will drive it; it holds no logic.
#include <QMainWindow>
#include <QStringList>

class QCustomPlot;
class QListWidget;

namespace netsurf::widgets {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `benchmarks`: names shown in the left panel (the engine's benchmark list).
    explicit MainWindow(const QStringList& benchmarks, QWidget* parent = nullptr);

    QCustomPlot* plot() const { return m_plot; }
    QListWidget* benchmarkList() const { return m_benchmarks; }

private:
    void createMenus();
    QWidget* createBenchmarkPanel(const QStringList& benchmarks);
    QCustomPlot* createPlot();
    void showAbout();

    QListWidget* m_benchmarks = nullptr;
    QCustomPlot* m_plot = nullptr;
};

} // namespace netsurf::widgets
