#pragma once
// The report's Conclusions, generated from the comparison's numbers (no hand-written claims):
// per benchmark the best and worst rankers by VUS with their CIs, the rankers statistically
// indistinguishable from the best, how far the best heuristic is from the exact oracle, and what
// protecting about 10 % of the bits buys at each BER.
#include <QString>
#include <QStringList>
#include <string>
#include <vector>

#include "engine/compare/comparison.h"

namespace netsurf::widgets {

// Sentences (HTML-escaped text) about metric `metric` (index into g.metrics) of one group.
QStringList conclusionSentences(const GroupComparison& g, std::size_t metric);

// What protection buys at each BER of the grid, for the best ranker (by VUS) of `metric`: its
// cell mean with no bit protected (the grid's smallest protection) and at the grid's protection
// closest to `target`.
struct ProtectionGain {
    double ber = 0;
    double protectionFrom = 0, protectionTo = 0;
    Estimate from, to;
};
struct ProtectionGains {
    std::string ranker; // label of the best ranker
    std::vector<ProtectionGain> rows;
};
ProtectionGains protectionGains(const GroupComparison& g, std::size_t metric, double target = 0.1);

} // namespace netsurf::widgets
