#pragma once
// The Qt resources of netsurf::widgets (resources/netsurf.qrc: icons). A static library's
// resources are registered explicitly; call once after QApplication exists.
void netsurfInitResources();
