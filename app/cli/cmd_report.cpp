// netsurf-cli report: the HTML report of one (scheme, pruning) of a workspace (docs/report.md).
#include <cstdio>
#include <memory>

#include "app/cli/cli_common.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/report_app.h"

#ifdef NETSURF_HAVE_REPORT
#include <QApplication>
#include <QByteArray>
#include <QFont>

#include "widgets/report/report.h"
#endif

namespace netsurf::cli {

namespace {

constexpr const char* kHelp =
    "usage: netsurf-cli report [--quant Q] [--pruning P] [--workspace DIR] [--samples N]\n"
    "                          [--no-compute] [--threads T] [--data-dir DIR] [--quiet] [--json]\n"
    "Writes the HTML report of every benchmark trained with scheme Q and pruning P in the\n"
    "workspace to <workspace>/reports/<scheme dir>_prune_<P>.html (e.g. q6_2_1_prune_0.125.html)\n"
    "and prints its path. One self-contained file (inline SVG figures, MathML, no script) with\n"
    "the tabs Motivation, Pre-training analysis, Training, Post-training, BER Injection and\n"
    "Conclusions. Robustness profiles (on the first N training rows; all by default) and\n"
    "diagnostics (diagnostics.json) that are missing are computed first unless --no-compute.\n";

} // namespace

#ifdef NETSURF_HAVE_REPORT
namespace {
QtMessageHandler previousHandler = nullptr;
// Qt's notice that a headless machine has no XDG_RUNTIME_DIR is not the user's business.
void quietHandler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (type == QtWarningMsg && message.contains(QLatin1String("XDG_RUNTIME_DIR"))) return;
    if (previousHandler) previousHandler(type, context, message);
}
} // namespace

void ensureReportApplication() {
    if (QApplication::instance()) return;
    previousHandler = qInstallMessageHandler(quietHandler);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "netsurf-cli";
    static char* argv[] = {name, nullptr};
    static std::unique_ptr<QApplication> app = std::make_unique<QApplication>(argc, argv);
    // The figures' text is laid out with this font and named in the SVG: one the browser has.
    QApplication::setFont(QFont(QStringLiteral("DejaVu Sans")));
}
#endif

int cmdReport(const Args& raw) {
    auto parsed = parseModelCommand(raw, {.valued = {"samples"}, .flags = {"no-compute"}}, kHelp);
    if (const int* code = std::get_if<int>(&parsed)) return *code;
    ModelCommand& c = std::get<ModelCommand>(parsed);
    if (c.args.value("benchmark"))
        return reportError(Error::usage("report covers every benchmark trained with the scheme "
                                         "and pruning; it takes no --benchmark"));
    auto samples = boundedInteger(c.args, "samples", 1, 100000000);
    if (!samples) return reportError(samples.error());
#ifdef NETSURF_HAVE_REPORT
    ensureReportApplication();
    widgets::ReportRequest req;
    req.workspace = c.selector.workspace;
    req.scheme = c.selector.scheme;
    req.pruning = c.selector.pruning;
    req.data = c.data;
    req.computeMissing = !c.args.flag("no-compute");
    req.profileSamples = std::size_t(samples->value_or(0));
    req.threads = c.threads;
    StderrProgress progress(c.args.flag("quiet"));
    auto out = widgets::writeReport(req, progress, installInterruptHandler());
    if (!out) return reportError(out.error());
    for (const std::string& w : out->warnings)
        printWarning(w);
    if (c.args.flag("json")) {
        printJson({{"path", out->path.string()},
                   {"benchmarks", out->benchmarks},
                   {"figures", out->figures},
                   {"bytes", out->bytes},
                   {"seconds", out->seconds},
                   {"computed", out->computed},
                   {"warnings", out->warnings}});
    } else {
        std::printf("%s\n", out->path.string().c_str());
    }
    return 0;
#else
    return reportError(Error::usage("this netsurf-cli was built without the GUI "
                                    "(NETSURF_BUILD_GUI=OFF), which draws the report's figures"));
#endif
}

} // namespace netsurf::cli
