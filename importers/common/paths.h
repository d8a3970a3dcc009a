// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace runlens::importers {

// A path as text for messages and the cache; bytes that are not UTF-8 are shown as \xNN.
std::string displayPath(const std::filesystem::path& path);
bool isValidUtf8(std::string_view text);
// Escapes invalid UTF-8 bytes as \xNN so the text can be shown and stored.
std::string escapeInvalidUtf8(std::string_view text);

// Reads a whole file; the error names the file and the reason (missing, permission, directory...).
Result<std::string> readFile(const std::filesystem::path& path);

// Incremental 64-bit FNV-1a hash for fingerprints.
class Fingerprint {
public:
    void add(std::string_view bytes);
    void add(std::int64_t value);
    // Adds the file's name, size and modification time (never its content).
    void addFileStat(const std::filesystem::path& file, std::string_view relativeName);
    std::string hex() const;

private:
    std::uint64_t m_hash = 1469598103934665603ULL;
};

// Checks that never throw: a path that cannot be inspected is neither a file nor a folder.
bool isFile(const std::filesystem::path& path);  // a regular file, or a link to one
bool isDir(const std::filesystem::path& path);   // a folder, or a link to one
// A name starting with '.': hidden files and folders are not searched.
bool isHidden(const std::filesystem::path& path);

// The canonical absolute form used as a source's identity in the cache.
std::filesystem::path canonicalSourcePath(const std::filesystem::path& path);

}  // namespace runlens::importers
