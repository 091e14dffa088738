// netsurf-cli messages (issue 11, item 10): numbers echoed in their shortest round-trip form,
// a warning for BERs below one expected flip, long values cut, single-valued options refused
// when repeated, --help exits 0 for every command, a JSON error object under --json, and
// --threads clamped to the machine without oneTBB's own warning. Each test runs the CLI.
#include "cli_runner.h"
#include "test_support.h"

#include <QProcess>
#include <QRegularExpression>
#include <QThread>
#include <nlohmann/json.hpp>

#include "engine/core/message_text.h"

namespace {

using netsurf::test::cli;
using netsurf::test::errorLine;
using netsurf::test::Run;

const QStringList kModel{"--benchmark", "autompg", "--quant", "q<6,2,1>", "--pruning", "0.125"};

} // namespace

class TestCliMessages : public QObject {
    Q_OBJECT
    QTemporaryDir m_ws; // a trained autompg model, for the tests that need one
    bool m_haveModel = false;

    void requireModel() {
        if (!m_haveModel) QSKIP("Auto-MPG is not installed here");
    }

private slots:
    void initTestCase() {
        QVERIFY(m_ws.isValid());
        const Run r = cli(QStringList{"train", "--epochs", "2", "--quiet"} + kModel, m_ws.path());
        if (r.code == 1 && r.err.contains("cars.json")) return; // dataset missing: skip those
        QVERIFY2(r.code == 0, qPrintable(r.err));
        m_haveModel = true;
    }

    // 1. Every number in a message is the shortest form that reads back to the same double.
    void numbersAreShortestRoundTrip_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("repeated BER")
            << QStringList{"inject", "--method", "random", "--ber", "1e-7,1e-7"}
            << "the BER list repeats 1e-07";
        QTest::newRow("BER out of range")
            << QStringList{"inject", "--method", "random", "--ber", "1.0000000001"}
            << "BER 1.0000000001 is out of range (expected 0 < BER <= 1)";
        QTest::newRow("protection out of range")
            << QStringList{"inject", "--method", "random", "--protection", "0.1,-0.1250000001"}
            << "protection -0.1250000001 is out of range (expected 0 <= protection < 1)";
        QTest::newRow("pruning")
            << QStringList{"train", "--pruning", "1.0000000001"}
            << "invalid pruning 1.0000000001: expected a fraction with 0 <= pruning < 1";
    }
    void numbersAreShortestRoundTrip() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir ws;
        const Run r = cli(args, ws.path());
        QCOMPARE(r.code, 2);
        QCOMPARE(errorLine(r), message);
    }

    // 2. A BER below one expected flip at every protection level is run, with a warning.
    void berBelowOneFlipWarns_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("consequence");
        QTest::newRow("montecarlo") << QStringList{"--mode", "montecarlo", "--reps",       "2",
                                                   "--ber",  "1e-300,0.1", "--protection", "0,0.5"}
                                    << "montecarlo mode flips no bit in most of its repetitions";
        QTest::newRow("exhaustive") << QStringList{"--ber", "0.1,1e-300", "--protection", "0.99"}
                                    << "exhaustive mode runs it at one flip per repetition";
    }
    void berBelowOneFlipWarns() {
        requireModel();
        QFETCH(QStringList, args);
        QFETCH(QString, consequence);
        const Run r =
            cli(QStringList{"inject", "--method", "random", "--rerun", "--quiet", "--json"} + args +
                    kModel,
                m_ws.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QRegularExpression warning(
            "^netsurf-cli: warning: BER 1e-300 gives fewer than one expected flip at every "
            "protection level \\(S·BER < 0\\.5 with at most S = \\d+ susceptible bits\\); " +
                QRegularExpression::escape(consequence) + "$",
            QRegularExpression::MultilineOption);
        QVERIFY2(warning.match(r.err).hasMatch(), qPrintable(r.err));
        QCOMPARE(r.err.count("netsurf-cli: warning:"), 1); // none for BER 0.1
    }

    // 3. A huge value is echoed cut, on one short line.
    void longValuesAreCut_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("start");
        const QString x(100000, 'x');
        const QString cut = QString(60, 'x') + "…' (100000 characters)";
        QTest::newRow("scheme") << QStringList{"quant", x} << "invalid quantization scheme '" + cut;
        QTest::newRow("extra argument")
            << QStringList{"quant", "q<6,2,1>", x}
            << "quant expects one scheme argument, got an extra '" + cut;
        QTest::newRow("option name")
            << QStringList{"train", "--" + x}
            << "unknown option --" + QString(60, 'x') + "… (100000 characters)";
        QTest::newRow("integer") << QStringList{"train", "--epochs", x}
                                 << "--epochs expects an integer, got '" + cut;
        QTest::newRow("number list") << QStringList{"inject", "--method", "random", "--ber", x}
                                     << "--ber expects numbers, got '" + cut;
        QTest::newRow("method") << QStringList{"rank", "--method", x}
                                << "unknown ranking method '" + cut;
        QTest::newRow("command") << QStringList{x} << "unknown command '" + cut;
    }
    void longValuesAreCut() {
        QFETCH(QStringList, args);
        QFETCH(QString, start);
        QTemporaryDir ws;
        const Run r = cli(args, ws.path());
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.size() < 400, qPrintable(r.err.left(400)));
        QVERIFY2(errorLine(r).startsWith(start), qPrintable(r.err));
    }

    void clipValueCountsCharacters_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("quoted");
        const QString e60(60, QChar(0xE9)), x61(61, 'x');
        QTest::newRow("60 characters whole") << e60 << "'" + e60 + "'";
        QTest::newRow("61 characters cut") << x61 << "'" + x61.left(60) + "…' (61 characters)";
        QTest::newRow("cut between 2-byte characters") << e60 + "é"
                                                       << "'" + e60 + "…' (61 characters)";
        QTest::newRow("empty") << QString() << "''";
    }
    void clipValueCountsCharacters() {
        QFETCH(QString, text);
        QFETCH(QString, quoted);
        const std::string utf8 = text.toStdString();
        QCOMPARE(QString::fromStdString(netsurf::quoteValue(utf8)), quoted);
        const QString clipped = QString::fromStdString(netsurf::clipValue(utf8));
        QCOMPARE(clipped, QString(quoted).remove('\''));
    }

    // 4. A single-valued option given twice is refused; list options may repeat.
    void repeatedSingleValuedOptionIsRefused_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("train --epochs")
            << QStringList{"train", "--epochs", "5", "--epochs", "9"}
            << "option --epochs given twice (5 and 9); it takes one value";
        QTest::newRow("inline value")
            << QStringList{"evaluate", "--split=test", "--split", "train"}
            << "option --split given twice (test and train); it takes one value";
        QTest::newRow("inject --method")
            << QStringList{"inject", "--method", "grad", "--method", "random"}
            << "option --method given twice (grad and random); it takes one value";
        QTest::newRow("selector") << QStringList{"rank", "--quant", "q<6,2,1>", "--quant", "q<8>"}
                                  << "option --quant given twice (q<6,2,1> and q<8>); it takes one "
                                     "value";
        QTest::newRow("datasets") << QStringList{"datasets", "--data-dir", "a", "--data-dir", "b"}
                                  << "option --data-dir given twice (a and b); it takes one value";
        QTest::newRow("bench inject --protection")
            << QStringList{"bench", "inject", "--protection", "0.1", "--protection", "0.2"}
            << "option --protection given twice (0.1 and 0.2); it takes one value";
    }
    void repeatedSingleValuedOptionIsRefused() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir ws;
        const Run r = cli(args, ws.path());
        QCOMPARE(r.code, 2);
        QCOMPARE(errorLine(r), message);
    }
    void listOptionsMayRepeat() {
        QTemporaryDir ws;
        Run r = cli({"quant", "q<6,2,1>", "--value", "1", "--value", "2", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(nlohmann::json::parse(r.out.toStdString()).at("values").size(), std::size_t(2));
        // Both occurrences are read: the error is about the list, not the repetition.
        r = cli({"inject", "--method", "random", "--ber", "0.1", "--ber", "0.1"}, ws.path());
        QCOMPARE(errorLine(r), QString("the BER list repeats 0.1"));
        r = cli({"inject", "--method", "random", "--protection", "0.2", "--protection", "0.2"},
                ws.path());
        QCOMPARE(errorLine(r), QString("the protection list repeats 0.2"));
        r = cli({"rank", "--method", "grad", "--method", "nonsense"}, ws.path());
        QVERIFY2(errorLine(r).startsWith("unknown ranking method 'nonsense'"), qPrintable(r.err));
        r = cli({"bench", "rank", "--method", "grad", "--method", "nonsense"}, ws.path());
        QVERIFY2(errorLine(r).startsWith("unknown ranking method 'nonsense'"), qPrintable(r.err));
    }

    // 5. --help prints the command's usage on stdout and exits 0.
    void helpExitsZero_data() {
        QTest::addColumn<QStringList>("args");
        for (const char* c : {"quant", "datasets", "train", "evaluate", "rank", "rank-quality",
                              "inject", "compare", "protect", "bench"})
            QTest::newRow(c) << QStringList{c, "--help"};
        for (const char* b : {"train", "rank", "inject"})
            QTest::newRow(qPrintable(QString("bench ") + b)) << QStringList{"bench", b, "--help"};
        QTest::newRow("netsurf-cli") << QStringList{"--help"};
    }
    void helpExitsZero() {
        QFETCH(QStringList, args);
        QTemporaryDir ws;
        const Run r = cli(args, ws.path());
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith("usage: netsurf-cli"), qPrintable(r.out));
        QCOMPARE(r.err, QString());
    }

    // 6. Under --json an error prints exactly one JSON object on stdout, and still one line on
    // stderr.
    void jsonErrorObject_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("needle");
        QTest::newRow("bad scheme")
            << QStringList{"quant", "q<30,2,1>", "--json"} << "usage" << 2 << "q<30,2,1>";
        QTest::newRow("bad option before --json")
            << QStringList{"train", "--frobnicate", "--json"} << "usage" << 2 << "--frobnicate";
        QTest::newRow("option value")
            << QStringList{"rank", "--json", "--samples", "many"} << "usage" << 2 << "many";
        QTest::newRow("repeated option")
            << QStringList{"train", "--json", "--seed", "1", "--seed", "2"} << "usage" << 2
            << "given twice";
        QTest::newRow("missing model")
            << QStringList{"evaluate", "--json"} << "data" << 1 << "no trained model";
        QTest::newRow("unknown command")
            << QStringList{"frobnicate", "--json"} << "usage" << 2 << "frobnicate";
        QTest::newRow("unknown bench")
            << QStringList{"bench", "disk", "--json"} << "usage" << 2 << "disk";
    }
    void jsonErrorObject() {
        QFETCH(QStringList, args);
        QFETCH(QString, kind);
        QFETCH(int, code);
        QFETCH(QString, needle);
        QTemporaryDir ws;
        const Run r = cli(args, ws.path());
        QCOMPARE(r.code, code);
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        const auto j = nlohmann::json::parse(r.out.toStdString()); // throws unless one value
        QVERIFY(j.is_object());
        QCOMPARE(j.size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(j.at("error").get<std::string>()), errorLine(r));
        QCOMPARE(QString::fromStdString(j.at("kind").get<std::string>()), kind);
        QCOMPARE(j.at("exit_code").get<int>(), code);
        QVERIFY2(errorLine(r).contains(needle), qPrintable(r.err));
    }
    void noJsonNoErrorObject() {
        const Run r = cli({"quant", "q<30,2,1>"});
        QCOMPARE(r.code, 2);
        QCOMPARE(r.out, QString());
    }

    // 7. --threads above the core count is clamped with one warning, and oneTBB stays quiet.
    void threadsAboveTheCoresAreClamped() {
        requireModel();
        if (QThread::idealThreadCount() >= 64) QSKIP("this machine has 64 cores or more");
        const Run r = cli(QStringList{"evaluate", "--threads", "64"} + kModel, m_ws.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains("TBB Warning"), qPrintable(r.err));
        const QRegularExpression warning(
            "netsurf-cli: warning: --threads 64 exceeds the (\\d+) cores? of this machine; "
            "using (\\d+)\\n");
        auto it = warning.globalMatch(r.err);
        QVERIFY2(it.hasNext(), qPrintable(r.err));
        const auto m = it.next();
        QCOMPARE(m.captured(1), m.captured(2));
        QVERIFY(!it.hasNext());
    }
};

QTEST_GUILESS_MAIN(TestCliMessages)
#include "tst_cli_messages.moc"
