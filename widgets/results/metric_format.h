#pragma once
// How the results views word and scale a metric: its name, its unit, the factor from the stored
// value to the shown one (accuracy and mismatch rate are stored as fractions and shown in %), and
// the texts of BER and protection values. One place, so the axes, tooltips and legends agree.
#include <QString>
#include <string>

#include "app/core/sweep_table.h"

namespace netsurf::widgets {

struct MetricFormat {
    std::string metric; // as stored: "accuracy", "loss", "mae", "r2", "pearson", "mismatch_rate"
    QString name;       // "accuracy", "MAE", "R²", …
    QString unit;       // "%", "mpg", "mpg²" or empty (dimensionless)
    QString axisUnit;   // the unit as the axis says it ("% of samples"); empty: `unit`
    double scale = 1;   // shown = stored · scale
    int decimals = 3;   // in tooltips and heatmap cells

    // "accuracy (%)", "MAE (mpg)", "R²"
    QString axisLabel() const;
    // A stored value as shown, with its unit: "91.23 %", "2.41 mpg", "0.873".
    QString text(double stored) const;
    // A stored value as shown, without the unit (heatmap cells, CSV-like places).
    QString number(double stored) const;
};

// `benchmark` picks the units of a regression target (autompg: miles per gallon).
MetricFormat metricFormat(const std::string& metric, const std::string& benchmark);

// The menu text of a metric: "accuracy", "loss (cross-entropy)", "mismatch rate", "R²", …
QString metricMenuText(const std::string& metric, const std::string& benchmark);

// BER as researchers write it: 0.001 → "1×10⁻³", 0.005 → "5×10⁻³", 0.15 → "0.15".
QString berText(double ber);
// A protection fraction in percent of the bits: 0.1 → "10 %", 0.125 → "12.5 %".
QString protectionText(double protection);

// The tooltip of a grid cell: where it is, its mean ± the 95 % CI half-width and n.
QString cellText(const app::SweepCell& cell, const MetricFormat& format);

} // namespace netsurf::widgets
