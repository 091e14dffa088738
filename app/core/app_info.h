#pragma once
// Application identity shared by netsurf-gui and netsurf-cli (Qt Core layer).
#include <QString>

namespace netsurf::app {

QString applicationName();
QString versionString();  // "0.1.0 (git abc123)"
QString summary();        // one-sentence description of what NetSurf does
QString aboutText();      // rich text for the GUI's About box: name, version, summary
QString guiVersionLine(); // "netsurf-gui 0.1.0 (git abc123)", printed by `netsurf-gui --version`

} // namespace netsurf::app
