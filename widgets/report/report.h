#pragma once
// The HTML report of one (scheme, pruning) of a workspace (docs/report.md): one self-contained
// file <workspace>/reports/<scheme dir>_prune_<P>.html with the tabs Motivation, Pre-training
// analysis, Training, Post-training, BER Injection and Conclusions, covering every benchmark
// trained with that scheme and pruning. Figures are the GUI's plots (the same drawing
// functions), rendered offscreen to inline <svg>; tabs and collapsible sections are plain
// HTML/CSS (no script); the math is MathML; series are decimated to kReportMaxPoints points.
//
// Needs a QApplication (the plots are widgets) and runs on its thread; netsurf-cli report and
// batch create one on the offscreen platform.
#include <cstddef>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/quant/quant_scheme.h"

namespace netsurf::widgets {

struct ReportRequest {
    std::filesystem::path workspace; // empty: defaultWorkspaceDir()
    QuantScheme scheme;
    double pruning = 0.125;
    DatasetOptions data;
    // Run the profile and diagnostics jobs for trained models that lack their files (profile
    // samples as netsurf-cli profile's default when 0).
    bool computeMissing = true;
    std::size_t profileSamples = 0;
    int threads = 0;
};

struct ReportOutcome {
    std::filesystem::path path;
    std::vector<std::string> benchmarks; // with a trained model, in engine order
    int figures = 0;
    std::size_t bytes = 0;
    double seconds = 0;
    std::vector<std::string> computed; // jobs run first ("profile:<model>")
    std::vector<std::string> warnings; // what a section could not show, and why
};

// <workspace>/reports/<scheme dir>_prune_<P>.html (P as the model directories write it).
std::filesystem::path reportPathFor(const std::filesystem::path& workspace,
                                    const QuantScheme& scheme, double pruning);

// Writes the report atomically. Data error when no benchmark has a trained model with this
// scheme and pruning (the message names the directory looked in).
Result<ReportOutcome> writeReport(const ReportRequest& request, ProgressSink& sink,
                                  std::stop_token stop = {});

} // namespace netsurf::widgets
