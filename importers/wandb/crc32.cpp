// SPDX-License-Identifier: MIT
#include "crc32.h"

#include <array>

namespace runlens::importers::wandb {
namespace {

constexpr std::array<std::uint32_t, 256> makeTable() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

constexpr auto table = makeTable();

}  // namespace

std::uint32_t crc32Update(std::uint32_t crc, std::string_view bytes) {
    crc = ~crc;
    for (const char ch : bytes)
        crc = table[(crc ^ static_cast<unsigned char>(ch)) & 0xFFU] ^ (crc >> 8);
    return ~crc;
}

}  // namespace runlens::importers::wandb
