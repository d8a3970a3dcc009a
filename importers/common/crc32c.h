// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string_view>

namespace runlens::importers {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord files use it. crc32c("123456789") == 0xE3069283.
std::uint32_t crc32c(std::string_view bytes);
std::uint32_t crc32cExtend(std::uint32_t crc, std::string_view bytes);

// TFRecord's masked form: ((crc >> 15) | (crc << 17)) + 0xA282EAD8.
std::uint32_t maskedCrc32c(std::string_view bytes);

}  // namespace runlens::importers
