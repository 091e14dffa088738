#include "app/core/sweep_table.h"

#include <algorithm>
#include <limits>
#include <set>

namespace netsurf::app {

void SweepTable::reset(const SweepResults& file) {
    m_id = file;
    m_id.rows.clear();
    m_rows.clear();
    merge(file.rows);
    ++m_revision;
}

std::size_t SweepTable::merge(const std::vector<SweepRow>& rows) {
    std::size_t added = 0;
    for (const SweepRow& r : rows)
        added += m_rows.emplace(std::tuple{r.protection, r.ber, r.rep}, r).second;
    if (added) ++m_revision;
    return added;
}

std::vector<std::string> SweepTable::metrics() const {
    std::vector<std::string> out = m_id.metricNames;
    out.insert(out.begin(), "loss");
    out.push_back("mismatch_rate");
    return out;
}

double SweepTable::cleanValue(const std::string& metric) const {
    if (metric == "loss") return m_id.cleanLoss;
    if (metric == "mismatch_rate") return 0.0;
    for (std::size_t k = 0; k < m_id.metricNames.size() && k < m_id.cleanMetrics.size(); ++k)
        if (m_id.metricNames[k] == metric) return m_id.cleanMetrics[k];
    return std::numeric_limits<double>::quiet_NaN();
}

bool SweepTable::higherIsBetter(const std::string& metric) {
    return metric == "accuracy" || metric == "r2" || metric == "pearson";
}

double SweepTable::value(const SweepRow& r, const std::string& metric) const {
    if (metric == "loss") return r.loss;
    if (metric == "mismatch_rate") return r.mismatchRate;
    for (std::size_t k = 0; k < m_id.metricNames.size() && k < r.metrics.size(); ++k)
        if (m_id.metricNames[k] == metric) return r.metrics[k];
    return std::numeric_limits<double>::quiet_NaN();
}

std::vector<double> SweepTable::protections() const {
    std::set<double> s;
    for (const auto& [key, row] : m_rows)
        s.insert(std::get<0>(key));
    return {s.begin(), s.end()};
}

std::vector<double> SweepTable::bers() const {
    std::set<double> s;
    for (const auto& [key, row] : m_rows)
        s.insert(std::get<1>(key));
    return {s.begin(), s.end()};
}

std::vector<SweepCell> SweepTable::cells(const std::string& metric) const {
    std::vector<SweepCell> out;
    std::vector<double> sample;
    for (auto it = m_rows.begin(); it != m_rows.end();) {
        const double p = std::get<0>(it->first), b = std::get<1>(it->first);
        sample.clear();
        for (; it != m_rows.end() && std::get<0>(it->first) == p && std::get<1>(it->first) == b;
             ++it)
            sample.push_back(value(it->second, metric));
        out.push_back({p, b, sampleEstimate(sample)});
    }
    return out;
}

} // namespace netsurf::app
