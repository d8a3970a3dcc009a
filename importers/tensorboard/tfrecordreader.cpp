// SPDX-License-Identifier: MIT
#include "tfrecordreader.h"

#include "common/crc32c.h"

#include <cerrno>
#include <cstring>
#include <system_error>

namespace runlens::importers::tensorboard {
namespace {

constexpr std::size_t headerBytes = 12;  // uint64 length + uint32 masked CRC of the length
constexpr std::size_t footerBytes = 4;   // uint32 masked CRC of the data
constexpr std::size_t bufferBytes = std::size_t{1} << 20;

std::uint64_t readLe64(const char* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

std::uint32_t readLe32(const char* p) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

}  // namespace

bool looksLikeTfRecord(std::string_view firstBytes) {
    if (firstBytes.size() < headerBytes)
        return false;
    return maskedCrc32c(firstBytes.substr(0, 8)) == readLe32(firstBytes.data() + 8);
}

TfRecordReader::TfRecordReader(std::filesystem::path file) : m_file(std::move(file)) {
    std::error_code ec;
    m_size = static_cast<std::int64_t>(std::filesystem::file_size(m_file, ec));
    if (ec) {
        m_failed = true;
        m_problem = "cannot read file: " + ec.message();
        return;
    }
    m_stream = std::fopen(m_file.c_str(), "rb");
    if (!m_stream) {
        m_failed = true;
        m_problem = std::string("cannot read file: ") + std::strerror(errno);
        return;
    }
    m_capacity = bufferBytes;
    m_buffer = std::make_unique<char[]>(m_capacity);
}

TfRecordReader::~TfRecordReader() {
    if (m_stream)
        std::fclose(m_stream);
}

bool TfRecordReader::fill(std::size_t n) {
    if (m_end - m_pos >= n)
        return true;
    // Move the unread tail to the front, grow for a record larger than the buffer, then read more.
    const std::size_t unread = m_end - m_pos;
    if (n > m_capacity) {
        auto bigger = std::make_unique<char[]>(n);
        std::memcpy(bigger.get(), m_buffer.get() + m_pos, unread);
        m_buffer = std::move(bigger);
        m_capacity = n;
    } else if (m_pos > 0) {
        std::memmove(m_buffer.get(), m_buffer.get() + m_pos, unread);
    }
    m_pos = 0;
    m_end = unread;
    while (m_end < n) {
        const std::size_t got = std::fread(m_buffer.get() + m_end, 1, m_capacity - m_end, m_stream);
        if (got == 0) {
            if (std::ferror(m_stream)) {
                m_failed = true;
                m_problem = std::string("cannot read file: ") + std::strerror(errno);
            }
            return false;
        }
        m_end += got;
    }
    return true;
}

TfRecordReader::Next TfRecordReader::next() {
    m_record = {};
    if (m_failed)
        return Next::failed;
    m_recordOffset = m_consumed;
    if (!fill(headerBytes)) {
        if (m_failed)
            return Next::failed;
        if (m_end == m_pos)
            return Next::end;
        m_problem = "the file ends inside a record header (" + std::to_string(m_end - m_pos) + " of 12 bytes)";
        return Next::truncated;
    }
    const char* header = m_buffer.get() + m_pos;
    if (maskedCrc32c(std::string_view(header, 8)) != readLe32(header + 8)) {
        m_problem = "record length checksum mismatch (corrupt data)";
        return Next::corrupt;
    }
    const std::uint64_t length = readLe64(header);
    const auto remaining = static_cast<std::uint64_t>(m_size - m_consumed);
    if (length > remaining) {
        // A length whose checksum holds but that runs past the end: the rest has not been written yet.
        m_problem = "the file ends inside a record (" + std::to_string(remaining) + " of " +
                    std::to_string(length + headerBytes + footerBytes) + " bytes present)";
        return Next::truncated;
    }
    const std::size_t total = headerBytes + static_cast<std::size_t>(length) + footerBytes;
    if (!fill(total)) {
        if (m_failed)
            return Next::failed;
        m_problem = "the file ends inside a record (" + std::to_string(m_end - m_pos) + " of " + std::to_string(total) +
                    " bytes present)";
        return Next::truncated;
    }
    const char* data = m_buffer.get() + m_pos + headerBytes;
    const std::string_view payload(data, static_cast<std::size_t>(length));
    if (maskedCrc32c(payload) != readLe32(data + length)) {
        m_problem = "record data checksum mismatch (corrupt data)";
        return Next::corrupt;
    }
    m_record = payload;
    m_pos += total;
    m_consumed += static_cast<std::int64_t>(total);
    ++m_records;
    return Next::record;
}

}  // namespace runlens::importers::tensorboard
