#include "app/cli/cli_args.h"

#include <charconv>
#include <cmath>

#include "engine/core/message_text.h"

namespace netsurf::cli {

Result<CliArgs> CliArgs::parse(const std::vector<std::string>& args, const OptionSet& options) {
    CliArgs out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() < 3 || a.rfind("--", 0) != 0) {
            out.m_positional.push_back(a);
            continue;
        }
        std::string name = a.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const bool repeatable = options.repeatable.count(name) > 0;
        if (options.flags.count(name)) {
            if (inlineValue) return Error::usage("option --" + name + " takes no value");
            out.m_flags.insert(name);
        } else if (repeatable || options.valued.count(name)) {
            if (!inlineValue) {
                if (i + 1 >= args.size())
                    return Error::usage("option --" + name + " expects a value");
                inlineValue = args[++i];
            }
            std::vector<std::string>& values = out.m_values[name];
            if (!repeatable && !values.empty())
                return Error::usage("option --" + name + " given twice (" +
                                    clipValue(values.front()) + " and " + clipValue(*inlineValue) +
                                    "); it takes one value");
            values.push_back(*inlineValue);
        } else {
            return Error::usage("unknown option --" + clipValue(name));
        }
    }
    return out;
}

std::optional<std::string> CliArgs::value(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> CliArgs::values(const std::string& name) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

std::optional<double> parseDouble(const std::string& s) {
    double v = 0;
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<long long> parseInteger(const std::string& s) {
    long long v = 0;
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return v;
}

Result<std::optional<double>> CliArgs::number(const std::string& name) const {
    auto v = value(name);
    if (!v) return std::optional<double>{};
    auto d = parseDouble(*v);
    if (!d) return Error::usage("--" + name + " expects a number, got " + quoteValue(*v));
    return std::optional<double>{*d};
}

Result<std::optional<long long>> CliArgs::integer(const std::string& name) const {
    auto v = value(name);
    if (!v) return std::optional<long long>{};
    auto d = parseInteger(*v);
    if (!d) return Error::usage("--" + name + " expects an integer, got " + quoteValue(*v));
    return std::optional<long long>{*d};
}

} // namespace netsurf::cli
