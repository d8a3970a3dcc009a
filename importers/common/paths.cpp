// SPDX-License-Identifier: MIT
#include "paths.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>

namespace runlens::importers {

bool isValidUtf8(std::string_view text) {
    std::size_t i = 0;
    const auto n = text.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t len = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0 && c >= 0xC2)
            len = 2;
        else if ((c & 0xF0) == 0xE0)
            len = 3;
        else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
            len = 4;
        else
            return false;
        if (i + len > n)
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
                return false;
        }
        const auto c1 = static_cast<unsigned char>(text[i + 1]);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
            (c == 0xF4 && c1 >= 0x90))
            return false;
        i += len;
    }
    return true;
}

std::string escapeInvalidUtf8(std::string_view text) {
    if (isValidUtf8(text))
        return std::string(text);
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        // Try the longest valid sequence starting here.
        bool copied = false;
        for (std::size_t len = 1; len <= 4 && i + len <= text.size(); ++len) {
            if (isValidUtf8(text.substr(i, len))) {
                out.append(text.substr(i, len));
                i += len;
                copied = true;
                break;
            }
        }
        if (!copied) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\x%02X", static_cast<unsigned char>(text[i]));
            out += buffer;
            ++i;
        }
    }
    return out;
}

std::string displayPath(const std::filesystem::path& path) {
    return escapeInvalidUtf8(path.string());
}

Result<std::string> readFile(const std::filesystem::path& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) {
        const int err = errno;
        return Error{displayPath(path), {}, std::string("cannot read file: ") + std::strerror(err)};
    }
    std::string data;
    struct stat info {};
    if (::fstat(fileno(file), &info) == 0) {
        if (S_ISDIR(info.st_mode)) {
            std::fclose(file);
            return Error{displayPath(path), {}, "expected a file but found a directory"};
        }
        data.reserve(static_cast<std::size_t>(info.st_size));
    }
    char buffer[65536];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        data.append(buffer, got);
    const bool failed = std::ferror(file) != 0;
    const int err = errno;
    std::fclose(file);
    if (failed)
        return Error{displayPath(path), {}, std::string("read error: ") + std::strerror(err)};
    return data;
}

void Fingerprint::add(std::string_view bytes) {
    for (char c : bytes) {
        m_hash ^= static_cast<unsigned char>(c);
        m_hash *= 1099511628211ULL;
    }
    m_hash ^= 0xFF;  // separator so ("ab","c") differs from ("a","bc")
    m_hash *= 1099511628211ULL;
}

void Fingerprint::add(std::int64_t value) {
    add(std::string_view(reinterpret_cast<const char*>(&value), sizeof value));
}

void Fingerprint::addFileStat(const std::filesystem::path& file, std::string_view relativeName) {
    add(relativeName);
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) {
        add(std::int64_t{-1});
        return;
    }
    add(static_cast<std::int64_t>(info.st_size));
    add(static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec);
    add(static_cast<std::int64_t>(info.st_ino));
}

std::string Fingerprint::hex() const {
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(m_hash));
    return buffer;
}

bool isFile(const std::filesystem::path& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

bool isDir(const std::filesystem::path& path) {
    std::error_code ec;
    return std::filesystem::is_directory(path, ec);
}

bool isHidden(const std::filesystem::path& path) {
    return path.filename().native().starts_with('.');
}

std::filesystem::path canonicalSourcePath(const std::filesystem::path& path) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(path, ec);
    if (ec)
        return path;
    auto canonical = std::filesystem::weakly_canonical(absolute, ec);
    return ec ? absolute.lexically_normal() : canonical;
}

}  // namespace runlens::importers
