// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "importsink.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens::importers::zipstream {

// A single zip entry is never read into memory beyond this size.
inline constexpr std::int64_t maxEntryBytes = 512LL * 1024 * 1024;
// The bytes read from all entries may not exceed this multiple of the archive's size (plus a margin): zip bombs.
inline constexpr std::int64_t maxExpansionRatio = 200;

struct Entry {
    std::string name;        // as stored, '/' separated, without a leading "./"
    std::int64_t size = -1;  // uncompressed size from the header; -1 when the header does not say
    bool regularFile = true;
};

// What to do with an entry: skip its data, or read it (up to a byte limit) and hand it to onData.
enum class Want { skip, read, stop };

struct Callbacks {
    // Called for each entry header. Returning stop ends the walk successfully.
    std::function<Want(const Entry&)> onEntry;
    // Called with the whole data of an entry that onEntry wanted read; limit is readLimit(entry).
    std::function<Status(const Entry&, std::string&& data)> onData;
    // Bytes of an entry to read at most; beyond that the entry is an error. Default maxEntryBytes.
    std::function<std::int64_t(const Entry&)> readLimit;
    // Polled between entries; false = cancel (walk returns ok with *cancelled set).
    std::function<bool()> keepGoing;
};

// True when the file starts like a zip archive (local file header or empty-archive end record).
bool looksLikeZip(const std::filesystem::path& path);

// Streams the entries of a zip archive with libarchive (nothing is written to disk). Errors name the archive and,
// where known, the entry ("entry messages.json").
Status walk(const std::filesystem::path& path, const Callbacks& callbacks, bool* cancelled = nullptr);

// The names of the archive's entries, read until the first error (for sniffing damaged archives too).
std::vector<std::string> entryNamesLenient(const std::filesystem::path& path, std::size_t maxEntries = 4096);

// Calls fn for each non-blank line of JSON-lines text (lenient JSON: bare NaN/Infinity). A line that is not JSON is
// an error at "<where>, line N" (where may be empty), except an unterminated last line, which writers leave when they
// are killed: a warning, and the line is dropped.
Status forEachJsonLine(std::string_view text, const std::string& file, const std::string& where,
                       ImportObserver& observer,
                       const std::function<Status(const std::string& position, nlohmann::json&& value)>& fn);

}  // namespace runlens::importers::zipstream
