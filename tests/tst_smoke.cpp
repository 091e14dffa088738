#include "test_support.h"
#include "engine/core/rng.h"

class TestSmoke : public QObject {
    Q_OBJECT
private slots:
    void keyedPermutationIsAPermutation() {
        auto p = netsurf::keyedPermutation(1000, 42);
        std::vector<int> seen(1000, 0);
        for (auto v : p) seen[v]++;
        for (int s : seen) QCOMPARE(s, 1);
        QVERIFY(p != netsurf::keyedPermutation(1000, 43));
        QCOMPARE(p, netsurf::keyedPermutation(1000, 42));
    }
};

QTEST_GUILESS_MAIN(TestSmoke)
#include "tst_smoke.moc"
