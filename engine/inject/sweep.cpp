#include "engine/inject/sweep.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <set>
#include <tuple>

#include "engine/core/number_format.h"
#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/quant/quant_scheme.h"

namespace netsurf {

const char* toString(SweepMode m) {
    return m == SweepMode::Exhaustive ? "exhaustive" : "montecarlo";
}

namespace {

Status checkList(const std::vector<double>& v, const char* what, bool (*ok)(double),
                 const char* range) {
    if (v.empty()) return Error::usage(std::string("the ") + what + " list is empty");
    for (double x : v) {
        if (!ok(x))
            return Error::usage(std::string(what) + " " + shortestDouble(x) +
                                " is out of range (expected " + range + ")");
        if (std::count(v.begin(), v.end(), x) > 1)
            return Error::usage(std::string("the ") + what + " list repeats " + shortestDouble(x));
    }
    return {};
}

std::uint64_t injectionKey(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0) {
    return hashKey(seed, std::uint64_t(RngPurpose::Injection), a, b);
}

} // namespace

Status validateSweepConfig(const SweepConfig& c) {
    if (auto st = checkList(
            c.bers, "BER", [](double b) { return b > 0 && b <= 1; }, "0 < BER <= 1");
        !st)
        return st;
    if (auto st = checkList(
            c.protections, "protection", [](double p) { return p >= 0 && p < 1; },
            "0 <= protection < 1");
        !st)
        return st;
    if (c.mode == SweepMode::MonteCarlo && (c.reps < 1 || c.reps > 100000))
        return Error::usage("--reps expects a number of repetitions between 1 and 100000");
    return {};
}

FlipPlanner::FlipPlanner(std::vector<std::uint32_t> order, const SweepConfig& config)
    : m_order(std::move(order)), m_rankOf(m_order.size()), m_config(config) {
    const auto T = std::uint32_t(m_order.size());
    for (std::uint32_t i = 0; i < T; ++i)
        m_rankOf[m_order[i]] = i;
    if (config.mode == SweepMode::Exhaustive) {
        // keyed by the BER's value (its bit pattern), never by its index in the list
        m_perm.resize(config.bers.size());
        for (std::size_t b = 0; b < config.bers.size(); ++b)
            m_perm[b] = keyedPermutation(
                T, injectionKey(config.seed, 1, std::bit_cast<std::uint64_t>(config.bers[b])));
        return;
    }
    // montecarlo: u(seed, k, id) for every id; keep those under the largest BER, sorted by u
    const double maxBer = *std::max_element(config.bers.begin(), config.bers.end());
    m_candidates.resize(std::size_t(config.reps));
    parallelChunks(m_candidates.size(), 1, [&](std::size_t k, std::size_t, std::size_t) {
        auto& c = m_candidates[k];
        for (std::uint32_t id = 0; id < T; ++id) {
            const double u = toUnit(injectionKey(config.seed, 2 + k, id));
            if (u < maxBer) c.emplace_back(u, id);
        }
        std::sort(c.begin(), c.end());
    });
}

std::size_t FlipPlanner::protectedCount(double protection) const {
    // ⌊T·p⌋, robust to the binary representation of p (0.29·100 = 28.999…)
    return std::size_t(std::floor(double(bits()) * protection + 1e-9));
}

std::size_t FlipPlanner::flipsPerRep(double protection, std::size_t berIndex) const {
    const double s = double(susceptible(protection));
    return std::max<std::size_t>(1, std::size_t(roundHalfToEven(s * m_config.bers[berIndex])));
}

int FlipPlanner::repetitions(double protection, std::size_t berIndex) const {
    if (m_config.mode == SweepMode::MonteCarlo) return m_config.reps;
    const std::size_t s = susceptible(protection), f = flipsPerRep(protection, berIndex);
    return int((s + f - 1) / f);
}

FlipPlanner::PointPlan FlipPlanner::plan(double protection, std::size_t berIndex) const {
    PointPlan pl;
    pl.protection = protection;
    pl.berIndex = berIndex;
    pl.protectedBits = protectedCount(protection);
    pl.susceptible = bits() - pl.protectedBits;
    pl.reps = repetitions(protection, berIndex);
    if (m_config.mode == SweepMode::Exhaustive) {
        pl.sequence.reserve(pl.susceptible);
        for (std::uint32_t id : m_perm[berIndex])
            if (m_rankOf[id] >= pl.protectedBits) pl.sequence.push_back(id);
    }
    return pl;
}

std::vector<std::uint32_t> FlipPlanner::flips(const PointPlan& pl, int rep) const {
    std::vector<std::uint32_t> ids;
    if (m_config.mode == SweepMode::MonteCarlo) {
        const double ber = m_config.bers[pl.berIndex];
        for (const auto& [u, id] : m_candidates[std::size_t(rep)]) {
            if (u >= ber) break;
            if (m_rankOf[id] >= pl.protectedBits) ids.push_back(id);
        }
    } else {
        // chunk `rep` of the susceptible ids in permutation order
        const std::size_t f = flipsPerRep(pl.protection, pl.berIndex);
        const std::size_t first = std::min(pl.sequence.size(), std::size_t(rep) * f);
        const std::size_t last = std::min(pl.sequence.size(), first + f);
        ids.assign(pl.sequence.begin() + std::ptrdiff_t(first),
                   pl.sequence.begin() + std::ptrdiff_t(last));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::string> lowBerWarnings(const FlipPlanner& planner, const SweepConfig& config) {
    std::size_t most = 0; // largest S of the grid: S·BER < 0.5 there ⇔ at every level
    for (double p : config.protections)
        most = std::max(most, planner.susceptible(p));
    std::vector<std::string> out;
    for (double ber : config.bers) {
        if (double(most) * ber >= 0.5) continue;
        out.push_back("BER " + shortestDouble(ber) +
                      " gives fewer than one expected flip at every protection level (S·BER < "
                      "0.5 with at most S = " +
                      std::to_string(most) + " susceptible bits); " +
                      (config.mode == SweepMode::Exhaustive
                           ? "exhaustive mode runs it at one flip per repetition"
                           : "montecarlo mode flips no bit in most of its repetitions"));
    }
    return out;
}

std::vector<ParamFlip> toParamFlips(const BitPopulation& pop,
                                    const std::vector<std::uint32_t>& ids) {
    const std::uint32_t m = std::uint32_t(pop.bitsPerParam);
    std::vector<ParamFlip> out;
    for (std::uint32_t id : ids) {
        const std::uint32_t p = id / m, b = id % m;
        const ParamRef& ref = pop.params[p];
        if (out.empty() || out.back().tensor != ref.tensor || out.back().index != ref.index)
            out.push_back({ref.tensor, ref.index, 0});
        out.back().mask |= 1u << (m - 1 - b);
    }
    return out;
}

} // namespace netsurf
