#include "widgets/resources_init.h"

#include <QtCore/QtGlobal>

void netsurfInitResources() {
    Q_INIT_RESOURCE(netsurf); // outside any namespace, as Qt requires
}
