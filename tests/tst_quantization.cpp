// Quantization scheme q<m,n,s> (SPEC §1): parsing, rounding, clipping, codes, flip deltas, qrelu.
// Expected values are computed by hand and written literally in the tables.
#include "test_support.h"

#include <cfenv>
#include <cmath>
#include <cstring>
#include <vector>
#include <limits>

#include "engine/quant/quant_scheme.h"

using netsurf::QuantScheme;

namespace {

QuantScheme scheme(const char* text) {
    auto r = QuantScheme::parse(text);
    if (!r) qFatal("bad scheme in test table: %s", text);
    return *r;
}

QString num(double v) {
    return QString::number(v, 'g', 17);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

} // namespace

// Exact floating-point comparison (QCOMPARE on doubles is fuzzy).
#define COMPARE_EXACT(actual, expected)                                                            \
    do {                                                                                           \
        const double a_ = (actual), e_ = (expected);                                               \
        QVERIFY2(a_ == e_, qPrintable(QStringLiteral("%1: got %2, expected %3")                    \
                                          .arg(QStringLiteral(#actual), num(a_), num(e_))));       \
    } while (0)

class TestQuantization : public QObject {
    Q_OBJECT
private slots:
    void parseGood_data();
    void parseGood();
    void parseBad_data();
    void parseBad();
    void makeAndNames();
    void rangeAndLsb_data();
    void rangeAndLsb();
    void roundHalfToEven_data();
    void roundHalfToEven();
    void quantize_data();
    void quantize();
    void representable_data();
    void representable();
    void bitsAndDeltas_data();
    void bitsAndDeltas();
    void codeRoundTrip_data();
    void codeRoundTrip();
    void flipSumsDeltas_data();
    void flipSumsDeltas();
    void exponents_data();
    void exponents();
    void qrelu_data();
    void qrelu();
    void arrayMatchesScalar();
};

void TestQuantization::parseGood_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("m");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("s");
    QTest::newRow("full") << "q<6,2,1>" << 6 << 2 << 1;
    QTest::newRow("m only") << "q<8>" << 8 << 8 << 0;
    QTest::newRow("m,n") << "q<8,3>" << 8 << 3 << 0;
    QTest::newRow("spaces after commas") << "q<6, 2, 1>" << 6 << 2 << 1;
    QTest::newRow("spaces around numbers") << "q< 6 , 2 ,1 >" << 6 << 2 << 1;
    QTest::newRow("surrounding spaces") << "  q<6,2,1>  " << 6 << 2 << 1;
    QTest::newRow("max bits") << "q<24>" << 24 << 24 << 0;
    QTest::newRow("max bits signed") << "q<24,0,1>" << 24 << 0 << 1;
    QTest::newRow("one bit") << "q<1>" << 1 << 1 << 0;
    QTest::newRow("sign only") << "q<1,0,1>" << 1 << 0 << 1;
    QTest::newRow("all fractional") << "q<6,0,0>" << 6 << 0 << 0;
    QTest::newRow("n+s = m") << "q<6,5,1>" << 6 << 5 << 1;
    QTest::newRow("16 bits") << "q<16,1,1>" << 16 << 1 << 1;
    QTest::newRow("leading zeros") << "q<06,02,01>" << 6 << 2 << 1;
}

void TestQuantization::parseGood() {
    QFETCH(QString, text);
    QFETCH(int, m);
    QFETCH(int, n);
    QFETCH(int, s);
    auto r = QuantScheme::parse(text.toStdString());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->m(), m);
    QCOMPARE(r->n(), n);
    QCOMPARE(r->s(), s);
    QCOMPARE(r->f(), m - n - s);
    QCOMPARE(r->isSigned(), s == 1);
    auto again = QuantScheme::parse(r->str()); // str() parses back to the same scheme
    QVERIFY(again.ok());
    QVERIFY(*again == *r);
}

void TestQuantization::parseBad_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason"); // fragment of the message
    const QString syntax = QStringLiteral("expected q<m>, q<m,n> or q<m,n,s>");
    QTest::newRow("m > 24") << "q<30,2,1>"
                            << "m must be at most 24";
    QTest::newRow("m = 25") << "q<25>"
                            << "m must be at most 24";
    QTest::newRow("huge m") << "q<99999999999999999999>"
                            << "m must be at most 24";
    QTest::newRow("n+s > m") << "q<6,6,1>"
                             << "n + s must not exceed m";
    QTest::newRow("n > m") << "q<7,8>"
                           << "n + s must not exceed m";
    QTest::newRow("s = 2") << "q<6,2,2>"
                           << "s must be 0 or 1";
    QTest::newRow("s = -1") << "q<6,2,-1>"
                            << "s must be 0 or 1";
    QTest::newRow("n < 0") << "q<6,-1,1>"
                           << "n must be non-negative";
    QTest::newRow("m = 0") << "q<0>"
                           << "m must be positive";
    QTest::newRow("m < 0") << "q<-3>"
                           << "m must be positive";
    QTest::newRow("empty brackets") << "q<>" << syntax;
    QTest::newRow("unclosed") << "q<6,2,1" << syntax;
    QTest::newRow("no q<>") << "6,2,1" << syntax;
    QTest::newRow("empty") << "" << syntax;
    QTest::newRow("trailing garbage") << "q<6,2,1>x"
                                      << "without trailing text";
    QTest::newRow("trailing scheme") << "q<6,2,1>q<8>"
                                     << "without trailing text";
    QTest::newRow("four numbers") << "q<6,2,1,0>" << syntax;
    QTest::newRow("empty field") << "q<6,,1>" << syntax;
    QTest::newRow("trailing comma") << "q<6,2,>" << syntax;
    QTest::newRow("upper case") << "Q<6,2,1>" << syntax;
    QTest::newRow("space before <") << "q <6,2,1>" << syntax;
    QTest::newRow("fraction") << "q<6.5>" << syntax;
    QTest::newRow("letters") << "q<a,b,c>" << syntax;
    QTest::newRow("plus sign") << "q<+6>" << syntax;
    QTest::newRow("ap_fixed") << "ap_fixed<6,3>" << syntax;
}

void TestQuantization::parseBad() {
    QFETCH(QString, text);
    QFETCH(QString, reason);
    auto r = QuantScheme::parse(text.toStdString());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, netsurf::ErrorKind::Usage);
    const QString msg = QString::fromStdString(r.error().message);
    QVERIFY2(msg.contains(QLatin1Char('\'') + text + QLatin1Char('\'')), qPrintable(msg));
    QVERIFY2(msg.contains(reason), qPrintable(msg));
    QVERIFY2(!msg.contains(QLatin1Char('\n')), qPrintable(msg));
}

void TestQuantization::makeAndNames() {
    const QuantScheme def;
    QCOMPARE(def.m(), 6);
    QCOMPARE(def.n(), 2);
    QCOMPARE(def.s(), 1);
    QCOMPARE(def.str(), std::string("q<6,2,1>"));
    QCOMPARE(def.dirName(), std::string("q6_2_1"));
    auto ok = QuantScheme::make(8, 3, 0);
    QVERIFY(ok.ok());
    QCOMPARE(ok->str(), std::string("q<8,3,0>"));
    QCOMPARE(ok->dirName(), std::string("q8_3_0"));
    QVERIFY(*QuantScheme::parse("q<8,3>") == *ok);
    auto bad = QuantScheme::make(30, 2, 1);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().kind, netsurf::ErrorKind::Usage);
    QCOMPARE(bad.error().message,
             std::string("invalid quantization scheme 'q<30,2,1>': m must be at most 24"));
    QVERIFY(!QuantScheme::make(6, 2, 2).ok());
    QVERIFY(!QuantScheme::make(0, 0, 0).ok());
    QVERIFY(!QuantScheme::make(6, -1, 0).ok());
}

void TestQuantization::rangeAndLsb_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("lsb");
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("max");
    QTest::newRow("q<6,2,1>") << "q<6,2,1>" << 0.125 << -4.0 << 3.875;
    QTest::newRow("q<6,0,0>") << "q<6,0,0>" << 0.015625 << 0.0 << 0.984375;
    QTest::newRow("q<8>") << "q<8>" << 1.0 << 0.0 << 255.0;
    QTest::newRow("q<16,1,1>") << "q<16,1,1>" << 0.00006103515625 << -2.0 << 1.99993896484375;
    QTest::newRow("q<5,1,0>") << "q<5,1,0>" << 0.0625 << 0.0 << 1.9375;
    QTest::newRow("q<1,0,1>") << "q<1,0,1>" << 1.0 << -1.0 << 0.0;
}

void TestQuantization::rangeAndLsb() {
    QFETCH(QString, text);
    QFETCH(double, lsb);
    QFETCH(double, min);
    QFETCH(double, max);
    const QuantScheme q = scheme(qPrintable(text));
    COMPARE_EXACT(q.lsb(), lsb);
    COMPARE_EXACT(q.minValue(), min);
    COMPARE_EXACT(q.maxValue(), max);
}

void TestQuantization::roundHalfToEven_data() {
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("expected");
    QTest::newRow("0.5") << 0.5 << 0.0;
    QTest::newRow("1.5") << 1.5 << 2.0;
    QTest::newRow("2.5") << 2.5 << 2.0;
    QTest::newRow("3.5") << 3.5 << 4.0;
    QTest::newRow("-0.5") << -0.5 << 0.0;
    QTest::newRow("-1.5") << -1.5 << -2.0;
    QTest::newRow("-2.5") << -2.5 << -2.0;
    QTest::newRow("2.4999999") << 2.4999999 << 2.0;
    QTest::newRow("2.5000001") << 2.5000001 << 3.0;
    QTest::newRow("-2.7") << -2.7 << -3.0;
    QTest::newRow("-2.2") << -2.2 << -2.0;
    QTest::newRow("integer") << 7.0 << 7.0;
    QTest::newRow("2^52 - 0.5") << 4503599627370495.5 << 4503599627370496.0;
    QTest::newRow("2^52 - 1.5") << 4503599627370494.5 << 4503599627370494.0;
    QTest::newRow("huge") << 1e300 << 1e300;
    QTest::newRow("inf") << kInf << kInf;
    QTest::newRow("-inf") << -kInf << -kInf;
}

void TestQuantization::roundHalfToEven() {
    QFETCH(double, x);
    QFETCH(double, expected);
    COMPARE_EXACT(netsurf::roundHalfToEven(x), expected);
    // Independent of the floating-point rounding mode.
    const int saved = std::fegetround();
    for (int mode : {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO}) {
        std::fesetround(mode);
        const double r = netsurf::roundHalfToEven(x);
        std::fesetround(saved);
        COMPARE_EXACT(r, expected);
    }
    QVERIFY(std::isnan(netsurf::roundHalfToEven(kNaN)));
}

void TestQuantization::quantize_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("expected");
    // q<6,2,1>: LSB 0.125, range [-4, 3.875]; ties go to the even multiple of the LSB.
    QTest::newRow("621 tie 0.0625") << "q<6,2,1>" << 0.0625 << 0.0;
    QTest::newRow("621 tie 0.1875") << "q<6,2,1>" << 0.1875 << 0.25;
    QTest::newRow("621 tie -0.0625") << "q<6,2,1>" << -0.0625 << 0.0;
    QTest::newRow("621 tie 0.3125") << "q<6,2,1>" << 0.3125 << 0.25;
    QTest::newRow("621 tie -0.1875") << "q<6,2,1>" << -0.1875 << -0.25;
    QTest::newRow("621 tie -0.3125") << "q<6,2,1>" << -0.3125 << -0.25;
    QTest::newRow("621 tie 3.8125") << "q<6,2,1>" << 3.8125 << 3.75;
    QTest::newRow("621 tie 3.9375 clips") << "q<6,2,1>" << 3.9375 << 3.875;
    QTest::newRow("621 tie -3.9375") << "q<6,2,1>" << -3.9375 << -4.0;
    QTest::newRow("621 tie -4.0625") << "q<6,2,1>" << -4.0625 << -4.0;
    QTest::newRow("621 below tie") << "q<6,2,1>" << 0.06249 << 0.0;
    QTest::newRow("621 above tie") << "q<6,2,1>" << 0.06251 << 0.125;
    QTest::newRow("621 1.3") << "q<6,2,1>" << 1.3 << 1.25;
    QTest::newRow("621 exact") << "q<6,2,1>" << 1.375 << 1.375;
    QTest::newRow("621 max") << "q<6,2,1>" << 3.875 << 3.875;
    QTest::newRow("621 min") << "q<6,2,1>" << -4.0 << -4.0;
    QTest::newRow("621 clip high") << "q<6,2,1>" << 10.0 << 3.875;
    QTest::newRow("621 clip low") << "q<6,2,1>" << -10.0 << -4.0;
    QTest::newRow("621 +inf") << "q<6,2,1>" << kInf << 3.875;
    QTest::newRow("621 -inf") << "q<6,2,1>" << -kInf << -4.0;
    QTest::newRow("621 NaN is 0") << "q<6,2,1>" << kNaN << 0.0;
    // q<6,0,0>: LSB 1/64, range [0, 63/64].
    QTest::newRow("600 negative") << "q<6,0,0>" << -0.3 << 0.0;
    QTest::newRow("600 tiny negative") << "q<6,0,0>" << -0.001 << 0.0;
    QTest::newRow("600 0.99") << "q<6,0,0>" << 0.99 << 0.984375;
    QTest::newRow("600 0.999 clips") << "q<6,0,0>" << 0.999 << 0.984375;
    QTest::newRow("600 clip high") << "q<6,0,0>" << 5.0 << 0.984375;
    QTest::newRow("600 tie 1/128") << "q<6,0,0>" << 0.0078125 << 0.0;
    QTest::newRow("600 tie 3/128") << "q<6,0,0>" << 0.0234375 << 0.03125;
    // q<16,1,1>: LSB 2^-14, range [-2, 2 - 2^-14].
    QTest::newRow("1611 clip high") << "q<16,1,1>" << 2.0 << 1.99993896484375;
    QTest::newRow("1611 clip low") << "q<16,1,1>" << -3.0 << -2.0;
    QTest::newRow("1611 min") << "q<16,1,1>" << -2.0 << -2.0;
    QTest::newRow("1611 1e-5") << "q<16,1,1>" << 1e-5 << 0.0;
    QTest::newRow("1611 1e-4") << "q<16,1,1>" << 1e-4 << 0.0001220703125;
    QTest::newRow("1611 tie") << "q<16,1,1>" << 0.000091552734375 << 0.0001220703125;
    // q<8>: integers 0..255.
    QTest::newRow("8 clip low") << "q<8>" << -1.0 << 0.0;
    QTest::newRow("8 clip high") << "q<8>" << 300.0 << 255.0;
    QTest::newRow("8 tie 2.5") << "q<8>" << 2.5 << 2.0;
    QTest::newRow("8 tie 3.5") << "q<8>" << 3.5 << 4.0;
    QTest::newRow("8 tie 254.5") << "q<8>" << 254.5 << 254.0;
    QTest::newRow("8 tie 255.5 clips") << "q<8>" << 255.5 << 255.0;
    QTest::newRow("8 tie -0.5") << "q<8>" << -0.5 << 0.0;
}

void TestQuantization::quantize() {
    QFETCH(QString, text);
    QFETCH(double, x);
    QFETCH(double, expected);
    const QuantScheme q = scheme(qPrintable(text));
    const double got = q.quantize(x);
    COMPARE_EXACT(got, expected);
    QVERIFY(!std::signbit(got) || got != 0.0); // zero is always +0
    COMPARE_EXACT(q.quantize(got), got);       // idempotent
}

void TestQuantization::representable_data() {
    QTest::addColumn<double>("x");
    QTest::addColumn<bool>("expected");
    QTest::newRow("1.375") << 1.375 << true;
    QTest::newRow("-4") << -4.0 << true;
    QTest::newRow("3.875") << 3.875 << true;
    QTest::newRow("0") << 0.0 << true;
    QTest::newRow("1.3") << 1.3 << false;
    QTest::newRow("4") << 4.0 << false;
    QTest::newRow("-4.125") << -4.125 << false;
    QTest::newRow("NaN") << kNaN << false;
    QTest::newRow("inf") << kInf << false;
}

void TestQuantization::representable() {
    QFETCH(double, x);
    QFETCH(bool, expected);
    QCOMPARE(QuantScheme().isRepresentable(x), expected);
}

void TestQuantization::bitsAndDeltas_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("x");
    QTest::addColumn<QString>("bits");
    QTest::addColumn<uint>("code");
    QTest::addColumn<QList<double>>("deltas");
    // SPEC §1 examples.
    QTest::newRow("621 1.375") << "q<6,2,1>" << 1.375 << "001.011" << 11u
                               << QList<double>{-4, +2, -1, +0.5, -0.25, -0.125};
    QTest::newRow("621 -1.375") << "q<6,2,1>" << -1.375 << "110.101" << 53u
                                << QList<double>{+4, -2, +1, -0.5, +0.25, -0.125};
    QTest::newRow("621 min") << "q<6,2,1>" << -4.0 << "100.000" << 32u
                             << QList<double>{+4, +2, +1, +0.5, +0.25, +0.125};
    QTest::newRow("621 max") << "q<6,2,1>" << 3.875 << "011.111" << 31u
                             << QList<double>{-4, -2, -1, -0.5, -0.25, -0.125};
    QTest::newRow("621 zero") << "q<6,2,1>" << 0.0 << "000.000" << 0u
                              << QList<double>{-4, +2, +1, +0.5, +0.25, +0.125};
    QTest::newRow("621 -LSB") << "q<6,2,1>" << -0.125 << "111.111" << 63u
                              << QList<double>{+4, -2, -1, -0.5, -0.25, -0.125};
    QTest::newRow("621 2.5") << "q<6,2,1>" << 2.5 << "010.100" << 20u
                             << QList<double>{-4, -2, +1, -0.5, +0.25, +0.125};
    QTest::newRow("621 1.3 to 1.25")
        << "q<6,2,1>" << 1.3 << "001.010" << 10u << QList<double>{-4, +2, -1, +0.5, -0.25, +0.125};
    // Unsigned q<4,2,0>: exponents 1, 0, -1, -2.
    QTest::newRow("420 2.75") << "q<4,2,0>" << 2.75 << "10.11" << 11u
                              << QList<double>{-2, +1, -0.5, -0.25};
    QTest::newRow("420 zero") << "q<4,2,0>" << 0.0 << "00.00" << 0u
                              << QList<double>{+2, +1, +0.5, +0.25};
    QTest::newRow("420 max") << "q<4,2,0>" << 3.75 << "11.11" << 15u
                             << QList<double>{-2, -1, -0.5, -0.25};
    // q<8>: integers, no point.
    QTest::newRow("8 200") << "q<8>" << 200.0 << "11001000" << 200u
                           << QList<double>{-128, -64, +32, +16, -8, +4, +2, +1};
    // q<6,0,0>: all fractional (f = m), no point.
    QTest::newRow("600 0.5") << "q<6,0,0>" << 0.5 << "100000" << 32u
                             << QList<double>{-0.5, +0.25, +0.125, +0.0625, +0.03125, +0.015625};
    // q<5,0,1>: sign bit weighs -1, exponents 0, -1, -2, -3, -4.
    QTest::newRow("501 min") << "q<5,0,1>" << -1.0 << "1.0000" << 16u
                             << QList<double>{+1, +0.5, +0.25, +0.125, +0.0625};
    QTest::newRow("501 0.5") << "q<5,0,1>" << 0.5 << "0.1000" << 8u
                             << QList<double>{-1, -0.5, +0.25, +0.125, +0.0625};
    QTest::newRow("501 -0.0625") << "q<5,0,1>" << -0.0625 << "1.1111" << 31u
                                 << QList<double>{+1, -0.5, -0.25, -0.125, -0.0625};
}

void TestQuantization::bitsAndDeltas() {
    QFETCH(QString, text);
    QFETCH(double, x);
    QFETCH(QString, bits);
    QFETCH(uint, code);
    QFETCH(QList<double>, deltas);
    const QuantScheme q = scheme(qPrintable(text));
    QCOMPARE(QString::fromStdString(q.bitString(x)), bits);
    QCOMPARE(q.code(x), code);
    QCOMPARE(int(deltas.size()), q.m());
    const std::vector<double> all = q.deltas(x);
    QCOMPARE(int(all.size()), q.m());
    const QString digits = QString(bits).remove(QLatin1Char('.'));
    for (int b = 0; b < q.m(); ++b) {
        QCOMPARE(q.bitValue(x, b), digits[b] == QLatin1Char('1'));
        COMPARE_EXACT(q.delta(x, b), deltas[b]);
        COMPARE_EXACT(all[size_t(b)], deltas[b]);
        // Flipping bit index b = mask bit m-1-b lands on Q(x) + delta.
        COMPARE_EXACT(q.flip(x, 1u << (q.m() - 1 - b)), q.quantize(x) + deltas[b]);
    }
}

void TestQuantization::codeRoundTrip_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("q<6,2,1>") << "q<6,2,1>";
    QTest::newRow("q<5,1,0>") << "q<5,1,0>";
    QTest::newRow("q<8>") << "q<8>";
    QTest::newRow("q<1,0,1>") << "q<1,0,1>";
}

void TestQuantization::codeRoundTrip() {
    QFETCH(QString, text);
    const QuantScheme q = scheme(qPrintable(text));
    const std::uint32_t count = 1u << q.m();
    double previous = -kInf;
    // Codes ordered by value: signed ones start at the most negative code 2^(m-1).
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint32_t c = q.isSigned() ? (i + count / 2) % count : i;
        const double v = q.decode(c);
        QVERIFY(q.isRepresentable(v));
        QCOMPARE(q.code(v), c);
        COMPARE_EXACT(v, previous == -kInf ? q.minValue() : previous + q.lsb());
        previous = v;
        COMPARE_EXACT(q.decode(c | (0xFFu << q.m())), v); // bits above m are ignored
    }
    COMPARE_EXACT(previous, q.maxValue());
}

void TestQuantization::flipSumsDeltas_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("q<6,2,1>") << "q<6,2,1>";
    QTest::newRow("q<5,1,0>") << "q<5,1,0>";
    QTest::newRow("q<6,0,0>") << "q<6,0,0>";
    QTest::newRow("q<8,0,1>") << "q<8,0,1>";
}

void TestQuantization::flipSumsDeltas() {
    QFETCH(QString, text);
    const QuantScheme q = scheme(qPrintable(text));
    const std::uint32_t count = 1u << q.m();
    for (std::uint32_t c = 0; c < count; ++c) {
        const double v = q.decode(c);
        const std::vector<double> d = q.deltas(v);
        for (std::uint32_t mask = 0; mask < count; ++mask) {
            double expected = v;
            for (int k = 0; k < q.m(); ++k)
                if (mask & (1u << k)) expected += d[size_t(q.m() - 1 - k)];
            const double got = q.flip(v, mask);
            if (got != expected)
                QFAIL(qPrintable(QStringLiteral("flip(%1, %2) = %3, expected %4")
                                     .arg(num(v))
                                     .arg(mask)
                                     .arg(num(got), num(expected))));
            QVERIFY(q.isRepresentable(got));
        }
        COMPARE_EXACT(q.flip(v, count), v); // mask bits ≥ m are ignored
    }
}

void TestQuantization::exponents_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("q<6,2,1>") << "q<6,2,1>" << QList<int>{2, 1, 0, -1, -2, -3};
    QTest::newRow("q<5,1,0>") << "q<5,1,0>" << QList<int>{0, -1, -2, -3, -4};
    QTest::newRow("q<8>") << "q<8>" << QList<int>{7, 6, 5, 4, 3, 2, 1, 0};
    QTest::newRow("q<6,0,0>") << "q<6,0,0>" << QList<int>{-1, -2, -3, -4, -5, -6};
    QTest::newRow("q<4,0,1>") << "q<4,0,1>" << QList<int>{0, -1, -2, -3};
    QTest::newRow("q<3,2,1>") << "q<3,2,1>" << QList<int>{2, 1, 0};
}

void TestQuantization::exponents() {
    QFETCH(QString, text);
    QFETCH(QList<int>, expected);
    const QuantScheme q = scheme(qPrintable(text));
    QCOMPARE(int(expected.size()), q.m());
    for (int b = 0; b < q.m(); ++b)
        QCOMPARE(q.exponent(b), expected[b]);
    QCOMPARE(q.exponent(q.m() - 1), -q.f());
}

void TestQuantization::qrelu_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("expected");
    // q<6,2,1>: step 2^(2-6) = 1/16, max 4 - 1/16 = 3.9375.
    QTest::newRow("621 negative") << "q<6,2,1>" << -1.0 << 0.0;
    QTest::newRow("621 zero") << "q<6,2,1>" << 0.0 << 0.0;
    QTest::newRow("621 tie 1/32") << "q<6,2,1>" << 0.03125 << 0.0;
    QTest::newRow("621 tie -1/32") << "q<6,2,1>" << -0.03125 << 0.0;
    QTest::newRow("621 tie 3/32") << "q<6,2,1>" << 0.09375 << 0.125;
    QTest::newRow("621 tie 5/32") << "q<6,2,1>" << 0.15625 << 0.125;
    QTest::newRow("621 0.1") << "q<6,2,1>" << 0.1 << 0.125;
    QTest::newRow("621 one") << "q<6,2,1>" << 1.0 << 1.0;
    QTest::newRow("621 1.3") << "q<6,2,1>" << 1.3 << 1.3125;
    QTest::newRow("621 max") << "q<6,2,1>" << 3.9375 << 3.9375;
    QTest::newRow("621 tie above max") << "q<6,2,1>" << 3.96875 << 3.9375;
    QTest::newRow("621 4") << "q<6,2,1>" << 4.0 << 3.9375;
    QTest::newRow("621 clip") << "q<6,2,1>" << 100.0 << 3.9375;
    QTest::newRow("621 NaN") << "q<6,2,1>" << kNaN << 0.0;
    // q<8,0,0>: step 2^-8, max 1 - 2^-8.
    QTest::newRow("800 0.5") << "q<8,0,0>" << 0.5 << 0.5;
    QTest::newRow("800 clip") << "q<8,0,0>" << 1.0 << 0.99609375;
    QTest::newRow("800 tie") << "q<8,0,0>" << 0.005859375 << 0.0078125;
}

void TestQuantization::qrelu() {
    QFETCH(QString, text);
    QFETCH(double, x);
    QFETCH(double, expected);
    const QuantScheme q = scheme(qPrintable(text));
    const double got = q.qrelu(x);
    COMPARE_EXACT(got, expected);
    QVERIFY(!std::signbit(got));
    if (text == QLatin1String("q<6,2,1>")) {
        COMPARE_EXACT(q.qreluStep(), 0.0625);
        COMPARE_EXACT(q.qreluMax(), 3.9375);
    } else {
        COMPARE_EXACT(q.qreluStep(), 0.00390625);
        COMPARE_EXACT(q.qreluMax(), 0.99609375);
    }
}

// The vectorized quantizeArray gives bit-identical results to quantize() on ties, both ends,
// NaN, ±inf, −0, subnormals and random values, for signed and unsigned schemes.
void TestQuantization::arrayMatchesScalar() {
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> xs{0.0625, 0.1875, 0.3125, -0.0625, -0.1875, 2.5, -2.5, 3.9375, -4.0625,
                           1e300, -1e300, inf, -inf, std::nan(""), -0.0, 0.0, 5e-324, -5e-324,
                           0.5, -0.5, 1.375, -1.375};
    for (int i = 0; i < 2000; ++i) xs.push_back(std::ldexp(double(i * 7919 % 2003) - 1001, -7));
    for (const char* text : {"q<6,2,1>", "q<6,0,0>", "q<16,1,1>", "q<4,4,0>", "q<8,-2,1>"}) {
        auto q = QuantScheme::parse(text);
        if (!q) continue; // a scheme the parser rejects is covered elsewhere
        std::vector<double> v = xs;
        q->quantizeArray(v.data(), v.size());
        for (std::size_t i = 0; i < xs.size(); ++i) {
            const double want = q->quantize(xs[i]);
            QVERIFY2(std::memcmp(&v[i], &want, sizeof want) == 0,
                     qPrintable(QString("%1: x=%2 array %3 scalar %4")
                                    .arg(text).arg(xs[i]).arg(v[i]).arg(want)));
        }
    }
}

QTEST_GUILESS_MAIN(TestQuantization)
#include "tst_quantization.moc"
