// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string_view>

namespace runlens::importers::wandb {

// Standard CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, the zlib one), as W&B's transaction log uses it.
// A small table implementation so the importer does not depend on zlib being linked.
std::uint32_t crc32Update(std::uint32_t crc, std::string_view bytes);
inline std::uint32_t crc32(std::string_view bytes) {
    return crc32Update(0, bytes);
}

}  // namespace runlens::importers::wandb
