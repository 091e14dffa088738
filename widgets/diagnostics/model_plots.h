#pragma once
// Figures of a model's data and training, drawn by the diagnostics page and the HTML report (one
// place decides what each shows): training-history curves, class balance or target
// distribution, input features, and a ranking's score along the rank.
#include <QString>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/model/model.h"
#include "engine/storage/history_csv.h"

class QCustomPlot;

namespace netsurf::widgets {

// A figure of the training history: which history.csv columns, with their legend names.
struct HistoryView {
    std::string key;  // "loss", "metric:<name>", "sparsity", "learning_rate", "alpha_beta",
                      // "range_penalty", "fisher_trace"
    QString title, caption, yLabel;
    std::vector<std::pair<std::string, QString>> columns;
};
// The views a history has data for (columns that are absent or all NaN are left out), in the
// order the diagnostics page and the report show them.
std::vector<HistoryView> historyViews(const HistoryTable& history, const std::string& benchmark);
// The view's curves against the epoch (a log axis when the values span more than two decades).
void drawHistoryView(QCustomPlot* plot, const HistoryTable& history, const HistoryView& view);

// Classification: samples per class in the training and test splits. Regression: the target's
// histogram in both splits.
void drawTargetBalance(QCustomPlot* plot, const Dataset& data);
// Tabular inputs: per feature a box plot of the training split's raw values scaled to [0, 1]
// by the feature's min/max (names on the axis).
void drawFeatureBoxes(QCustomPlot* plot, const Dataset& data);

// A ranking's score (the sort key) against the rank, in % of the bit population (long rankings
// are decimated by the report, extremes kept).
void drawScoreAlongRank(QCustomPlot* plot, const std::vector<double>& scores, const QString& name,
                        const std::string& method);

} // namespace netsurf::widgets
