// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string_view>

namespace runlens::importers::wandb {

// A minimal protobuf wire-format reader (formats.md section 7).
//
// Why hand-written: W&B's wandb_internal.proto is large and pulls in several other .proto files, while the
// importer needs about thirty fields of a dozen messages (formats.md 4.4). Generating and linking the whole schema
// for that would add libprotobuf and code generation to the build; the wire format itself is small and stable.
//
// Usage: while (r.next()) switch (r.field()) { ... } then check r.failed(). Unknown fields are skipped by next().
class ProtoReader {
public:
    enum WireType : std::uint8_t { varintType = 0, fixed64Type = 1, lengthDelimited = 2, fixed32Type = 5 };

    explicit ProtoReader(std::string_view data) : m_data(data) {}

    // Advances to the next field; false at the end of the message or on malformed input (see failed()).
    bool next();
    bool failed() const { return m_failed; }

    std::uint32_t field() const { return m_field; }
    WireType wireType() const { return m_wireType; }
    // The field's value; each accessor gives a default when the wire type does not match.
    std::uint64_t varint() const { return m_wireType == varintType ? m_scalar : 0; }
    std::int64_t int64() const { return static_cast<std::int64_t>(varint()); }
    std::uint64_t fixed() const { return m_wireType == fixed64Type || m_wireType == fixed32Type ? m_scalar : 0; }
    std::string_view bytes() const { return m_wireType == lengthDelimited ? m_bytes : std::string_view(); }

private:
    bool readVarint(std::uint64_t& value);
    bool fail() {
        m_failed = true;
        return false;
    }

    std::string_view m_data;
    std::size_t m_pos = 0;
    bool m_failed = false;
    std::uint32_t m_field = 0;
    WireType m_wireType = varintType;
    std::uint64_t m_scalar = 0;
    std::string_view m_bytes;
};

}  // namespace runlens::importers::wandb
