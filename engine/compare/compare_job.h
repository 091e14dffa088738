#pragma once
// compare: every injection experiment of a model, side by side (SPEC §5).
//
// Reads every experiment's <model dir>/experiments/<ranking id>/<key>/results.csv
// (results_store.h findResultsFiles, loadResultsFile), groups them so that different models
// (checksum), evaluation splits and data, modes, populations and metric sets are never mixed
// (comparison.h) — several experiments of one ranking (test and train split, exhaustive and
// Monte-Carlo) each go to their own group — and computes per group the cell / AUC / VUS tables
// and the ranked summary. Against the rankings in <model dir>/rankings (ranking_file.h, loaded for
// the current model and its checksum): the overlap of every compared ranking with the baseline
// ranking (method `baseline`, same population; the one with experiments first, then by file name)
// and, when an oracle ranking in global order of the same population is present, precision@k
// against it, both at the levels of ranking_overlap.h (from the protections of the population's
// grids). Writes <model dir>/comparison.csv and <model dir>/ranking_comparison.csv atomically
// (compare_csv.h).
//
// Files that cannot be read (format-1 files left at <ranking id>/results.csv among them, with the
// message of results_store.h formatOneMessage), results of another benchmark / scheme / pruning,
// experiments of an older model file (no ranking to compare with) and members lacking part of
// their group's grid are reported in `warnings`, never mixed in silently.
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/compare/comparison.h"
#include "engine/compare/ranking_overlap.h"
#include "engine/jobs/model_jobs.h"

namespace netsurf {

struct CompareRequest {
    ModelSelector model;
    std::string baseline = "qpolargrad"; // ranking method of the overlap reference
    std::string metric;                  // primary metric of the summary ("" = per task)
    BootstrapConfig bootstrap;           // CIs of the ranking overlap
    int threads = 0;
    bool rankingOverlap = true; // false: the experiments' tables only (no ranking file is read)
};

struct CompareOutcome {
    std::filesystem::path modelDir, comparisonCsv, rankingCsv; // the files: empty when not written
    std::vector<GroupComparison> groups;
    std::vector<std::size_t> primary; // per group: index into its metrics of the summary metric
    std::vector<RankingOverlapTable> overlaps;
    std::vector<std::string> warnings;
};

// Everything runCompareJob computes, without writing any file (front ends that only show it).
Result<CompareOutcome> computeComparison(const CompareRequest& request, ProgressSink& sink,
                                         std::stop_token stop = {});
// computeComparison, then comparison.csv and ranking_comparison.csv written atomically.
Result<CompareOutcome> runCompareJob(const CompareRequest& request, ProgressSink& sink,
                                     std::stop_token stop = {});

} // namespace netsurf
