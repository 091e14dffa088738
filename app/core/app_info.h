#pragma once
// Application identity shared by netsurf-gui and netsurf-cli (Qt Core layer).
#include <QString>

namespace netsurf::app {

QString applicationName();
QString versionString(); // "0.1.0 (git abc123)"

} // namespace netsurf::app
