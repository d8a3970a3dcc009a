// SPDX-License-Identifier: MIT
#include "protowire.h"

namespace runlens::importers::wandb {

bool ProtoReader::readVarint(std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (m_pos >= m_data.size())
            return false;
        const auto byte = static_cast<unsigned char>(m_data[m_pos++]);
        value |= static_cast<std::uint64_t>(byte & 0x7FU) << shift;
        if ((byte & 0x80U) == 0)
            return true;
    }
    return false;  // more than 10 bytes
}

bool ProtoReader::next() {
    if (m_failed || m_pos >= m_data.size())
        return false;
    std::uint64_t key = 0;
    if (!readVarint(key))
        return fail();
    m_field = static_cast<std::uint32_t>(key >> 3);
    if (m_field == 0)
        return fail();
    m_scalar = 0;
    m_bytes = {};
    auto readFixed = [&](std::size_t width) {
        if (m_data.size() - m_pos < width)
            return false;
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < width; ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_data[m_pos + i])) << (8 * i);
        m_pos += width;
        m_scalar = v;
        return true;
    };
    switch (key & 7U) {
    case varintType:
        m_wireType = varintType;
        return readVarint(m_scalar) || fail();
    case fixed64Type:
        m_wireType = fixed64Type;
        return readFixed(8) || fail();
    case fixed32Type:
        m_wireType = fixed32Type;
        return readFixed(4) || fail();
    case lengthDelimited: {
        m_wireType = lengthDelimited;
        std::uint64_t length = 0;
        if (!readVarint(length) || length > m_data.size() - m_pos)
            return fail();
        m_bytes = m_data.substr(m_pos, static_cast<std::size_t>(length));
        m_pos += static_cast<std::size_t>(length);
        return true;
    }
    default:
        return fail();  // groups (3, 4) are deprecated and never used by W&B; 6 and 7 are invalid
    }
}

}  // namespace runlens::importers::wandb
