// Robustness-profile statistics (SPEC §6) against values computed by hand: moments, entropy of a
// share vector and of a Freedman–Diaconis density histogram, Gini, the Lorenz curve, and the
// pre vs post divergence (zero for identical profiles).
#include "test_support.h"

#include <cmath>
#include <limits>

#include "engine/analysis/profile_stats.h"

using namespace netsurf;

namespace {

bool near(double a, double b, double tol = 1e-12) {
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

} // namespace

class TestProfileStats : public QObject {
    Q_OBJECT
private slots:
    void momentsOfOneToFour() {
        const DistributionStats s = distributionStats({1, 2, 3, 4});
        QCOMPARE(s.n, std::size_t(4));
        QCOMPARE(s.mean, 2.5);
        QCOMPARE(s.variance, 1.25); // population: Σ(x − 2.5)² / 4
        QVERIFY(near(s.std, std::sqrt(1.25)));
        QCOMPARE(s.skewness, 0.0);
        QVERIFY(near(s.kurtosis, 2.5625 / 1.5625 - 3)); // m4 / m2² − 3 = −1.36
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.max, 4.0);
        QCOMPARE(s.l1, 10.0);
        QCOMPARE(s.l2, 30.0);
        // shares 0.1 … 0.4: −Σ p ln p
        QVERIFY(near(s.entropy, -(0.1 * std::log(0.1) + 0.2 * std::log(0.2) + 0.3 * std::log(0.3) +
                                  0.4 * std::log(0.4))));
        QVERIFY(near(s.entropy, 1.2798542258336676));
        QCOMPARE(s.gini, 0.25); // (−3·1 − 1·2 + 1·3 + 3·4) / (4 · 10)
    }
    void skewedMoments() {
        const DistributionStats s = distributionStats({0, 0, 0, 1});
        QVERIFY(near(s.skewness, 2 / std::sqrt(3.0)));                 // 0.09375 / 0.1875^1.5
        QVERIFY(near(s.kurtosis, 0.08203125 / (0.1875 * 0.1875) - 3)); // −2/3
        QVERIFY(near(s.kurtosis, -2.0 / 3));
        QCOMPARE(s.entropy, 0.0); // all the mass on one entry
        QCOMPARE(s.gini, 0.75);   // one non-zero of four: (n − 1) / n
    }
    void degenerateVectors() {
        const DistributionStats c = distributionStats({2, 2, 2});
        QCOMPARE(c.variance, 0.0);
        QVERIFY(std::isnan(c.skewness) && std::isnan(c.kurtosis));
        QCOMPARE(c.gini, 0.0);
        QVERIFY(near(c.entropy, std::log(3.0)));  // uniform shares
        QVERIFY(std::isnan(entropyOf({0, 0})));   // no mass
        QVERIFY(std::isnan(entropyOf({-1, -1}))); // a point mass has no density
        QCOMPARE(giniOf({0, 0, 0}), 0.0);
        const DistributionStats e = distributionStats({});
        QCOMPARE(e.n, std::size_t(0));
        QVERIFY(std::isnan(e.mean) && std::isnan(e.entropy));
    }
    // With negative values: a density histogram (Freedman–Diaconis bins over [min, max]).
    void histogramEntropy() {
        // quartiles −1 and 1 (type 7), IQR 2, width 2·2·4^(−1/3) = 2.52 > the range: one bin of
        // width 2 holding everything, the entropy of the uniform density on [−1, 1]: ln 2.
        QVERIFY(near(entropyOf({-1, -1, 1, 1}), std::log(2.0)));
        // quartiles −0.25 and 0.25, width 0.63 → 4 bins of 0.5: counts 1, 0, 2, 1 (1 in the last
        // bin, closed on the right): −Σ p ln(p / 0.5) = 0.5 ln 2.
        QVERIFY(near(entropyOf({-1, 0, 0, 1}), 0.5 * std::log(2.0)));
        // a sign flip does not change a differential entropy
        QVERIFY(near(entropyOf({-3, -2, 0, 1, 5, -7}), entropyOf({3, 2, 0, -1, -5, 7})));
    }
    void lorenz() {
        const std::vector<LorenzPoint> l = lorenzCurve({4, -1, 3, 2});
        const std::vector<std::pair<double, double>> expected{
            {0, 0}, {0.25, 0.1}, {0.5, 0.3}, {0.75, 0.6}, {1, 1}};
        QCOMPARE(l.size(), expected.size());
        for (std::size_t i = 0; i < l.size(); ++i) {
            QVERIFY(near(l[i].population, expected[i].first));
            QVERIFY(near(l[i].share, expected[i].second));
        }
        // decimated: at most ~maxPoints points, the ends kept
        std::vector<double> many(100000, 1.0);
        const auto d = lorenzCurve(many, 1000);
        QVERIFY(d.size() <= 1002);
        QCOMPARE(d.front().population, 0.0);
        QCOMPARE(d.back().population, 1.0);
        QCOMPARE(d.back().share, 1.0);
    }
    void histogram() {
        const Histogram h = histogramOf({0, 1, 1, 2, 4}, 4); // width 1: [0,1) [1,2) [2,3) [3,4]
        QCOMPARE(h.edges, (std::vector<double>{0, 1, 2, 3, 4}));
        QCOMPARE(h.counts, (std::vector<std::uint64_t>{1, 2, 1, 1}));
        const Histogram one = histogramOf({3, 3}, 8);
        QCOMPARE(one.counts, (std::vector<std::uint64_t>{2}));
        QVERIFY(histogramOf({}, 8).counts.empty());
    }
    void divergenceOfIdenticalProfilesIsZero() {
        const DistributionStats s = distributionStats({0.5, -2, 3.25, 7, 0, 1e-3});
        const StatsDivergence d = statsDivergence(s, s);
        QCOMPARE(d.difference.size(), statisticNames().size());
        for (double v : d.difference)
            QCOMPARE(v, 0.0);
        QCOMPARE(d.giniShift, 0.0);
        QCOMPARE(d.symmetricKl, 0.0);
        QVERIFY(near(d.cosine, 1.0, 1e-15));
    }
    void divergenceByHand() {
        DistributionStats pre, post;
        pre.entropy = pre.variance = pre.mean = pre.std = pre.min = pre.max = pre.l1 = pre.l2 = 1;
        pre.gini = 1;
        pre.skewness = std::numeric_limits<double>::quiet_NaN(); // left out of cosine and KL
        pre.kurtosis = 1;
        post = pre;
        post.skewness = 5;
        post.kurtosis = 3; // the other nine statistics stay 1
        const StatsDivergence d = statsDivergence(pre, post);
        QVERIFY(std::isnan(d.difference[2]));
        QCOMPARE(d.difference[3], 2.0);
        QCOMPARE(d.giniShift, 0.0);
        // ten statistics on both sides: pre = (1 × 10), post = (3, 1 × 9)
        QVERIFY(near(d.cosine, 12 / std::sqrt(10.0 * 18)));
        const double p = 0.1, q3 = 3.0 / 12, q1 = 1.0 / 12;
        const double kl = (p * std::log(p / q3) + q3 * std::log(q3 / p)) +
                          9 * (p * std::log(p / q1) + q1 * std::log(q1 / p));
        QVERIFY(near(d.symmetricKl, kl, 1e-9)); // the 1e-12 added to the shares
    }
};

QTEST_APPLESS_MAIN(TestProfileStats)
#include "tst_profile_stats.moc"
