// netsurf-gui --bench-responsiveness [--json]: how responsive the window stays while a real sweep
// streams rows into its live plots. Trains mnist_fnn q<6,2,1> pruning 0.125 for 3 epochs in a
// temporary workspace, opens the main window on it with the results page, starts a batch
// (qpolargrad, the seed grid, exhaustive, test split: 12 037 evaluations) and, from the first
// paint to the end of the run, measures how late a 5 ms timer on the GUI thread fires. A
// benchmark, not a test: it prints the numbers (target: longest stall < 50 ms).
#include "app/gui_bench.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/core/job_controller.h"
#include "engine/core/progress.h"
#include "engine/jobs/model_jobs.h"
#include "widgets/main_window.h"

namespace netsurf::app {

namespace {

struct Stalls {
    std::vector<double> lateMs;
    std::size_t points = 0;
};

nlohmann::json report(Stalls s, double seconds) {
    std::sort(s.lateMs.begin(), s.lateMs.end());
    const auto at = [&](double q) {
        return s.lateMs.empty() ? 0.0 : s.lateMs[std::size_t(q * double(s.lateMs.size() - 1))];
    };
    return {{"longest_stall_ms", s.lateMs.empty() ? 0.0 : s.lateMs.back()},
            {"p99_stall_ms", at(0.99)},
            {"median_stall_ms", at(0.5)},
            {"ticks", s.lateMs.size()},
            {"points", s.points},
            {"seconds", seconds}};
}

} // namespace

int benchResponsiveness(bool json) {
    QTemporaryDir ws;
    const ModelSelector model{
        .benchmark = "mnist_fnn", .pruning = 0.125, .workspace = ws.path().toStdString()};
    std::fprintf(stderr, "training mnist_fnn q<6,2,1> 0.125 for 3 epochs in %s …\n",
                 qPrintable(ws.path()));
    NullProgressSink quiet;
    if (auto t = runTrainJob({.model = model, .epochs = 3}, quiet); !t) {
        std::fprintf(stderr, "netsurf-gui: error: %s\n", t.error().message.c_str());
        return 1;
    }
    widgets::MainWindow window({.workspace = model.workspace, .restoreSettings = false});
    window.resize(1600, 1000);
    window.show();
    window.selectModel("mnist_fnn/q<6,2,1>/0.125");
    window.showPage("results");
    BatchConfig config = seedSweepConfig();
    config.benchmarks = {"mnist_fnn"};
    config.quantizations = {QuantScheme()};
    config.prunings = {0.125};
    config.methods = {RankMethod::QPolarGrad};
    config.epochs = 3;
    Stalls stalls;
    QObject::connect(
        window.controller(), &JobController::sweepRows, &window,
        [&](const QString&, const SweepRowsProduced& r) { stalls.points += r.rows.size(); });
    QElapsedTimer clock, since;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, &window, [&] {
        stalls.lateMs.push_back(std::max(0.0, double(since.nsecsElapsed()) / 1e6 - 5.0));
        since.restart();
    });
    QObject::connect(window.controller(), &JobController::finished, &window,
                     [&] { QApplication::exit(0); });
    QTimer::singleShot(0, &window, [&] { // after the first paint
        QString error;
        if (!window.controller()->startBatch(config, {.workspace = model.workspace}, &error)) {
            std::fprintf(stderr, "netsurf-gui: error: %s\n", qPrintable(error));
            QApplication::exit(1);
            return;
        }
        clock.start();
        since.start();
        tick.start();
    });
    if (QApplication::exec() != 0) return 1;
    const nlohmann::json r = report(stalls, double(clock.elapsed()) / 1000);
    if (json) {
        std::printf("%s\n", r.dump(2).c_str());
    } else {
        std::printf("responsiveness while a mnist_fnn sweep streams %zu rows into the live plots "
                    "(%.1f s):\n  longest stall %.1f ms (target < 50 ms), p99 %.1f ms, median "
                    "%.2f ms over %zu ticks of a 5 ms timer\n",
                    stalls.points, r["seconds"].get<double>(), r["longest_stall_ms"].get<double>(),
                    r["p99_stall_ms"].get<double>(), r["median_stall_ms"].get<double>(),
                    stalls.lateMs.size());
    }
    return 0;
}

} // namespace netsurf::app
