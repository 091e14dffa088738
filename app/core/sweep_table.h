#pragma once
// The data of one experiment as the results views show it: its rows, merged by (protection,
// BER, rep) — from its results.csv (open, resync) and from the rows a running sweep produces —
// and per (protection, BER) cell the mean of a metric over the repetitions with its 95 %
// Student-t interval (SPEC §5, the same estimate as `compare`).
//
// Plain C++ (no Qt): owned by a view model on the GUI thread; never touched by workers.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "engine/compare/stats.h"
#include "engine/inject/sweep_results.h"

namespace netsurf::app {

struct SweepCell {
    double protection = 0, ber = 0;
    Estimate value; // mean over the repetitions and its 95 % CI
};

class SweepTable {
public:
    // Identity and clean values from a results file's header; its rows replace the table's.
    void reset(const SweepResults& file);
    // Adds rows whose (protection, BER, rep) is new; returns how many were added.
    std::size_t merge(const std::vector<SweepRow>& rows);

    // "loss", the task's metrics ("accuracy" or "mae", "r2", "pearson") and "mismatch_rate".
    std::vector<std::string> metrics() const;
    // The clean model's value (mismatch_rate: 0); NaN for an unknown metric.
    double cleanValue(const std::string& metric) const;
    // Whether larger is better for `metric` (accuracy, r2, pearson).
    static bool higherIsBetter(const std::string& metric);

    std::vector<double> protections() const; // ascending, as present in the rows
    std::vector<double> bers() const;        // ascending
    // Every cell that has rows, in (protection, BER) order.
    std::vector<SweepCell> cells(const std::string& metric) const;

    std::size_t rowCount() const { return m_rows.size(); }
    const SweepResults& identity() const { return m_id; } // rows empty
    std::uint64_t revision() const { return m_revision; } // changes with every change

private:
    double value(const SweepRow& r, const std::string& metric) const;

    SweepResults m_id;
    std::map<std::tuple<double, double, int>, SweepRow> m_rows;
    std::uint64_t m_revision = 0;
};

} // namespace netsurf::app
