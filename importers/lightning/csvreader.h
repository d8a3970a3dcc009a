// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace runlens::importers::lightning {

// Streams the rows of a CSV file as Python's csv module writes it: ',' separators, '"' quoting with doubled quotes,
// CRLF or LF line ends, quoted fields may hold line breaks.
class CsvReader {
public:
    explicit CsvReader(const std::string& path);
    bool isOpen() const { return m_in.is_open(); }
    // Reads the next row into fields. False at the end of the file.
    bool next(std::vector<std::string>& fields);
    // True when the last row returned ended at end of file without a line break (a writer cut off mid-row).
    bool lastRowUnterminated() const { return m_unterminated; }
    std::int64_t line() const { return m_rowLine; }

private:
    int get();

    std::ifstream m_in;
    std::vector<char> m_buffer;
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    std::int64_t m_line = 1;
    std::int64_t m_rowLine = 0;
    bool m_unterminated = false;
};

}  // namespace runlens::importers::lightning
