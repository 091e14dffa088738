#include "widgets/compare/metric_labels.h"

#include <algorithm>
#include <cmath>

namespace netsurf::widgets {

namespace {

bool isRegression(const std::vector<std::string>& metrics) {
    return std::find(metrics.begin(), metrics.end(), "mae") != metrics.end();
}

// The unit of a regression benchmark's target.
QString targetUnit(const std::string& benchmark) {
    return benchmark == "autompg" ? QStringLiteral("mpg") : QStringLiteral("target units");
}

} // namespace

QString metricTitle(const std::string& metric) {
    if (metric == "accuracy") return QStringLiteral("Accuracy");
    if (metric == "loss") return QStringLiteral("Loss");
    if (metric == "mismatch_rate") return QStringLiteral("Mismatch rate");
    if (metric == "mae") return QStringLiteral("MAE");
    if (metric == "r2") return QStringLiteral("R²");
    if (metric == "pearson") return QStringLiteral("Pearson r");
    return QString::fromStdString(metric);
}

QString metricAxisLabel(const std::string& metric, const std::string& benchmark,
                        const std::vector<std::string>& metrics) {
    const QString title = metricTitle(metric);
    if (metric == "accuracy") return title + " (fraction of samples)";
    if (metric == "mismatch_rate") return title + " (fraction of samples changed)";
    if (metric == "mae") return title + " (" + targetUnit(benchmark) + ")";
    if (metric == "r2" || metric == "pearson") return title + " (dimensionless)";
    if (metric == "loss")
        return isRegression(metrics) ? title + " (MSE, " + targetUnit(benchmark) + "²)"
                                     : title + " (cross-entropy, nats)";
    return title;
}

std::vector<std::string> selectorOrder(const std::vector<std::string>& compared) {
    std::vector<std::string> out;
    for (const std::string& m : compared)
        if (m != "loss" && m != "mismatch_rate") out.push_back(m);
    for (const char* m : {"loss", "mismatch_rate"})
        if (std::find(compared.begin(), compared.end(), m) != compared.end()) out.push_back(m);
    return out;
}

QString berAxisLabel() {
    return QStringLiteral("Bit error rate (BER, fraction of susceptible bits flipped, log scale)");
}

QString protectionAxisLabel() {
    return QStringLiteral("Protected bits (% of the bit population)");
}

QString formatBer(double ber) {
    const double e = std::log10(ber);
    if (std::abs(e - std::round(e)) < 1e-9) return QStringLiteral("1e%1").arg(int(std::round(e)));
    return QString::number(ber, 'g', 3);
}

QString formatPercent(double fraction) {
    return QString::number(fraction * 100, 'g', 4) + QStringLiteral(" %");
}

QString formatValue(double v) {
    return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'g', 4);
}

} // namespace netsurf::widgets
