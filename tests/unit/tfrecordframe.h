// SPDX-License-Identifier: MIT
#pragma once

#include "common/crc32c.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace runlens::test {

// One TFRecord frame (formats.md section 3): the payload's length, the masked CRC-32C of the length, the payload and
// its masked CRC-32C, little-endian as the writers lay them out.
inline std::string tfRecordFrame(const std::string& payload) {
    const auto crc = [](std::string_view bytes) {
        const std::uint32_t c = importers::maskedCrc32c(bytes);
        char raw[4];
        std::memcpy(raw, &c, 4);
        return std::string(raw, 4);
    };
    char length[8];
    const std::uint64_t n = payload.size();
    std::memcpy(length, &n, 8);
    return std::string(length, 8) + crc(std::string_view(length, 8)) + payload + crc(payload);
}

}  // namespace runlens::test
