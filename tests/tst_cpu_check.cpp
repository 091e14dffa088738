// A binary started on a CPU without the build's instruction set says so in one sentence instead
// of dying with an illegal instruction (issue 11, item 9). The CPUs are emulated with qemu-user
// (packaging/setup.sh installs it): Westmere lacks AVX2/FMA, Haswell has them.
#include "cli_runner.h"
#include "test_support.h"

#include <QStandardPaths>

class TestCpuCheck : public QObject {
    Q_OBJECT
private slots:
    void startsOnlyOnACapableCpu_data() {
        QTest::addColumn<QString>("cpu");
        QTest::addColumn<bool>("capable");
        QTest::newRow("Westmere (SSE4.2, no AVX)") << "Westmere" << false;
        QTest::newRow("Haswell (AVX2, FMA, BMI2)") << "Haswell" << true;
    }
    void startsOnlyOnACapableCpu() {
        QFETCH(QString, cpu);
        QFETCH(bool, capable);
#if defined(__SANITIZE_ADDRESS__)
        QSKIP("qemu-user cannot run AddressSanitizer binaries (its shadow memory mappings)");
#endif
        const QString qemu = QStandardPaths::findExecutable("qemu-x86_64");
        if (qemu.isEmpty()) QSKIP("qemu-user is not installed (packaging/setup.sh installs it)");
        QProcess p;
        p.start(qemu, {"-cpu", cpu, NETSURF_CLI_PATH, "--version"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QString err;
        for (const QString& line : QString::fromUtf8(p.readAllStandardError()).split('\n'))
            if (!line.startsWith("qemu-x86_64: warning:") && !line.isEmpty()) err += line + "\n";
        if (capable) {
            QCOMPARE(p.exitCode(), 0);
            QVERIFY2(out.startsWith("netsurf-cli "), qPrintable(out + err));
            return;
        }
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(out.isEmpty());
        QCOMPARE(err.count('\n'), 1);
        QVERIFY2(err.startsWith("netsurf-cli: error: this build of NetSurf needs a CPU with AVX2, "
                                "FMA and BMI2 (x86-64-v3) and this CPU lacks them; rebuild with "
                                "cmake -DNETSURF_ARCH=x86-64"),
                 qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestCpuCheck)
#include "tst_cpu_check.moc"
