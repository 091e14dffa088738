// netsurf-cli quant 'q<m,n,s>' [--value X …] [--json]
// Shows a quantization scheme (SPEC §1) and, per value, its quantization, stored bits and the
// flip delta of every bit.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/cli_args.h"
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "engine/core/message_text.h"
#include "engine/quant/quant_scheme.h"

namespace netsurf::cli {

namespace {

void printQuantUsage() {
    std::printf("usage: netsurf-cli quant 'q<m,n,s>' [--value X ...] [--json]\n"
                "\n"
                "Shows the scheme's bit counts, range, LSB and bit exponents; for every --value\n"
                "its quantized value, stored bits (MSB first) and the delta of flipping each bit.\n"
                "Accepted forms: q<m> (n = m, s = 0), q<m,n> (s = 0), q<m,n,s>.\n");
}

// Shortest round-trip decimal form of a double ("0.125", "-4", "1e-07").
std::string fmt(double v) {
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, ptr) : std::string("?");
}

// Signed form for deltas ("+2", "-0.125").
std::string fmtSigned(double v) {
    return (v > 0 ? "+" : "") + fmt(v);
}

// Integral doubles become JSON integers so that e.g. min = -4 prints as -4, not -4.0.
nlohmann::json jsonNumber(double v) {
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.0e15)
        return static_cast<long long>(v);
    return v;
}

nlohmann::json schemeJson(const QuantScheme& q, const std::vector<double>& values) {
    nlohmann::json exps = nlohmann::json::array();
    for (int b = 0; b < q.m(); ++b)
        exps.push_back(q.exponent(b));
    nlohmann::json rows = nlohmann::json::array();
    for (double v : values) {
        nlohmann::json deltas = nlohmann::json::array();
        for (double d : q.deltas(v))
            deltas.push_back(jsonNumber(d));
        rows.push_back({{"value", jsonNumber(v)},
                        {"quantized", jsonNumber(q.quantize(v))},
                        {"bits", q.bitString(v)},
                        {"code", q.code(v)},
                        {"deltas", deltas}});
    }
    return {{"scheme", q.str()},
            {"m", q.m()},
            {"n", q.n()},
            {"f", q.f()},
            {"s", q.s()},
            {"min", jsonNumber(q.minValue())},
            {"max", jsonNumber(q.maxValue())},
            {"lsb", jsonNumber(q.lsb())},
            {"exponents", exps},
            {"values", rows}};
}

void printSchemeText(const QuantScheme& q, const std::vector<double>& values) {
    std::printf("scheme     %s  (m = %d total bits, n = %d integer bits, f = %d fractional bits, "
                "s = %d: %s)\n",
                q.str().c_str(), q.m(), q.n(), q.f(), q.s(), q.isSigned() ? "signed" : "unsigned");
    std::printf("range      [%s, %s]\n", fmt(q.minValue()).c_str(), fmt(q.maxValue()).c_str());
    std::printf("LSB        %s\n", fmt(q.lsb()).c_str());
    std::printf("exponents ");
    for (int b = 0; b < q.m(); ++b)
        std::printf(" %d", q.exponent(b));
    std::printf("  (bit 0 = MSB%s)\n", q.isSigned() ? " = sign bit" : "");
    if (values.empty()) return;

    // One row per value; one delta column per bit, headed by its weight 2^e.
    const int bitsWidth = std::max(4, q.m() + 1);
    std::printf("\n%12s %12s  %-*s %8s  deltas:", "value", "quantized", bitsWidth, "bits", "code");
    for (int b = 0; b < q.m(); ++b) { // column = weight of the bit (the sign bit weighs −2^n)
        const std::string sign = (q.isSigned() && b == 0) ? "-" : "";
        std::printf(" %9s", (sign + "2^" + std::to_string(q.exponent(b))).c_str());
    }
    std::printf("\n");
    for (double v : values) {
        std::printf("%12s %12s  %-*s %8u         ", fmt(v).c_str(), fmt(q.quantize(v)).c_str(),
                    bitsWidth, q.bitString(v).c_str(), static_cast<unsigned>(q.code(v)));
        for (double d : q.deltas(v))
            std::printf(" %9s", fmtSigned(d).c_str());
        std::printf("\n");
    }
}

} // namespace

int cmdQuant(const Args& args) {
    auto parsed = CliArgs::parse(args, {.repeatable = {"value"}, .flags = {"json", "help"}});
    if (!parsed) return reportError(parsed.error());
    const CliArgs& cli = *parsed;
    if (cli.flag("help")) {
        printQuantUsage();
        return 0;
    }
    if (cli.positional().empty())
        return reportError(Error::usage("quant expects a scheme argument such as 'q<6,2,1>'"));
    if (cli.positional().size() > 1)
        return reportError(Error::usage("quant expects one scheme argument, got an extra " +
                                        quoteValue(cli.positional()[1]) +
                                        " (give values with --value X)"));

    auto scheme = QuantScheme::parse(cli.positional().front());
    if (!scheme) return reportError(scheme.error());

    std::vector<double> values;
    for (const std::string& text : cli.values("value")) {
        auto v = parseDouble(text);
        if (!v)
            return reportError(
                Error::usage("--value expects a finite number, got " + quoteValue(text)));
        values.push_back(*v);
    }

    if (cli.flag("json"))
        printJson(schemeJson(*scheme, values));
    else
        printSchemeText(*scheme, values);
    return 0;
}

} // namespace netsurf::cli
