#pragma once
// User-supplied text echoed in a message (an option value, a scheme, a file's field) is cut to
// a readable length, so that a 100 KB argument still gives a one-line error. Lengths count
// UTF-8 code points, and a cut never splits one.
#include <cstddef>
#include <string>
#include <string_view>

namespace netsurf {

// Longest value echoed whole; longer values show this many characters, "…" and their length.
inline constexpr std::size_t kEchoedValueChars = 60;

// Number of UTF-8 code points of `text` (bytes that are not continuation bytes 10xxxxxx).
inline std::size_t utf8Length(std::string_view text) {
    std::size_t n = 0;
    for (unsigned char c : text)
        n += (c & 0xC0) != 0x80;
    return n;
}

// Byte length of the first kEchoedValueChars characters of `text` (all of it when shorter).
inline std::size_t echoedPrefix(std::string_view text) {
    std::size_t end = 0, chars = 0;
    for (; end < text.size(); ++end)
        if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80 && chars++ == kEchoedValueChars)
            break;
    return end;
}

// `text` whole when it has at most kEchoedValueChars characters; else its first
// kEchoedValueChars characters, "…" and " (N characters)": "xxxx… (100000 characters)".
inline std::string clipValue(std::string_view text) {
    const std::size_t cut = echoedPrefix(text);
    if (cut == text.size()) return std::string(text);
    return std::string(text.substr(0, cut)) + "… (" + std::to_string(utf8Length(text)) +
           " characters)";
}

// clipValue in single quotes, the length outside them: 'q<6,2,1>' or 'xxxx…' (100000 characters).
inline std::string quoteValue(std::string_view text) {
    const std::size_t cut = echoedPrefix(text);
    if (cut == text.size()) return "'" + std::string(text) + "'";
    return "'" + std::string(text.substr(0, cut)) + "…' (" + std::to_string(utf8Length(text)) +
           " characters)";
}

} // namespace netsurf
