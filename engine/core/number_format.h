#pragma once
// Shortest decimal text that reads back to the same double (std::to_chars), e.g. 0.1 → "0.1",
// 1/3 → "0.3333333333333333". Used by every CSV the engine writes.
#include <charconv>
#include <string>

namespace netsurf {

inline void appendDouble(std::string& out, double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

inline std::string shortestDouble(double v) {
    std::string s;
    appendDouble(s, v);
    return s;
}

} // namespace netsurf
