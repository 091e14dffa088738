#pragma once
// The plots of the sweep overview, drawn from OverviewData into prepared QCustomPlots.
#include <QString>
#include <string>
#include <vector>

#include "widgets/compare/overview_data.h"

class QCustomPlot;

namespace netsurf::widgets {

// VUS of `metric` per ranker (one curve each, 95 % CI whiskers) against the pruning of `models`
// (one benchmark and scheme). Returns the number of points drawn.
int drawVusVsPruning(QCustomPlot* plot, const std::vector<const OverviewModel*>& models,
                     const std::string& metric);
// Against the scheme of `models` (one benchmark and pruning; schemes in the models' order).
int drawVusVsScheme(QCustomPlot* plot, const std::vector<const OverviewModel*>& models,
                    const std::string& metric);
// Per ranker, a box plot of the cell means of `metric` over every (protection, BER) cell of
// `models` (whiskers at 1.5 IQR, outliers as dots). Returns the number of boxes.
int drawMetricBoxes(QCustomPlot* plot, const std::vector<const OverviewModel*>& models,
                    const std::string& metric, const QString& axisLabel);

// Quartiles of a sample as QCPStatisticalBox draws them (type-7 quantiles; whiskers at the
// most extreme values within 1.5 IQR of the box, the rest outliers).
struct BoxStats {
    double minimum = 0, q1 = 0, median = 0, q3 = 0, maximum = 0;
    std::vector<double> outliers;
};
BoxStats boxStats(std::vector<double> values);

} // namespace netsurf::widgets
