// netsurf-gui — the NetSurf desktop application.
//   netsurf-gui [--workspace DIR] [--select 'mnist_fnn/q<6,2,1>/0.125'] [--page NAME]
//               [--size WxH] [--screenshot FILE.png] [--data-dir DIR] [--smartpixel-dir DIR]
//   netsurf-gui --version | --help    (no display needed)
#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <cstdio>
#include <cstring>
#include <optional>

#include "app/core/app_info.h"
#include "app/gui_bench.h"
#include "widgets/main_window.h"
#include "widgets/page.h"
#include "widgets/resources_init.h"

namespace {

void printUsage() {
    std::printf(
        "usage: netsurf-gui [--workspace DIR] [--select MODEL] [--page NAME] [--size WxH]\n"
        "                   [--screenshot FILE] [--data-dir DIR] [--smartpixel-dir DIR]\n"
        "                   [Qt options]\n"
        "\n"
        "  --workspace DIR    the workspace to open (default: the last one, else\n"
        "                     $NETSURF_WORKSPACE or ~/.local/share/netsurf/workspace)\n"
        "  --select MODEL     select a model: 'benchmark/q<m,n,s>/pruning', e.g.\n"
        "                     'mnist_fnn/q<6,2,1>/0.125' (an unknown model is an error)\n"
        "  --page NAME        show a page: %s\n"
        "  --size WxH         window size (default 1600x1000)\n"
        "  --screenshot FILE  wait until the page has drawn its data, save the window to FILE\n"
        "                     (PNG/JPEG by suffix) and quit\n"
        "  --bench-responsiveness [--json]\n"
        "                     benchmark: how late a 5 ms timer fires while a real mnist_fnn\n"
        "                     sweep streams rows into the live plots (target: < 50 ms)\n"
        "  --version          print the version and exit\n"
        "  --help             print this help and exit\n",
        qPrintable(netsurf::widgets::MainWindow::allPageNames().join(", ")));
}

int usageError(const QString& message) {
    std::fprintf(stderr, "netsurf-gui: error: %s (see netsurf-gui --help)\n", qPrintable(message));
    return 2;
}

struct GuiArgs {
    QString workspace, select, page, screenshot, dataDir, smartpixelDir;
    QSize size{1600, 1000};
    bool benchResponsiveness = false, json = false;
};

// Parses the arguments QApplication left; an error message when they are wrong.
std::optional<QString> parse(const QStringList& args, GuiArgs& out) {
    const std::pair<const char*, QString*> valued[] = {
        {"--workspace", &out.workspace}, {"--select", &out.select},
        {"--page", &out.page},           {"--screenshot", &out.screenshot},
        {"--data-dir", &out.dataDir},    {"--smartpixel-dir", &out.smartpixelDir}};
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == "--bench-responsiveness" || args[i] == "--json") {
            (args[i] == "--json" ? out.json : out.benchResponsiveness) = true;
            continue;
        }
        QString name = args[i], value;
        const bool inlineValue = name.contains('=');
        if (inlineValue) value = name.section('=', 1), name = name.section('=', 0, 0);
        QString sizeText;
        QString* target = name == "--size" ? &sizeText : nullptr;
        for (const auto& [n, t] : valued)
            if (name == QLatin1String(n)) target = t;
        if (!target) return QStringLiteral("unknown argument '%1'").arg(args[i].left(60));
        if (!inlineValue) {
            if (i + 1 >= args.size()) return QStringLiteral("%1 expects a value").arg(name);
            value = args[++i];
        }
        *target = value;
        if (name == "--size") {
            const QStringList wh = value.split('x');
            const int w = wh.value(0).toInt(), h = wh.size() == 2 ? wh[1].toInt() : 0;
            if (w < 320 || h < 240 || w > 10000 || h > 10000)
                return QStringLiteral("--size expects WxH, e.g. 1600x1000, got '%1'").arg(value);
            out.size = {w, h};
        }
    }
    return std::nullopt;
}

// Saves the window once the current page has drawn its data (or after 60 s, an error).
void screenshotWhenReady(netsurf::widgets::MainWindow& w, const QString& file, bool modelSelected) {
    auto* timer = new QTimer(&w);
    auto* clock = new QElapsedTimer;
    clock->start();
    QObject::connect(timer, &QTimer::timeout, &w, [&w, file, modelSelected, timer, clock] {
        const netsurf::widgets::Page* page = w.currentPage();
        const bool ready = !page || page->ready() || (!modelSelected && clock->elapsed() > 500);
        if (!ready && clock->elapsed() < 60000) return;
        timer->stop();
        if (!ready)
            std::fprintf(stderr, "netsurf-gui: warning: the page did not finish drawing in 60 s\n");
        QTimer::singleShot(150, &w, [&w, file] { // one more paint
            if (w.grab().save(file)) return QApplication::exit(0);
            std::fprintf(stderr, "netsurf-gui: error: could not save the screenshot to '%s'\n",
                         qPrintable(file));
            QApplication::exit(1);
        });
        delete clock;
    });
    timer->start(100);
}

} // namespace

int main(int argc, char** argv) {
    // Handled before QApplication so that they work without a display.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("%s\n", qPrintable(netsurf::app::guiVersionLine()));
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            printUsage();
            return 0;
        }
    }
    QApplication app(argc, argv); // removes the Qt options (-platform, …) from argv
    QApplication::setApplicationName(netsurf::app::applicationName());
    QApplication::setOrganizationName(QStringLiteral("NetSurf"));
    QApplication::setApplicationVersion(netsurf::app::versionString());
    netsurfInitResources();
    GuiArgs args;
    if (auto error = parse(QApplication::arguments(), args)) return usageError(*error);
    if (args.benchResponsiveness) return netsurf::app::benchResponsiveness(args.json);
    if (!args.page.isEmpty() && !netsurf::widgets::MainWindow::allPageNames().contains(args.page))
        return usageError(
            QStringLiteral("unknown page '%1' (expected %2)")
                .arg(args.page, netsurf::widgets::MainWindow::allPageNames().join(", ")));
    netsurf::widgets::MainWindow::Options options;
    options.workspace = args.workspace.toStdString();
    options.data.dataDir = args.dataDir.toStdString();
    options.data.smartpixelDir = args.smartpixelDir.toStdString();
    options.restoreSettings = args.screenshot.isEmpty();
    netsurf::widgets::MainWindow window(options);
    window.resize(args.size);
    window.show();
    if (!args.select.isEmpty() && !window.selectModel(args.select))
        return usageError(QStringLiteral("no model '%1' in the workspace (expected "
                                         "'benchmark/q<m,n,s>/pruning' of a trained model)")
                              .arg(args.select));
    if (!args.page.isEmpty()) window.showPage(args.page);
    if (!args.screenshot.isEmpty())
        screenshotWhenReady(window, args.screenshot, !args.select.isEmpty());
    return QApplication::exec();
}
