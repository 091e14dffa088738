#pragma once
// Minimal command-line parser for netsurf-cli subcommands: `--name value`, `--name=value`,
// boolean flags and repeatable list options. Unknown options are usage errors (exit code 2).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace netsurf::cli {

// The options a command accepts, without the leading "--". A single-valued option given twice
// is a usage error ("option --epochs given twice (5 and 9); it takes one value"); only the
// list options a command declares repeatable may appear more than once.
struct OptionSet {
    std::set<std::string> valued{};     // options taking one value, at most once
    std::set<std::string> repeatable{}; // options taking a value, any number of times (lists)
    std::set<std::string> flags{};      // boolean options (repeating one changes nothing)
};

class CliArgs {
public:
    static Result<CliArgs> parse(const std::vector<std::string>& args, const OptionSet& options);

    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const; // the (last) value
    std::vector<std::string> values(const std::string& name) const;  // all occurrences
    const std::vector<std::string>& positional() const { return m_positional; }

    // Typed accessors: a malformed number is a usage error naming the option.
    Result<std::optional<double>> number(const std::string& name) const;
    Result<std::optional<long long>> integer(const std::string& name) const;

private:
    std::map<std::string, std::vector<std::string>> m_values;
    std::set<std::string> m_flags;
    std::vector<std::string> m_positional;
};

// Parses a whole string as a double / integer (no trailing garbage).
std::optional<double> parseDouble(const std::string& s);
std::optional<long long> parseInteger(const std::string& s);

} // namespace netsurf::cli
