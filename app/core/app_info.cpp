#include "app/core/app_info.h"

#include "engine/core/version.h"

namespace netsurf::app {

QString applicationName() { return QStringLiteral("NetSurf"); }

QString versionString() {
    return QStringLiteral("%1 (git %2)")
        .arg(QString::fromLatin1(netsurf::version()), QString::fromLatin1(netsurf::gitRevision()));
}

} // namespace netsurf::app
