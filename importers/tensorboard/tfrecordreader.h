// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace runlens::importers::tensorboard {

// Streams the records of one TFRecord file (formats.md 3.2) through a fixed buffer, checking both masked CRC-32C
// values of every record. Memory stays at the buffer size plus the largest record.
class TfRecordReader {
public:
    enum class Next {
        record,     // record() holds the next record's payload
        end,        // clean end of file
        truncated,  // the file ends inside a record: normal for a file that is still being written
        corrupt,    // a length or data checksum does not match, or the length is impossible
        failed,     // the file cannot be opened or read
    };

    explicit TfRecordReader(std::filesystem::path file);
    ~TfRecordReader();
    TfRecordReader(const TfRecordReader&) = delete;
    TfRecordReader& operator=(const TfRecordReader&) = delete;

    Next next();
    // The payload of the last record; valid until the next call of next().
    std::string_view record() const { return m_record; }
    // Byte offset of the record last returned, or of the damage for truncated/corrupt.
    std::int64_t offset() const { return m_recordOffset; }
    std::int64_t bytesRead() const { return m_consumed; }
    std::int64_t fileSize() const { return m_size; }
    std::int64_t recordCount() const { return m_records; }
    // Why truncated/corrupt/failed, in plain words.
    const std::string& problem() const { return m_problem; }

private:
    // Makes at least n bytes available at m_buffer[m_pos]; returns false at end of file.
    bool fill(std::size_t n);

    std::filesystem::path m_file;
    std::FILE* m_stream = nullptr;
    std::unique_ptr<char[]> m_buffer;
    std::size_t m_capacity = 0;
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    std::int64_t m_consumed = 0;  // file offset of m_buffer[m_pos]
    std::int64_t m_size = 0;
    std::int64_t m_recordOffset = 0;
    std::int64_t m_records = 0;
    std::string_view m_record;
    std::string m_problem;
    bool m_failed = false;
};

// True when bytes start with a TFRecord header whose length checksum matches (content sniffing).
bool looksLikeTfRecord(std::string_view firstBytes);

}  // namespace runlens::importers::tensorboard
