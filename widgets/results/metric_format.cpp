#include "widgets/results/metric_format.h"

#include <cmath>

namespace netsurf::widgets {

namespace {

// The unit of a regression target (the benchmarks' data, SPEC §2).
QString targetUnit(const std::string& benchmark) {
    return benchmark == "autompg" ? QStringLiteral("mpg") : QString();
}

bool isRegression(const std::string& benchmark) { return benchmark == "autompg"; }

QString superscript(int k) {
    static const QString digits = QStringLiteral("⁰¹²³⁴⁵⁶⁷⁸⁹");
    QString out = k < 0 ? QStringLiteral("⁻") : QString();
    for (QChar c : QString::number(std::abs(k)))
        out += digits[c.digitValue()];
    return out;
}

} // namespace

QString MetricFormat::axisLabel() const {
    const QString u = axisUnit.isEmpty() ? unit : axisUnit;
    return u.isEmpty() ? name : QStringLiteral("%1 (%2)").arg(name, u);
}

QString MetricFormat::number(double stored) const {
    if (std::isnan(stored)) return QStringLiteral("–");
    return QString::number(stored * scale, 'f', decimals);
}

QString MetricFormat::text(double stored) const {
    if (unit.isEmpty()) return number(stored);
    return QStringLiteral("%1 %2").arg(number(stored), unit);
}

MetricFormat metricFormat(const std::string& metric, const std::string& benchmark) {
    MetricFormat f{.metric = metric, .name = QString::fromStdString(metric)};
    if (metric == "accuracy") {
        f = {.metric = metric, .name = "accuracy", .unit = "%", .scale = 100, .decimals = 2};
    } else if (metric == "mismatch_rate") {
        f = {.metric = metric,
             .name = "mismatch rate",
             .unit = "%",
             .axisUnit = "% of samples",
             .scale = 100,
             .decimals = 2};
    } else if (metric == "loss") {
        const QString u = targetUnit(benchmark);
        f = {.metric = metric,
             .name = isRegression(benchmark) ? "MSE loss" : "cross-entropy loss",
             .unit = u.isEmpty() ? QString() : u + "²",
             .decimals = 4};
    } else if (metric == "mae") {
        f = {.metric = metric, .name = "MAE", .unit = targetUnit(benchmark), .decimals = 3};
    } else if (metric == "r2") {
        f = {.metric = metric, .name = "R²", .decimals = 4};
    } else if (metric == "pearson") {
        f = {.metric = metric, .name = "Pearson r", .decimals = 4};
    }
    return f;
}

QString metricMenuText(const std::string& metric, const std::string& benchmark) {
    const MetricFormat f = metricFormat(metric, benchmark);
    return f.axisLabel();
}

QString berText(double ber) {
    if (!(ber > 0)) return QString::number(ber);
    int k = int(std::floor(std::log10(ber) + 1e-9));
    double mantissa = ber / std::pow(10.0, k);
    if (mantissa >= 9.9995) { // 0.1 − ε rounding up
        mantissa /= 10;
        ++k;
    }
    const QString power = QStringLiteral("10") + superscript(k);
    if (std::abs(mantissa - 1) < 5e-4) return power;
    return QStringLiteral("%1×%2").arg(QString::number(mantissa, 'g', 3), power);
}

QString protectionText(double protection) {
    return QStringLiteral("%1 %").arg(QString::number(protection * 100, 'g', 4));
}

QString cellText(const app::SweepCell& c, const MetricFormat& format) {
    const Estimate& e = c.value;
    QString text = QStringLiteral("protection %1 · BER %2\n%3: %4")
                       .arg(protectionText(c.protection), berText(c.ber), format.name,
                            format.text(e.value));
    if (e.hasInterval())
        text += QStringLiteral(" ± %1 (95 % CI %2 – %3)")
                    .arg(format.number((e.high - e.low) / 2), format.number(e.low),
                         format.number(e.high));
    return text + QStringLiteral("\nn = %1 repetitions").arg(e.n);
}

} // namespace netsurf::widgets
