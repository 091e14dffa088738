#pragma once
// Names, axis labels (with units) and number formats shared by the comparison and overview
// pages.
#include <QString>
#include <string>
#include <vector>

namespace netsurf::widgets {

// "Accuracy", "Loss", "Mismatch rate", "MAE", "R²", "Pearson r".
QString metricTitle(const std::string& metric);
// With units: "Accuracy (fraction of samples)", "MAE (mpg)" for autompg, "Loss (cross-entropy,
// nats)" for classification and "(MSE, <unit>²)" for regression.
QString metricAxisLabel(const std::string& metric, const std::string& benchmark,
                        const std::vector<std::string>& metrics);
// The metrics of the selector in the results page's order: the task's metrics first, then loss
// and mismatch_rate (accuracy, loss, mismatch_rate / mae, r2, pearson, loss, mismatch_rate).
std::vector<std::string> selectorOrder(const std::vector<std::string>& compared);

QString berAxisLabel();                 // "Bit error rate (BER, log scale)"
QString protectionAxisLabel();          // "Protected bits (% of the bit population)"
QString formatBer(double ber);          // "1e-3", "0.05"
QString formatPercent(double fraction); // 0.125 → "12.5 %"
QString formatValue(double v);          // 4 significant digits

} // namespace netsurf::widgets
