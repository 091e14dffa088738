#pragma once
// netsurf-cli batch writes the HTML report of each (scheme, pruning) of its config as soon as
// every job of that group has ended (docs/report.md), so a partial sweep already has readable
// reports; groups that ended with at least one job done and were not reported yet are written
// when the batch ends. Reports are drawn on the calling (main) thread while the worker thread
// goes on with the other groups' jobs.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/runner/batch_config.h"
#include "engine/runner/job_events.h"
#include "engine/runner/job_runner.h"

namespace netsurf::cli {

class GroupReports {
public:
    GroupReports(const BatchConfig& config, const JobRunner& runner,
                 std::filesystem::path workspace, DatasetOptions data, bool enabled, bool quiet);
    // Notes the jobs that ended (a snapshot of the runner's states: never misses one, whatever
    // the event queue coalesced); writes the reports of the groups that are complete now.
    void update(const std::vector<JobState>& states);
    // Writes the reports of the groups with a finished job that have none yet.
    void finish();
    const std::vector<std::string>& written() const { return m_written; }

private:
    struct Group {
        QuantScheme scheme;
        double pruning = 0;
        std::set<std::string> pending; // jobs not ended yet
        bool anyDone = false, reported = false;
    };
    void write(Group& g);

    std::map<std::string, Group> m_groups; // by "<scheme dir>/<pruning dir>"
    std::filesystem::path m_workspace;
    DatasetOptions m_data;
    bool m_enabled, m_quiet;
    std::vector<std::string> m_written;
};

} // namespace netsurf::cli
