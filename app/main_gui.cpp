// netsurf-gui — the NetSurf desktop application.
//   netsurf-gui [--screenshot FILE]   FILE: render the main window to an image and quit
//   netsurf-gui --version | --help    (no display needed)
#include <QApplication>
#include <QPixmap>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <cstdio>
#include <cstring>

#include "app/core/app_info.h"
#include "engine/model/benchmarks.h"
#include "widgets/main_window.h"

namespace {

void printUsage() {
    std::printf(
        "usage: netsurf-gui [--screenshot FILE] [Qt options]\n"
        "\n"
        "  --screenshot FILE  render the main window to FILE (PNG/JPEG by suffix) and quit\n"
        "  --version          print the version and exit\n"
        "  --help             print this help and exit\n");
}

int usageError(const QString& message) {
    std::fprintf(stderr, "netsurf-gui: error: %s (see netsurf-gui --help)\n", qPrintable(message));
    return 2;
}

QStringList benchmarkList() {
    QStringList names;
    for (const std::string& name : netsurf::benchmarkNames())
        names << QString::fromStdString(name);
    return names;
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
    QApplication::setApplicationVersion(netsurf::app::versionString());

    QString screenshot;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (arg == QLatin1String("--screenshot")) {
            if (i + 1 >= argc)
                return usageError(QStringLiteral("--screenshot expects a file name"));
            screenshot = QString::fromLocal8Bit(argv[++i]);
        } else if (arg.startsWith(QLatin1String("--screenshot="))) {
            screenshot = arg.mid(int(std::strlen("--screenshot=")));
        } else {
            return usageError(QStringLiteral("unknown argument '%1'").arg(arg));
        }
    }

    netsurf::widgets::MainWindow window(benchmarkList());
    window.show();

    if (!screenshot.isEmpty()) {
        // Give the window time to be laid out and painted before grabbing it.
        QTimer::singleShot(300, &window, [&window, screenshot] {
            if (window.grab().save(screenshot)) {
                QApplication::exit(0);
                return;
            }
            std::fprintf(stderr, "netsurf-gui: error: could not save the screenshot to '%s'\n",
                         qPrintable(screenshot));
            QApplication::exit(1);
        });
    }
    return QApplication::exec();
}
