// SPDX-License-Identifier: MIT
#include "transactionlog.h"

#include "common/paths.h"
#include "wandb/crc32.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <system_error>

namespace runlens::importers::wandb {
namespace {

enum ChunkType : std::uint8_t { zeroType = 0, fullType = 1, firstType = 2, middleType = 3, lastType = 4 };

std::uint32_t le32(const char* p) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(p[0])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(p[3])) << 24;
}

std::string hex32(std::uint32_t v) {
    std::array<char, 16> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "0x%08x", v);
    return buffer.data();
}

bool allZero(std::string_view bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

}  // namespace

Error TransactionLog::error(std::int64_t offset, std::string message) const {
    return Error{m_shown, "offset " + std::to_string(offset), std::move(message)};
}

void TransactionLog::warn(std::int64_t offset, std::string message) const {
    if (m_warn)
        m_warn(error(offset, std::move(message)));
}

Result<std::unique_ptr<TransactionLog>> TransactionLog::open(const std::filesystem::path& path, WarningHandler warn) {
    std::unique_ptr<TransactionLog> log(new TransactionLog());
    log->m_path = path;
    log->m_shown = displayPath(path);
    log->m_warn = std::move(warn);
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return Error{log->m_shown, {}, "cannot read file: " + ec.message()};
    log->m_size = static_cast<std::int64_t>(size);
    log->m_in.open(path, std::ios::binary);
    if (!log->m_in)
        return Error{log->m_shown, {}, "cannot read file: cannot open it"};
    if (size == 0)
        return Error{log->m_shown, {}, "the file is empty (expected a W&B transaction log)"};
    if (!log->loadBlock())
        return Error{log->m_shown, {}, "cannot read file"};
    const std::string_view block = log->m_block;
    const std::string_view magic(":W&B");
    if (block.size() < headerSize) {
        if (magic.starts_with(block.substr(0, std::min(block.size(), magic.size()))))
            return log->error(0, "truncated header: the file has " + std::to_string(block.size()) +
                                     " bytes, a W&B transaction log starts with 7");
        return log->error(0, "not a W&B transaction log (the file does not start with ':W&B')");
    }
    if (!block.starts_with(magic)) {
        std::string what = "not a W&B transaction log (the file does not start with ':W&B')";
        if (block.starts_with("\x1f\x8b"))
            what += "; it is gzip-compressed";
        return log->error(0, what);
    }
    const unsigned ident = static_cast<unsigned char>(block[4]) | static_cast<unsigned char>(block[5]) << 8U;
    if (ident != 0xBEE1U)
        return log->error(4, "not a W&B transaction log (magic " + hex32(ident) + ", expected 0xbee1)");
    if (block[6] != 0)
        return log->error(6, "unsupported W&B transaction log version " +
                                 std::to_string(static_cast<unsigned char>(block[6])) + " (this reader knows 0)");
    log->m_pos = headerSize;
    return log;
}

bool TransactionLog::loadBlock() {
    if (!m_firstBlock)
        m_blockStart += static_cast<std::int64_t>(m_block.size());
    m_firstBlock = false;
    m_block.resize(blockSize);
    m_in.read(m_block.data(), static_cast<std::streamsize>(blockSize));
    const auto got = static_cast<std::size_t>(std::max<std::streamsize>(m_in.gcount(), 0));
    m_block.resize(got);
    m_pos = 0;
    if (got < blockSize)
        m_eof = true;
    return got > 0;
}

Result<bool> TransactionLog::next(std::string& payload) {
    payload.clear();
    bool inRecord = false;
    for (;;) {
        const std::size_t left = m_block.size() - m_pos;
        const std::int64_t offset = m_blockStart + static_cast<std::int64_t>(m_pos);
        if (left < headerSize && m_zeroStart >= 0 && (m_eof || m_block.size() < blockSize)) {
            m_truncated = true;
            warn(m_zeroStart, "the log ends in zero-filled bytes (a live or killed writer); read up to there");
            return false;
        }
        if (left < headerSize) {
            // A full block ends in fewer than 7 bytes of zero padding; a short last block means the end of the file.
            const bool fullBlock = m_block.size() == blockSize;
            if (!fullBlock || m_eof) {
                if (left > 0 && !allZero(std::string_view(m_block).substr(m_pos))) {
                    m_truncated = true;
                    warn(offset, "the log ends inside a chunk header (truncated while written); ignored the last " +
                                     std::to_string(left) + " bytes");
                } else if (inRecord) {
                    m_truncated = true;
                    warn(m_recordOffset, "the log ends inside a record (truncated while written); the incomplete "
                                         "record is ignored");
                }
                return false;
            }
            if (!loadBlock()) {
                if (m_zeroStart >= 0) {
                    m_truncated = true;
                    warn(m_zeroStart, "the log ends in zero-filled bytes (a live or killed writer); read up to there");
                } else if (inRecord) {
                    m_truncated = true;
                    warn(m_recordOffset, "the log ends inside a record (truncated while written); the incomplete "
                                         "record is ignored");
                }
                return false;
            }
            continue;
        }
        const char* header = m_block.data() + m_pos;
        const std::uint32_t storedCrc = le32(header);
        const std::size_t length = static_cast<unsigned char>(header[4]) |
                                   static_cast<std::size_t>(static_cast<unsigned char>(header[5])) << 8U;
        const auto type = static_cast<std::uint8_t>(header[6]);
        if (type == zeroType && length == 0 && storedCrc == 0) {
            // Zero-filled space: preallocated by the writer or left by a crash. Skip the rest of the block.
            if (m_zeroStart < 0)
                m_zeroStart = offset;
            m_pos = m_block.size();
            if (inRecord) {
                warn(m_recordOffset, "a record is cut off by zero-filled bytes; it is ignored");
                inRecord = false;
                payload.clear();
            }
            m_skippingBrokenRecord = true;
            continue;
        }
        if (m_zeroStart >= 0) {
            warn(m_zeroStart, "skipped zero-filled bytes up to offset " + std::to_string(offset));
            m_zeroStart = -1;
        }
        if (length > left - headerSize) {
            if (m_eof) {
                m_truncated = true;
                warn(inRecord ? m_recordOffset : offset,
                     "the log ends inside a record (truncated while written); the incomplete record is ignored");
                return false;
            }
            return error(offset, "chunk of " + std::to_string(length) + " bytes runs past the end of its 32 KiB block");
        }
        if (type < fullType || type > lastType)
            return error(offset, "unknown chunk type " + std::to_string(type));
        const std::string_view typeAndPayload(header + 6, length + 1);
        const std::uint32_t computed = crc32(typeAndPayload);
        if (computed != storedCrc)
            return error(offset, "checksum mismatch (stored " + hex32(storedCrc) + ", computed " + hex32(computed) +
                                     "): the file is damaged");
        m_pos += headerSize + length;
        const std::string_view data = typeAndPayload.substr(1);
        switch (type) {
        case fullType:
        case firstType:
            if (inRecord)
                return error(m_recordOffset, "a record that was started is never finished (broken chunk sequence)");
            m_skippingBrokenRecord = false;
            m_recordOffset = offset;
            payload.assign(data);
            if (type == fullType)
                return true;
            inRecord = true;
            break;
        case middleType:
        case lastType:
            if (!inRecord) {
                if (m_skippingBrokenRecord)
                    break;  // the rest of a record whose start was lost in zero-filled bytes (warned above)
                return error(offset, "a record continues without having started (broken chunk sequence)");
            }
            payload.append(data);
            if (type == lastType)
                return true;
            break;
        default:
            break;
        }
    }
}

}  // namespace runlens::importers::wandb
