#pragma once
// Statistics of the comparison (SPEC §5): Student-t quantiles, per-cell mean / std / 95 % CI,
// AUC and VUS as linear functionals of a (protection × BER) grid, and their confidence intervals.
//
// Grid and functionals. A surface is sampled on the rectangular grid protections p_0 < … < p_{P−1}
// × BERs b_0 < … < b_{B−1} (b > 0), cell (i, j) stored at index i·B + j. With u_j = log10 b_j:
//   trapezoid weights over an axis x_0 < … < x_{n−1}, normalized by its length L = x_{n−1} − x_0:
//     w_0 = (x_1 − x_0) / 2L,  w_k = (x_{k+1} − x_{k−1}) / 2L,  w_{n−1} = (x_{n−1} − x_{n−2}) / 2L
//     (Σ w = 1; a single point gets w = 1, i.e. the AUC of one point is the value itself)
//   AUC over log10 BER at protection i   = Σ_j wu_j · m_{ij}
//   AUC over protection at BER j         = Σ_i wp_i · m_{ij}
//   VUS = Σ_i Σ_j wp_i · wu_j · m_{ij}   = ∫∫ bilinear(m) dp du / (Lp · Lu)
// (the integral of the bilinear interpolant over a grid rectangle is its area times the mean of
// its four corners, so the tensor trapezoid rule is exact for it).
//
// Confidence intervals of a functional F = Σ_c w_c m_c (95 %, Student t):
//   per repetition (Monte-Carlo: repetition r uses the same random draws in every cell):
//     F_r = Σ_c w_c x_{c,r}, F = mean_r F_r, se = std_r(F_r) / √R, dof R − 1;
//   propagated (exhaustive): F = Σ_c w_c mean_c, se² = Σ_c w_c² se_c² (cells independent),
//     dof by Welch–Satterthwaite ν = (Σ_c v_c)² / Σ_c (v_c² / (n_c − 1)), v_c = w_c² se_c².
//     A cell with one repetition (exhaustive with F ≥ S flips every susceptible bit at once, a
//     deterministic outcome) contributes no variance.
//   differences: paired (same repetition index = same random draws) → t-interval of the per-rep
//     differences; independent → se² = se_a² + se_b², Welch–Satterthwaite dof
//     (se_a⁴/ν_a + se_b⁴/ν_b in the denominator, which equals the cell-level sum).
// Two rankers are indistinguishable when the CI of their (paired) difference contains 0.
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace netsurf {

// ---- Student t ----

// Standard normal quantile Φ⁻¹(p), p ∈ (0, 1).
double normalQuantile(double p);
// Upper tail P(T > t) of Student's t with `dof` > 0 degrees of freedom (real-valued; ∞ →
// normal): ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, the regularized incomplete beta by its continued
// fraction (modified Lentz).
double studentTUpperTail(double t, double dof);
// Quantile of Student's t: the t with P(T ≤ t) = p. Bisection on the tail to full double
// precision for ν ≤ 1e5; above, the Cornish–Fisher series in 1/ν (A&S 26.7.5, error O(ν⁻⁵)).
// NaN when dof ≤ 0 or NaN, or p ∉ (0, 1).
double studentTQuantile(double p, double dof);
// Two-sided 95 % critical value t(0.975; dof).
double tCritical95(double dof);

// ---- estimates ----

// A value with its standard error and 95 % confidence interval [low, high].
struct Estimate {
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    double value = kNaN;
    double std = kNaN; // std of the underlying samples (n − 1 denominator); NaN if not one sample
    double se = kNaN;  // standard error of value
    double dof = kNaN; // degrees of freedom of the interval (may be ∞)
    std::size_t n = 0; // repetitions behind it
    double low = kNaN, high = kNaN;
    bool hasInterval() const { return !std::isnan(low) && !std::isnan(high); }
    // CI ∋ 0; false when there is no interval.
    bool containsZero() const { return hasInterval() && low <= 0 && 0 <= high; }
};

// value ± t(0.975; dof)·se. se = 0 → [value, value]; no interval when se or dof is NaN.
Estimate tInterval(double value, double se, double dof);
// Mean, std (n − 1), se = std/√n and the t-interval with n − 1 dof of a sample. n = 1: std, se
// and the interval are NaN; n = 0: everything NaN.
Estimate sampleEstimate(const std::vector<double>& x);
// a − b for independent a and b: se² = se_a² + se_b², Welch–Satterthwaite dof.
Estimate independentDifference(const Estimate& a, const Estimate& b);
// Whether a difference is not significant at 95 %: its CI contains 0.
inline bool indistinguishable(const Estimate& difference) {
    return difference.containsZero();
}

// ---- grid and functionals ----

// Normalized trapezoid weights of sorted abscissae (see above). Empty for an empty axis.
std::vector<double> trapezoidWeights(const std::vector<double>& x);
// Σ w_k y_k with the weights of x: the trapezoid mean of y over [x_0, x_{n−1}].
double trapezoidMean(const std::vector<double>& x, const std::vector<double>& y);

struct Grid {
    std::vector<double> protections; // ascending, distinct
    std::vector<double> bers;        // ascending, distinct, > 0
    std::size_t size() const { return protections.size() * bers.size(); }
    std::size_t index(std::size_t i, std::size_t j) const { return i * bers.size() + j; }
};

// Weights (one per cell, index i·B + j) of the functionals above.
std::vector<double> aucOverBerWeights(const Grid& grid, std::size_t protectionIndex);
std::vector<double> aucOverProtectionWeights(const Grid& grid, std::size_t berIndex);
std::vector<double> vusWeights(const Grid& grid);

// The repetitions of one cell: reps ascending (as the rows are sorted), values aligned.
struct CellSamples {
    std::vector<int> reps;
    std::vector<double> values;
};
using Surface = std::vector<CellSamples>; // grid order

// Per-cell sampleEstimate.
std::vector<Estimate> cellEstimates(const Surface& s);
// Repetitions present in every cell with a nonzero weight of `s` (and of `t` when given).
std::vector<int> completeReps(const std::vector<double>& w, const Surface& s,
                              const Surface* t = nullptr);
// Per-repetition functional F_r over `reps` (each present in every weighted cell), t-interval.
Estimate perRepFunctional(const Surface& s, const std::vector<double>& w,
                          const std::vector<int>& reps);
// Propagated functional: Σ w mean, se² = Σ w² se², Welch–Satterthwaite dof. A weighted cell
// with one repetition adds no variance when `singleRepExact` (exhaustive), else leaves the
// functional without an interval (Monte-Carlo: one draw says nothing about the spread).
Estimate propagatedFunctional(const Surface& s, const std::vector<double>& w,
                              bool singleRepExact = true);
// Paired difference F_r(a) − F_r(b) over `reps`, t-interval.
Estimate pairedDifference(const Surface& a, const Surface& b, const std::vector<double>& w,
                          const std::vector<int>& reps);

} // namespace netsurf
