#include "app/cli/batch_reports.h"

#include <cstdio>

#include "app/cli/cli_output.h"
#include "app/cli/report_app.h"
#include "engine/storage/workspace.h"

#ifdef NETSURF_HAVE_REPORT
#include "widgets/report/report.h"
#endif

namespace netsurf::cli {

namespace {

// "<scheme dir>/<pruning dir>" of a job id "<kind>:<benchmark>/<scheme dir>/<pruning dir>/…".
std::string groupOf(const std::string& jobId) {
    const std::size_t colon = jobId.find(':');
    if (colon == std::string::npos) return {};
    const std::size_t a = jobId.find('/', colon + 1);
    if (a == std::string::npos) return {};
    const std::size_t b = jobId.find('/', a + 1);
    if (b == std::string::npos) return {};
    const std::size_t c = jobId.find('/', b + 1);
    return jobId.substr(a + 1, (c == std::string::npos ? jobId.size() : c) - a - 1);
}

} // namespace

GroupReports::GroupReports(const BatchConfig& config, const JobRunner& runner,
                           std::filesystem::path workspace, DatasetOptions data, bool enabled,
                           bool quiet)
    : m_workspace(std::move(workspace)), m_data(std::move(data)), m_enabled(enabled),
      m_quiet(quiet) {
    for (const QuantScheme& q : config.quantizations)
        for (double p : config.prunings)
            m_groups[q.dirName() + "/" + pruningDirName(p)] = Group{q, p, {}, false, false};
    for (const JobState& j : runner.states()) {
        const auto it = m_groups.find(groupOf(j.id));
        if (it == m_groups.end()) continue;
        if (!isFinal(j.status))
            it->second.pending.insert(j.id);
        else
            it->second.anyDone = it->second.anyDone || j.status == JobStatus::Done;
    }
}

void GroupReports::update(const std::vector<JobState>& states) {
    for (const JobState& j : states) {
        if (!isFinal(j.status)) continue;
        const auto it = m_groups.find(groupOf(j.id));
        if (it == m_groups.end() || !it->second.pending.erase(j.id)) continue;
        it->second.anyDone = it->second.anyDone || j.status == JobStatus::Done;
    }
    for (auto& [key, g] : m_groups)
        if (g.pending.empty() && g.anyDone && !g.reported) write(g);
}

void GroupReports::finish() {
    for (auto& [key, g] : m_groups)
        if (g.anyDone && !g.reported) write(g);
}

void GroupReports::write(Group& g) {
    g.reported = true;
    if (!m_enabled) return;
#ifdef NETSURF_HAVE_REPORT
    ensureReportApplication();
    widgets::ReportRequest req;
    req.workspace = m_workspace;
    req.scheme = g.scheme;
    req.pruning = g.pruning;
    req.data = m_data;
    NullProgressSink sink;
    auto out = widgets::writeReport(req, sink);
    if (!out) {
        printWarning("the report of " + g.scheme.str() + ", pruning " +
                     pruningDirName(g.pruning).substr(6) + " was not written: " +
                     out.error().message);
        return;
    }
    m_written.push_back(out->path.string());
    if (!m_quiet)
        std::fprintf(stderr, "\n[batch] report    %s (%d figures, %.1f s)\n",
                     out->path.string().c_str(), out->figures, out->seconds);
#else
    printWarning("no report written: this netsurf-cli was built without the GUI, which draws "
                 "the report's figures");
    m_enabled = false;
#endif
}

} // namespace netsurf::cli
