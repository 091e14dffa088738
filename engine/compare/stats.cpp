#include "engine/compare/stats.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace netsurf {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Continued fraction of the regularized incomplete beta I_x(a, b) (modified Lentz; Numerical
// Recipes betacf). Converges fast for x < (a + 1)/(a + b + 2), in O(√max(a, b)) terms.
double betaContinuedFraction(double a, double b, double x) {
    constexpr double tiny = 1e-300, eps = 1e-16;
    auto guard = [](double v) { return std::abs(v) < tiny ? tiny : v; };
    const double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1, d = 1 / guard(1 - qab * x / qap), h = d;
    for (int m = 1; m <= 200000; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 / guard(1 + aa * d);
        c = guard(1 + aa / c);
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 / guard(1 + aa * d);
        c = guard(1 + aa / c);
        const double del = d * c;
        h *= del;
        if (std::abs(del - 1) < eps) break;
    }
    return h;
}

// I_x(a, b) with y = 1 − x passed separately so that neither loses digits near 0 or 1.
double regularizedBeta(double a, double b, double x, double y) {
    if (x <= 0) return 0;
    if (y <= 0) return 1;
    const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                  a * std::log(x) + b * std::log(y));
    if (x < (a + 1) / (a + b + 2)) return front * betaContinuedFraction(a, b, x) / a;
    return 1 - front * betaContinuedFraction(b, a, y) / b;
}

double normalUpperTail(double z) {
    return 0.5 * std::erfc(z / std::sqrt(2.0));
}

// The t ≥ 0 with tail(t) = alpha ∈ (0, ½], tail decreasing: doubling bracket, then bisection
// down to adjacent doubles.
template <typename Tail> double invertTail(double alpha, Tail tail) {
    double lo = 0, hi = 1;
    while (tail(hi) > alpha && hi < 1e300) {
        lo = hi;
        hi *= 2;
    }
    for (int it = 0; it < 2000; ++it) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        (tail(mid) > alpha ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

// Cornish–Fisher expansion of the t quantile around the normal one (A&S 26.7.5).
double cornishFisherT(double z, double v) {
    const double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
    const double g1 = (z3 + z) / 4;
    const double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
    const double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
    const double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
    return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

// Values of the repetitions `reps` of functional w in surface s: F_r = Σ_c w_c x_{c,r}.
std::vector<double> perRepValues(const Surface& s, const std::vector<double>& w,
                                 const std::vector<int>& reps) {
    std::vector<double> f(reps.size(), 0.0);
    for (std::size_t c = 0; c < s.size(); ++c) {
        if (w[c] == 0) continue;
        const CellSamples& cell = s[c];
        for (std::size_t k = 0; k < reps.size(); ++k) {
            const auto it = std::lower_bound(cell.reps.begin(), cell.reps.end(), reps[k]);
            const double x = it != cell.reps.end() && *it == reps[k]
                                 ? cell.values[std::size_t(it - cell.reps.begin())]
                                 : kNaN;
            f[k] += w[c] * x;
        }
    }
    return f;
}

} // namespace

double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) return kNaN;
    if (p == 0.5) return 0;
    const double z = invertTail(std::min(p, 1 - p), normalUpperTail);
    return p > 0.5 ? z : -z;
}

double studentTUpperTail(double t, double dof) {
    if (std::isnan(t) || !(dof > 0)) return kNaN;
    if (t < 0) return 1 - studentTUpperTail(-t, dof);
    if (std::isinf(dof)) return normalUpperTail(t);
    const double r2 = t * t / dof; // x = ν/(ν + t²) = 1/(1 + r²), y = r²/(1 + r²)
    const double x = 1 / (1 + r2), y = std::isinf(r2) ? 1.0 : r2 / (1 + r2);
    return 0.5 * regularizedBeta(dof / 2, 0.5, x, y);
}

double studentTQuantile(double p, double dof) {
    if (!(p > 0 && p < 1) || !(dof > 0)) return kNaN;
    if (p == 0.5) return 0;
    if (dof > 1e5) return cornishFisherT(normalQuantile(p), dof);
    const double t =
        invertTail(std::min(p, 1 - p), [dof](double v) { return studentTUpperTail(v, dof); });
    return p > 0.5 ? t : -t;
}

double tCritical95(double dof) {
    return studentTQuantile(0.975, dof);
}

Estimate tInterval(double value, double se, double dof) {
    Estimate e;
    e.value = value;
    e.se = se;
    e.dof = dof;
    if (se == 0) {
        e.low = e.high = value;
    } else if (!std::isnan(se) && dof > 0) {
        const double h = tCritical95(dof) * se;
        e.low = value - h;
        e.high = value + h;
    }
    return e;
}

Estimate sampleEstimate(const std::vector<double>& x) {
    const std::size_t n = x.size();
    Estimate e;
    e.n = n;
    if (n == 0) return e;
    double sum = 0;
    for (double v : x)
        sum += v;
    const double mean = sum / double(n);
    if (n == 1) {
        e.value = mean;
        return e;
    }
    double ss = 0;
    for (double v : x)
        ss += (v - mean) * (v - mean);
    const double sd = std::sqrt(ss / double(n - 1));
    e = tInterval(mean, sd / std::sqrt(double(n)), double(n - 1));
    e.std = sd;
    e.n = n;
    return e;
}

Estimate independentDifference(const Estimate& a, const Estimate& b) {
    const double va = a.se * a.se, vb = b.se * b.se, v = va + vb;
    // Welch–Satterthwaite: ν = v² / (va²/ν_a + vb²/ν_b); a zero-variance or ∞-dof side adds 0.
    auto term = [](double var, double dof) {
        return var == 0 || std::isinf(dof) ? 0 : var * var / dof;
    };
    const double denom = term(va, a.dof) + term(vb, b.dof);
    const double dof = v == 0 ? kInf : denom == 0 ? kInf : v * v / denom;
    Estimate e = tInterval(a.value - b.value, std::sqrt(v), dof);
    e.n = std::min(a.n, b.n);
    return e;
}

std::vector<double> trapezoidWeights(const std::vector<double>& x) {
    const std::size_t n = x.size();
    if (n <= 1) return std::vector<double>(n, 1.0);
    const double length = x.back() - x.front();
    if (!(length > 0)) return std::vector<double>(n, 1.0 / double(n));
    std::vector<double> w(n, 0.0);
    for (std::size_t k = 0; k + 1 < n; ++k) {
        const double half = (x[k + 1] - x[k]) / (2 * length);
        w[k] += half;
        w[k + 1] += half;
    }
    return w;
}

double trapezoidMean(const std::vector<double>& x, const std::vector<double>& y) {
    const auto w = trapezoidWeights(x);
    double s = 0;
    for (std::size_t k = 0; k < w.size(); ++k)
        s += w[k] * y[k];
    return s;
}

namespace {

std::vector<double> log10Bers(const Grid& grid) {
    std::vector<double> u;
    u.reserve(grid.bers.size());
    for (double b : grid.bers)
        u.push_back(std::log10(b));
    return u;
}

} // namespace

std::vector<double> aucOverBerWeights(const Grid& grid, std::size_t protectionIndex) {
    std::vector<double> w(grid.size(), 0.0);
    const auto wu = trapezoidWeights(log10Bers(grid));
    for (std::size_t j = 0; j < wu.size(); ++j)
        w[grid.index(protectionIndex, j)] = wu[j];
    return w;
}

std::vector<double> aucOverProtectionWeights(const Grid& grid, std::size_t berIndex) {
    std::vector<double> w(grid.size(), 0.0);
    const auto wp = trapezoidWeights(grid.protections);
    for (std::size_t i = 0; i < wp.size(); ++i)
        w[grid.index(i, berIndex)] = wp[i];
    return w;
}

std::vector<double> vusWeights(const Grid& grid) {
    std::vector<double> w(grid.size(), 0.0);
    const auto wp = trapezoidWeights(grid.protections);
    const auto wu = trapezoidWeights(log10Bers(grid));
    for (std::size_t i = 0; i < wp.size(); ++i)
        for (std::size_t j = 0; j < wu.size(); ++j)
            w[grid.index(i, j)] = wp[i] * wu[j];
    return w;
}

std::vector<Estimate> cellEstimates(const Surface& s) {
    std::vector<Estimate> out;
    out.reserve(s.size());
    for (const CellSamples& c : s)
        out.push_back(sampleEstimate(c.values));
    return out;
}

std::vector<int> completeReps(const std::vector<double>& w, const Surface& s, const Surface* t) {
    std::vector<int> reps;
    bool first = true;
    auto meet = [&](const std::vector<int>& r) {
        if (first) {
            reps = r;
            first = false;
            return;
        }
        std::vector<int> both;
        std::set_intersection(reps.begin(), reps.end(), r.begin(), r.end(),
                              std::back_inserter(both));
        reps.swap(both);
    };
    for (std::size_t c = 0; c < w.size(); ++c) {
        if (w[c] == 0) continue;
        meet(s[c].reps);
        if (t) meet((*t)[c].reps);
    }
    return reps;
}

Estimate perRepFunctional(const Surface& s, const std::vector<double>& w,
                          const std::vector<int>& reps) {
    return sampleEstimate(perRepValues(s, w, reps));
}

Estimate propagatedFunctional(const Surface& s, const std::vector<double>& w, bool singleRepExact) {
    double value = 0, var = 0, denom = 0;
    std::size_t n = SIZE_MAX;
    for (std::size_t c = 0; c < s.size(); ++c) {
        if (w[c] == 0) continue;
        const Estimate e = sampleEstimate(s[c].values);
        value += w[c] * e.value;
        n = std::min(n, e.n);
        if (e.n < 2) {
            if (!singleRepExact) var = kNaN;
            continue; // one repetition of an exhaustive sweep: no variance (see the header)
        }
        const double v = w[c] * w[c] * e.se * e.se;
        var += v;
        denom += v * v / e.dof;
    }
    const double dof = var == 0 || denom == 0 ? kInf : var * var / denom;
    Estimate e = tInterval(value, std::sqrt(var), dof);
    e.n = n == SIZE_MAX ? 0 : n;
    return e;
}

Estimate pairedDifference(const Surface& a, const Surface& b, const std::vector<double>& w,
                          const std::vector<int>& reps) {
    std::vector<double> d = perRepValues(a, w, reps);
    const std::vector<double> fb = perRepValues(b, w, reps);
    for (std::size_t k = 0; k < d.size(); ++k)
        d[k] -= fb[k];
    return sampleEstimate(d);
}

} // namespace netsurf
