#pragma once
// SHA-256 (FIPS 180-4) for dataset and model checksums.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "engine/core/result.h"

namespace netsurf {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::array<std::uint8_t, 32> digest(); // finalizes; the object must not be updated after
    std::string hexDigest();

private:
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> m_h;
    std::array<std::uint8_t, 64> m_buf{};
    std::size_t m_bufLen = 0;
    std::uint64_t m_totalBytes = 0;
};

std::string sha256Hex(std::string_view data);
Result<std::string> sha256File(const std::filesystem::path& path);

} // namespace netsurf
