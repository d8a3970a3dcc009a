// SPDX-License-Identifier: MIT
#include "csvreader.h"

namespace runlens::importers::lightning {

CsvReader::CsvReader(const std::string& path) : m_in(path, std::ios::binary), m_buffer(1 << 16) {}

int CsvReader::get() {
    if (m_pos == m_end) {
        m_in.read(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
        const auto got = m_in.gcount();
        if (got <= 0)
            return -1;
        m_pos = 0;
        m_end = static_cast<std::size_t>(got);
    }
    return static_cast<unsigned char>(m_buffer[m_pos++]);
}

bool CsvReader::next(std::vector<std::string>& fields) {
    fields.clear();
    m_rowLine = m_line;
    m_unterminated = false;
    std::string field;
    bool quoted = false;
    bool any = false;
    for (;;) {
        const int c = get();
        if (c < 0) {
            if (!any)
                return false;
            fields.push_back(std::move(field));
            m_unterminated = true;
            return true;
        }
        any = true;
        if (quoted) {
            if (c == '"') {
                const int after = get();
                if (after == '"') {
                    field += '"';
                    continue;
                }
                quoted = false;
                if (after < 0) {
                    fields.push_back(std::move(field));
                    m_unterminated = true;
                    return true;
                }
                if (m_pos > 0)
                    --m_pos;  // look at the character after the closing quote again
                continue;
            }
            if (c == '\n')
                ++m_line;
            field += static_cast<char>(c);
            continue;
        }
        if (c == '"' && field.empty()) {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            ++m_line;
            if (!field.empty() && field.back() == '\r')
                field.pop_back();
            fields.push_back(std::move(field));
            return true;
        } else {
            field += static_cast<char>(c);
        }
    }
}

}  // namespace runlens::importers::lightning
