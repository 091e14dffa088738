#pragma once
// Figures of a model, its data and its training, drawn by the diagnostics page and the HTML
// report (one place decides what each shows): training-history curves, the values of a weight
// tensor on the scheme's grid against its range, sparsity per tensor, class balance or target
// distribution, input features, and a ranking's score along the rank.
#include <QString>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/model/model.h"

class QCustomPlot;

namespace netsurf::widgets {

// history.csv as columns (docs/formats.md); cells that are empty or "nan" read as NaN.
struct HistoryTable {
    std::vector<std::string> columns;
    std::vector<std::vector<double>> values; // per column, one value per epoch
    const std::vector<double>* column(const std::string& name) const; // null when absent
    std::size_t epochs() const { return values.empty() ? 0 : values.front().size(); }
};
Result<HistoryTable> readHistoryCsv(const std::filesystem::path& file);

// Curves of history columns against the epoch: {column, legend name}; columns that are absent
// or all NaN are left out. Returns the number of curves drawn.
int drawHistory(QCustomPlot* plot, const HistoryTable& history,
                const std::vector<std::pair<std::string, QString>>& columns,
                const QString& yLabel, bool logY = false);

// The kept values of tensor `tensor` counted per grid value (bars one LSB apart), with the
// scheme's [Qmin, Qmax] as dashed lines; pruned entries are not counted. The title gets the
// number of values counted.
void drawTensorHistogram(QCustomPlot* plot, const Model& model, int tensor, const QString& title);
// Per trainable tensor: the share pruned and the share kept but zero-valued (stacked bars, %).
void drawSparsity(QCustomPlot* plot, const Model& model);

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
