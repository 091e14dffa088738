#include "widgets/pages.h"

#include "widgets/run/run_page.h"

namespace netsurf::widgets {

QList<Page*> createPages(QWidget* parent) {
    return {new RunPage(parent)};
}

QStringList pageNames() {
    return {QStringLiteral("run")};
}

} // namespace netsurf::widgets
