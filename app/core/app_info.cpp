#include "app/core/app_info.h"

#include "engine/core/version.h"

namespace netsurf::app {

QString applicationName() {
    return QStringLiteral("NetSurf");
}

QString versionString() {
    return QStringLiteral("%1 (git %2)")
        .arg(QString::fromLatin1(netsurf::version()), QString::fromLatin1(netsurf::gitRevision()));
}

QString summary() {
    return QStringLiteral("Bit-flip robustness analysis of quantized neural networks: rank every "
                          "stored weight bit by vulnerability and compare the rankings by "
                          "injecting random bit flips.");
}

QString aboutText() {
    return QStringLiteral("<h3>%1</h3><p>Version %2</p><p>%3</p>")
        .arg(applicationName(), versionString().toHtmlEscaped(), summary().toHtmlEscaped());
}

QString guiVersionLine() {
    return QStringLiteral("netsurf-gui %1").arg(versionString());
}

} // namespace netsurf::app
