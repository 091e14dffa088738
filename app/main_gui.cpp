// netsurf-gui — placeholder until the GUI issue lands.
#include <QApplication>
#include <cstdio>
#include <cstring>

#include "app/core/app_info.h"

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("netsurf-gui %s\n", qPrintable(netsurf::app::versionString()));
            return 0;
        }
    QApplication app(argc, argv);
    return 0;
}
