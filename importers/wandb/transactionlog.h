// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace runlens::importers::wandb {

// Streams the records of a W&B transaction log (`run-<id>.wandb`, formats.md 4.3): a 7-byte header, then
// LevelDB-log style 32 KiB blocks of chunks (CRC-32/IEEE over type byte + payload; FULL, FIRST, MIDDLE, LAST).
// Only one block is held in memory.
//
// Damage a crash or a live writer leaves (a truncated tail, a record cut at the end, zero-filled blocks) is
// reported as a warning and reading stops or skips ahead; anything else (bad header, checksum mismatch, a chunk
// that runs past its block, a broken chunk sequence) is an error naming the file and the byte offset.
class TransactionLog {
public:
    using WarningHandler = std::function<void(const Error&)>;

    // Opens the file and checks the header.
    static Result<std::unique_ptr<TransactionLog>> open(const std::filesystem::path& path, WarningHandler warn);

    // Reads the next whole record into payload. Returns false at the end of the usable log.
    Result<bool> next(std::string& payload);
    // Byte offset of the first chunk of the record last returned.
    std::int64_t recordOffset() const { return m_recordOffset; }
    // Bytes consumed so far, for progress.
    std::int64_t position() const { return m_blockStart + static_cast<std::int64_t>(m_pos); }
    std::int64_t size() const { return m_size; }
    // True when the log ended inside a record or a chunk (a live or killed writer).
    bool truncated() const { return m_truncated; }

    static constexpr std::size_t blockSize = 32768;
    static constexpr std::size_t headerSize = 7;

private:
    TransactionLog() = default;
    bool loadBlock();
    Error error(std::int64_t offset, std::string message) const;
    void warn(std::int64_t offset, std::string message) const;

    std::filesystem::path m_path;
    std::string m_shown;
    WarningHandler m_warn;
    std::ifstream m_in;
    std::int64_t m_size = 0;
    std::string m_block;
    std::int64_t m_blockStart = 0;
    std::size_t m_pos = 0;
    bool m_firstBlock = true;
    bool m_eof = false;
    bool m_truncated = false;
    bool m_skippingBrokenRecord = false;
    std::int64_t m_zeroStart = -1;  // where the current run of zero-filled blocks began
    std::int64_t m_recordOffset = 0;
};

}  // namespace runlens::importers::wandb
