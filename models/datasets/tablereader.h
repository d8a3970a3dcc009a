// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens::datasets {

enum class TableFormat { Delimited, JsonLines };

struct TableOptions {
    char delimiter = 0;          // 0: detected from the first line (tab, comma, semicolon or pipe)
    std::optional<bool> header;  // empty: detected (a first line without numbers is a header)
};

// One record. The fields point into the reader's buffers and stay valid until the next call to next().
struct TableRecord {
    std::vector<std::string_view> fields;  // one per column, in column order (JSON Lines: missing keys are empty)
    std::int64_t row = 0;                  // 1-based data row (the header is not a row)
    std::int64_t line = 0;                 // 1-based line of the file where the record starts
    std::string problem;                   // set when the record could not be read (a broken JSON line); no fields
};

// Records back to back, for readers that work through many rows at once. Record r's fields are
// fields[firstField[r], firstField[r + 1]).
struct TableBlock {
    std::vector<std::string_view> fields;
    std::vector<std::size_t> firstField{0};
    std::vector<std::int64_t> rows;     // as TableRecord::row
    std::vector<std::int64_t> lines;    // as TableRecord::line
    std::vector<std::string> problems;  // as TableRecord::problem

    std::size_t size() const { return rows.size(); }
    bool empty() const { return rows.empty(); }
    std::size_t fieldCount(std::size_t r) const { return firstField[r + 1] - firstField[r]; }
    void clear() {
        fields.clear();
        firstField.assign(1, 0);
        rows.clear();
        lines.clear();
        problems.clear();
    }
    // Closes a record whose fields were just added.
    void append(std::int64_t row, std::int64_t line, const std::string& problem) {
        firstField.push_back(fields.size());
        rows.push_back(row);
        lines.push_back(line);
        problems.push_back(problem);
    }
};

// Streams a CSV, TSV or JSON Lines file record by record through a fixed-size buffer, so a file of any length is
// read in bounded memory. Delimited files follow RFC 4180: fields in double quotes may hold delimiters, line breaks
// and doubled quotes; CRLF and a UTF-8 byte order mark are accepted; blank lines are skipped. JSON Lines is
// recognised by a first line starting with '{'; the columns are the keys of the first object.
class TableReader {
public:
    static Result<std::unique_ptr<TableReader>> open(const std::string& path, const TableOptions& options = {});
    ~TableReader();
    TableReader(const TableReader&) = delete;
    TableReader& operator=(const TableReader&) = delete;

    const std::string& path() const { return m_path; }
    TableFormat format() const { return m_format; }
    char delimiter() const { return m_delimiter; }
    bool hasHeader() const { return m_hasHeader; }
    const std::vector<std::string>& columns() const { return m_columns; }
    std::int64_t fileSize() const { return m_fileSize; }

    // The next record, false at the end of the file; an Error when the file cannot be read further.
    Result<bool> next(TableRecord& record);
    // Up to maxRecords next records, all valid together until the next call to next() or nextBlock(): those already
    // in the buffer, so a block never forces a refill. False at the end of the file.
    Result<bool> nextBlock(TableBlock& block, std::size_t maxRecords);

private:
    TableReader() = default;
    Status fill();
    // Parses one delimited record starting at m_pos; false when the buffer ends before the record does.
    bool parseDelimited(TableRecord& record, bool atEnd);
    // The same, appending the fields; on false, fields may hold part of the record, which the caller drops.
    bool parseDelimited(std::vector<std::string_view>& fields, std::string& problem, std::int64_t& line, bool atEnd);
    // The same for a record on one line without quotes or stray carriage returns; on false the reader's state is
    // untouched (fields as above).
    bool parsePlainLine(std::vector<std::string_view>& fields, std::int64_t& line, bool atEnd);
    // Splits a plain record; false (fields then partly filled) when it holds a quote or a carriage return after all.
    bool splitPlainFields(const char* text, std::size_t length, std::vector<std::string_view>& fields) const;
    Result<bool> nextLine(std::string_view& line);
    // Blank lines between records are skipped (as far as the buffer goes).
    void skipBlankLines();
    void parseJsonLine(std::string_view line, TableRecord& record);

    std::string m_path;
    std::FILE* m_file = nullptr;
    std::int64_t m_fileSize = 0;
    TableFormat m_format = TableFormat::Delimited;
    char m_delimiter = ',';
    bool m_hasHeader = true;
    std::vector<std::string> m_columns;
    std::vector<char> m_buffer;
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    bool m_eof = false;
    std::int64_t m_line = 1;  // line at m_pos
    std::int64_t m_row = 0;
    std::deque<std::string> m_unescaped;  // fields that needed unescaping, alive until the next record or block
    TableRecord m_blockRecord;
    std::optional<TableRecord> m_pushedBack;
    std::vector<std::string> m_pushedBackStorage;
};

}  // namespace runlens::datasets
