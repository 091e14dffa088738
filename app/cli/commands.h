#pragma once
// One function per netsurf-cli subcommand; each receives the arguments after the command name
// and returns the process exit code.
#include <string>
#include <vector>

namespace netsurf::cli {

using Args = std::vector<std::string>;

int cmdDatasets(const Args& args);
int cmdQuant(const Args& args);
int cmdTrain(const Args& args);
int cmdEvaluate(const Args& args);
int cmdRank(const Args& args);
int cmdRankQuality(const Args& args);
int cmdProfile(const Args& args);
int cmdDiagnose(const Args& args);
int cmdReport(const Args& args);
int cmdInject(const Args& args);
int cmdProtect(const Args& args);
int cmdCompare(const Args& args);
int cmdBench(const Args& args);
int cmdBatch(const Args& args);
int cmdJobs(const Args& args);
int cmdBenchInject(const Args& args); // bench inject

} // namespace netsurf::cli
