// SPDX-License-Identifier: MIT
#include "tablereader.h"

#include <fast_float/fast_float.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace runlens::datasets {

namespace {

constexpr std::size_t blockSize = std::size_t{1} << 20;

bool looksNumeric(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    if (s.empty())
        return false;
    double value = 0;
    const auto [end, ec] = fast_float::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size();
}

// The candidate delimiter seen most often outside quotes in the first line; a comma when none is.
char detectDelimiter(std::string_view firstLine) {
    constexpr std::array<char, 4> candidates = {'\t', ',', ';', '|'};
    std::array<int, 4> counts{};
    bool quoted = false;
    for (char c : firstLine) {
        if (c == '"')
            quoted = !quoted;
        if (quoted)
            continue;
        for (std::size_t i = 0; i < candidates.size(); ++i)
            counts[i] += c == candidates[i] ? 1 : 0;
    }
    const auto best = std::max_element(counts.begin(), counts.end());
    return *best > 0 ? candidates[static_cast<std::size_t>(best - counts.begin())] : ',';
}

}  // namespace

TableReader::~TableReader() {
    if (m_file)
        std::fclose(m_file);
}

Result<std::unique_ptr<TableReader>> TableReader::open(const std::string& path, const TableOptions& options) {
    std::unique_ptr<TableReader> reader(new TableReader());
    reader->m_path = path;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return Error{path, {}, "is a folder, not a data file"};
    reader->m_file = std::fopen(path.c_str(), "rb");
    if (!reader->m_file)
        return Error{path, {}, std::string("cannot open: ") + std::strerror(errno)};
    const auto size = std::filesystem::file_size(path, ec);
    reader->m_fileSize = ec ? 0 : static_cast<std::int64_t>(size);
    reader->m_buffer.resize(blockSize);
    if (auto status = reader->fill(); !status)
        return status.error();
    // A UTF-8 byte order mark is not part of the first column's name.
    if (reader->m_end >= 3 && std::memcmp(reader->m_buffer.data(), "\xEF\xBB\xBF", 3) == 0)
        reader->m_pos = 3;
    // Skip leading blank lines to find the first line.
    while (true) {
        while (reader->m_pos < reader->m_end &&
               (reader->m_buffer[reader->m_pos] == '\n' || reader->m_buffer[reader->m_pos] == '\r')) {
            if (reader->m_buffer[reader->m_pos] == '\n')
                ++reader->m_line;
            ++reader->m_pos;
        }
        if (reader->m_pos < reader->m_end || reader->m_eof)
            break;
        if (auto status = reader->fill(); !status)
            return status.error();
    }
    if (reader->m_pos >= reader->m_end)
        return Error{path, {}, "the file is empty (no header and no data)"};

    const std::string_view rest(reader->m_buffer.data() + reader->m_pos, reader->m_end - reader->m_pos);
    const std::string_view firstLine = rest.substr(0, rest.find('\n'));
    TableRecord first;
    if (firstLine.starts_with('{')) {
        reader->m_format = TableFormat::JsonLines;
        std::string_view line;
        auto got = reader->nextLine(line);
        if (!got)
            return got.error();
        const auto object = nlohmann::ordered_json::parse(line, nullptr, false);
        if (!object.is_object())
            return Error{path, "line " + std::to_string(reader->m_line - 1), "the first line is not a JSON object"};
        for (const auto& item : object.items())
            reader->m_columns.push_back(item.key());
        if (reader->m_columns.empty())
            return Error{path, "line 1", "the first JSON object has no keys, so there are no columns"};
        reader->m_hasHeader = false;
        reader->m_line -= 1;  // parsed again as the first data record
        reader->m_pushedBackStorage.assign(1, std::string(line));
        return reader;
    }

    reader->m_delimiter = options.delimiter ? options.delimiter : detectDelimiter(firstLine);
    while (!reader->parseDelimited(first, reader->m_eof)) {
        if (auto status = reader->fill(); !status)
            return status.error();
    }
    bool header = true;
    if (options.header) {
        header = *options.header;
    } else {
        header = std::none_of(first.fields.begin(), first.fields.end(), looksNumeric);
    }
    reader->m_hasHeader = header;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < first.fields.size(); ++i) {
        std::string name = header ? std::string(first.fields[i]) : std::string();
        if (name.empty())
            name = "column_" + std::to_string(i + 1);
        // Duplicate names get a suffix so every column can be addressed by name.
        const std::string base = name;
        for (int k = 2; seen.contains(name); ++k)
            name = base + "_" + std::to_string(k);
        seen.insert(name);
        reader->m_columns.push_back(name);
    }
    if (!header) {
        reader->m_pushedBackStorage.assign(first.fields.begin(), first.fields.end());
        TableRecord pushed;
        pushed.line = first.line;
        reader->m_pushedBack = std::move(pushed);
    }
    return reader;
}

Status TableReader::fill() {
    // Keep the unread tail, then top the buffer up.
    if (m_pos > 0) {
        std::memmove(m_buffer.data(), m_buffer.data() + m_pos, m_end - m_pos);
        m_end -= m_pos;
        m_pos = 0;
    }
    if (m_end == m_buffer.size())
        m_buffer.resize(m_buffer.size() * 2);  // one record longer than the buffer
    const std::size_t got = std::fread(m_buffer.data() + m_end, 1, m_buffer.size() - m_end, m_file);
    m_end += got;
    if (got == 0) {
        if (std::ferror(m_file))
            return Error{m_path, "offset " + std::to_string(m_end),
                         std::string("read failed: ") + std::strerror(errno)};
        m_eof = true;
    }
    return {};
}

bool TableReader::parseDelimited(TableRecord& record, bool atEnd) {
    record.fields.clear();
    m_unescaped.clear();
    return parseDelimited(record.fields, record.problem, record.line, atEnd);
}

bool TableReader::parseDelimited(std::vector<std::string_view>& fields, std::string& problem, std::int64_t& line,
                                 bool atEnd) {
    const std::size_t firstField = fields.size();
    problem.clear();
    if (parsePlainLine(fields, line, atEnd))
        return true;
    fields.resize(firstField);
    const char* const begin = m_buffer.data();
    std::size_t p = m_pos;
    std::int64_t lines = 0;
    const char delimiter = m_delimiter;
    while (true) {
        // One field starting at p.
        if (p < m_end && begin[p] == '"') {
            const std::int64_t openedOn = m_line + lines;
            std::size_t q = p + 1;
            bool escaped = false;
            bool closed = false;
            while (q < m_end) {
                const char c = begin[q];
                if (c == '"') {
                    if (q + 1 < m_end && begin[q + 1] == '"') {
                        escaped = true;
                        q += 2;
                        continue;
                    }
                    if (q + 1 >= m_end && !atEnd)
                        return false;  // cannot tell a closing quote from a doubled one yet
                    closed = true;
                    break;
                }
                if (c == '\n')
                    ++lines;
                ++q;
            }
            if (!closed && !atEnd)
                return false;
            if (!closed)
                problem = "a quoted field opened on line " + std::to_string(openedOn) +
                          " is not closed before the end of the file";
            std::string_view content(begin + p + 1, q - p - 1);
            if (escaped) {
                std::string text;
                text.reserve(content.size());
                for (std::size_t i = 0; i < content.size(); ++i) {
                    text += content[i];
                    if (content[i] == '"' && i + 1 < content.size() && content[i + 1] == '"')
                        ++i;
                }
                m_unescaped.push_back(std::move(text));
                content = m_unescaped.back();
            }
            fields.push_back(content);
            p = closed ? q + 1 : q;
            // Anything between the closing quote and the delimiter is kept out, as most readers do.
            while (p < m_end && begin[p] != delimiter && begin[p] != '\n' && begin[p] != '\r')
                ++p;
        } else {
            std::size_t q = p;
            while (q < m_end && begin[q] != delimiter && begin[q] != '\n' && begin[q] != '\r')
                ++q;
            if (q >= m_end && !atEnd)
                return false;
            fields.emplace_back(begin + p, q - p);
            p = q;
        }
        if (p >= m_end) {
            if (!atEnd)
                return false;
            break;
        }
        if (begin[p] == delimiter) {
            ++p;
            continue;
        }
        // End of the record: \n, \r\n or a lone \r.
        if (begin[p] == '\r') {
            if (p + 1 >= m_end && !atEnd)
                return false;
            ++p;
            if (p < m_end && begin[p] == '\n')
                ++p;
        } else {
            ++p;
        }
        ++lines;
        break;
    }
    line = m_line;
    m_line += lines;
    m_pos = p;
    return true;
}

bool TableReader::parsePlainLine(std::vector<std::string_view>& fields, std::int64_t& line, bool atEnd) {
    const char* const lineStart = m_buffer.data() + m_pos;
    const std::size_t available = m_end - m_pos;
    const auto* newline = static_cast<const char*>(std::memchr(lineStart, '\n', available));
    if (!newline && !atEnd)
        return false;
    const char* const lineEnd = newline ? newline : lineStart + available;
    const auto length = static_cast<std::size_t>(lineEnd - lineStart);
    // Quotes anywhere and a carriage return other than the one before the newline take the general path, which
    // knows every rule; this path only splits plain records, the common case.
    std::size_t fieldsLength = length;
    if (newline && length > 0 && lineEnd[-1] == '\r')
        --fieldsLength;
    if (!splitPlainFields(lineStart, fieldsLength, fields))
        return false;
    line = m_line;
    if (newline) {
        m_pos += length + 1;
        ++m_line;
    } else {
        m_pos = m_end;
    }
    return true;
}

bool TableReader::splitPlainFields(const char* text, std::size_t length, std::vector<std::string_view>& fields) const {
    const char delimiter = m_delimiter;
    std::size_t start = 0;
    std::size_t i = 0;
#if defined(__SSE2__)
    // Sixteen bytes at a time: a bit mask of the delimiters, then one field per set bit; quotes and carriage returns
    // are looked for in the same pass.
    const __m128i wanted = _mm_set1_epi8(delimiter);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i carriageReturn = _mm_set1_epi8('\r');
    __m128i special = _mm_setzero_si128();
    for (; i + 16 <= length; i += 16) {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + i));
        special =
            _mm_or_si128(special, _mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, carriageReturn)));
        auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, wanted)));
        while (mask != 0) {
            const std::size_t at = i + static_cast<std::size_t>(std::countr_zero(mask));
            fields.emplace_back(text + start, at - start);
            start = at + 1;
            mask &= mask - 1;
        }
    }
    if (_mm_movemask_epi8(special) != 0)
        return false;
#endif
    for (; i < length; ++i) {
        if (text[i] == '"' || text[i] == '\r')
            return false;
        if (text[i] == delimiter) {
            fields.emplace_back(text + start, i - start);
            start = i + 1;
        }
    }
    fields.emplace_back(text + start, length - start);
    return true;
}

Result<bool> TableReader::nextLine(std::string_view& line) {
    while (true) {
        const char* start = m_buffer.data() + m_pos;
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', m_end - m_pos));
        if (newline) {
            line = std::string_view(start, static_cast<std::size_t>(newline - start));
            m_pos += line.size() + 1;
            ++m_line;
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            return true;
        }
        if (m_eof) {
            if (m_pos >= m_end)
                return false;
            line = std::string_view(start, m_end - m_pos);
            m_pos = m_end;
            ++m_line;
            return true;
        }
        if (auto status = fill(); !status)
            return status.error();
    }
}

void TableReader::parseJsonLine(std::string_view line, TableRecord& record) {
    record.fields.assign(m_columns.size(), std::string_view());
    m_unescaped.clear();
    const auto object = nlohmann::json::parse(line, nullptr, false);
    if (!object.is_object()) {
        record.fields.clear();
        record.problem = object.is_discarded() ? "the line is not valid JSON" : "the line is not a JSON object";
        return;
    }
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        const auto it = object.find(m_columns[i]);
        if (it == object.end() || it->is_null())
            continue;
        if (it->is_string())
            m_unescaped.push_back(it->get<std::string>());
        else if (it->is_boolean())
            m_unescaped.push_back(it->get<bool>() ? "true" : "false");
        else
            m_unescaped.push_back(it->dump());
        record.fields[i] = m_unescaped.back();
    }
    if (object.size() > m_columns.size()) {
        for (const auto& item : object.items()) {
            if (std::find(m_columns.begin(), m_columns.end(), item.key()) == m_columns.end()) {
                record.problem = "key '" + item.key() + "' is not among the first line's keys; it is ignored";
                break;
            }
        }
    }
}

Result<bool> TableReader::next(TableRecord& record) {
    record.problem.clear();
    if (m_format == TableFormat::JsonLines) {
        while (true) {
            std::string_view line;
            if (!m_pushedBackStorage.empty()) {
                // The first object was read to find the columns; it is also the first record.
                m_unescaped.clear();
                m_pushedBack.reset();
                const std::string first = std::move(m_pushedBackStorage.front());
                m_pushedBackStorage.clear();
                ++m_line;
                record.line = m_line - 1;
                record.row = ++m_row;
                parseJsonLine(first, record);
                return true;
            }
            auto got = nextLine(line);
            if (!got)
                return got.error();
            if (!*got)
                return false;
            if (line.find_first_not_of(" \t") == std::string_view::npos)
                continue;
            record.line = m_line - 1;
            record.row = ++m_row;
            parseJsonLine(line, record);
            return true;
        }
    }
    if (m_pushedBack) {
        record.fields.assign(m_pushedBackStorage.begin(), m_pushedBackStorage.end());
        record.line = m_pushedBack->line;
        record.row = ++m_row;
        m_pushedBack.reset();
        return true;
    }
    while (true) {
        skipBlankLines();
        if (m_pos >= m_end) {
            if (m_eof)
                return false;
            if (auto status = fill(); !status)
                return status.error();
            continue;
        }
        if (parseDelimited(record, m_eof)) {
            record.row = ++m_row;
            return true;
        }
        if (auto status = fill(); !status)
            return status.error();
    }
}

void TableReader::skipBlankLines() {
    while (m_pos < m_end && (m_buffer[m_pos] == '\n' || m_buffer[m_pos] == '\r')) {
        if (m_buffer[m_pos] == '\n')
            ++m_line;
        ++m_pos;
    }
}

Result<bool> TableReader::nextBlock(TableBlock& block, std::size_t maxRecords) {
    block.clear();
    if (m_format == TableFormat::JsonLines || m_pushedBack) {
        // Rare or slow cases go one record at a time.
        auto got = next(m_blockRecord);
        if (!got || !*got)
            return got;
        block.fields = m_blockRecord.fields;
        block.append(m_blockRecord.row, m_blockRecord.line, m_blockRecord.problem);
        return true;
    }
    m_unescaped.clear();
    std::string problem;
    std::int64_t line = 0;
    while (block.size() < maxRecords) {
        skipBlankLines();
        const std::size_t firstField = block.fields.size();
        if (m_pos < m_end && parseDelimited(block.fields, problem, line, m_eof)) {
            block.append(++m_row, line, problem);
            continue;
        }
        block.fields.resize(firstField);
        // Refilling moves the buffer under the records already in the block: they go out first.
        if (!block.empty() || (m_pos >= m_end && m_eof))
            break;
        if (auto status = fill(); !status)
            return status.error();
    }
    return !block.empty();
}

}  // namespace runlens::datasets
