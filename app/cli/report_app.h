#pragma once
// The report's figures are QCustomPlot widgets: netsurf-cli report and batch draw them on an
// offscreen QApplication, created on first use on the calling (main) thread.
#ifdef NETSURF_HAVE_REPORT
namespace netsurf::cli {
void ensureReportApplication();
} // namespace netsurf::cli
#endif
