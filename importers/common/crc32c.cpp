// SPDX-License-Identifier: MIT
#include "crc32c.h"

#include <array>

namespace runlens::importers {
namespace {

// Slicing-by-8 tables: the event reader checks every byte of every record, so the plain byte-wise loop would be the
// importer's bottleneck.
constexpr std::array<std::array<std::uint32_t, 256>, 8> makeTables() {
    std::array<std::array<std::uint32_t, 256>, 8> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1U) ? (c >> 1) ^ 0x82F63B78U : c >> 1;
        t[0][i] = c;
    }
    for (std::size_t i = 0; i < 256; ++i)
        for (std::size_t s = 1; s < 8; ++s)
            t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFFU];
    return t;
}

constexpr auto tables = makeTables();

}  // namespace

std::uint32_t crc32cExtend(std::uint32_t crc, std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t n = bytes.size();
    std::uint32_t c = ~crc;
    while (n >= 8) {
        const std::uint32_t lo = c ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
                                      std::uint32_t{p[3]} << 24);
        c = tables[7][lo & 0xFFU] ^ tables[6][(lo >> 8) & 0xFFU] ^ tables[5][(lo >> 16) & 0xFFU] ^ tables[4][lo >> 24] ^
            tables[3][p[4]] ^ tables[2][p[5]] ^ tables[1][p[6]] ^ tables[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n-- > 0)
        c = (c >> 8) ^ tables[0][(c ^ *p++) & 0xFFU];
    return ~c;
}

std::uint32_t crc32c(std::string_view bytes) {
    return crc32cExtend(0, bytes);
}

std::uint32_t maskedCrc32c(std::string_view bytes) {
    const std::uint32_t crc = crc32c(bytes);
    return ((crc >> 15) | (crc << 17)) + 0xA282EAD8U;
}

}  // namespace runlens::importers
