#include "widgets/pages.h"

#include "widgets/compare/compare_page.h"
#include "widgets/compare/overview_page.h"
#include "widgets/diagnostics/diagnostics_page.h"
#include "widgets/profile/profile_page.h"
#include "widgets/results/results_page.h"
#include "widgets/run/run_page.h"

namespace netsurf::widgets {

QList<Page*> createPages(QWidget* parent) {
    return {new ResultsPage(parent), new ComparePage(parent), new OverviewPage(parent),
            new ProfilePage(parent), new DiagnosticsPage(parent), new RunPage(parent)};
}

QStringList pageNames() {
    return {QStringLiteral("results"),
            QStringLiteral("compare"),
            QStringLiteral("compare/overlap"),
            QStringLiteral("compare/plane-global"),
            QStringLiteral("overview"),
            QStringLiteral("profile"),
            QStringLiteral("diagnostics"),
            QStringLiteral("run")};
}

} // namespace netsurf::widgets
