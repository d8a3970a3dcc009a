// SPDX-License-Identifier: MIT
#include "zipstream.h"

#include "common/paths.h"
#include "wandb/wandbjson.h"

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <fstream>
#include <memory>
#include <system_error>

namespace runlens::importers::zipstream {

namespace {

struct ArchiveCloser {
    void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveCloser>;

ArchivePtr openZip(const std::filesystem::path& path, std::string* error) {
    ArchivePtr a(archive_read_new());
    if (!a) {
        *error = "out of memory";
        return nullptr;
    }
    archive_read_support_format_zip(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), 64 * 1024) != ARCHIVE_OK) {
        const char* why = archive_error_string(a.get());
        *error = std::string("not a readable zip archive") + (why ? std::string(" (") + why + ")" : "");
        return nullptr;
    }
    return a;
}

std::string cleanName(const char* raw) {
    std::string name = raw ? raw : "";
    while (name.starts_with("./"))
        name.erase(0, 2);
    return name;
}

std::string libarchiveReason(archive* a, const char* fallback) {
    const char* why = archive_error_string(a);
    return why && *why ? std::string(why) : std::string(fallback);
}

}  // namespace

bool looksLikeZip(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::array<char, 4> magic{};
    if (!in.read(magic.data(), magic.size()))
        return false;
    return magic[0] == 'P' && magic[1] == 'K' && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

Status walk(const std::filesystem::path& path, const Callbacks& callbacks, bool* cancelled) {
    const std::string shown = displayPath(path);
    if (cancelled)
        *cancelled = false;
    std::error_code ec;
    const auto archiveSize = static_cast<std::int64_t>(std::filesystem::file_size(path, ec));
    if (ec)
        return Error{shown, {}, "cannot read the file: " + ec.message()};
    if (archiveSize == 0)
        return Error{shown, {}, "the file is empty"};
    std::string openError;
    ArchivePtr a = openZip(path, &openError);
    if (!a)
        return Error{shown, {}, openError};
    const std::int64_t budget = archiveSize * maxExpansionRatio + 16 * 1024 * 1024;
    std::int64_t totalRead = 0;
    std::string buffer;
    for (;;) {
        if (callbacks.keepGoing && !callbacks.keepGoing()) {
            if (cancelled)
                *cancelled = true;
            return {};
        }
        archive_entry* header = nullptr;
        const int r = archive_read_next_header(a.get(), &header);
        if (r == ARCHIVE_EOF)
            return {};
        if (r < ARCHIVE_WARN)
            return Error{
                shown, {}, "damaged or truncated zip archive: " + libarchiveReason(a.get(), "bad entry header")};
        Entry entry;
        entry.name = cleanName(archive_entry_pathname(header));
        entry.size = archive_entry_size_is_set(header) ? archive_entry_size(header) : -1;
        entry.regularFile = archive_entry_filetype(header) == AE_IFREG;
        const std::string where = "entry " + entry.name;
        const Want want = entry.regularFile ? callbacks.onEntry(entry) : Want::skip;
        if (want == Want::stop)
            return {};
        if (want == Want::skip) {
            if (archive_read_data_skip(a.get()) < ARCHIVE_WARN)
                return Error{shown, where,
                             "damaged or truncated zip archive: " + libarchiveReason(a.get(), "cannot skip")};
            continue;
        }
        const std::int64_t limit = callbacks.readLimit ? callbacks.readLimit(entry) : maxEntryBytes;
        if (entry.size > limit)
            return Error{shown, where,
                         "entry is too large (" + std::to_string(entry.size) + " bytes; the limit is " +
                             std::to_string(limit) + ")"};
        buffer.clear();
        if (entry.size > 0)
            buffer.reserve(static_cast<std::size_t>(entry.size));
        std::array<char, 64 * 1024> chunk{};
        for (;;) {
            const la_ssize_t n = archive_read_data(a.get(), chunk.data(), chunk.size());
            if (n < 0)
                return Error{shown, where,
                             "damaged or truncated zip archive: " + libarchiveReason(a.get(), "cannot read data")};
            if (n == 0)
                break;
            buffer.append(chunk.data(), static_cast<std::size_t>(n));
            totalRead += n;
            if (static_cast<std::int64_t>(buffer.size()) > limit)
                return Error{shown, where, "entry is larger than the limit of " + std::to_string(limit) + " bytes"};
            if (totalRead > budget)
                return Error{shown, where,
                             "the archive expands to more than " + std::to_string(maxExpansionRatio) +
                                 " times its size; refusing to read it (zip bomb?)"};
        }
        if (entry.size >= 0 && static_cast<std::int64_t>(buffer.size()) != entry.size)
            return Error{shown, where, "damaged or truncated zip archive: entry is shorter than its header says"};
        entry.size = static_cast<std::int64_t>(buffer.size());
        if (Status s = callbacks.onData(entry, std::move(buffer)); !s)
            return s;
        buffer = std::string();
    }
}

std::vector<std::string> entryNamesLenient(const std::filesystem::path& path, std::size_t maxEntries) {
    std::vector<std::string> names;
    std::string error;
    ArchivePtr a = openZip(path, &error);
    if (!a)
        return names;
    archive_entry* header = nullptr;
    while (names.size() < maxEntries && archive_read_next_header(a.get(), &header) >= ARCHIVE_WARN) {
        names.push_back(cleanName(archive_entry_pathname(header)));
        if (archive_read_data_skip(a.get()) < ARCHIVE_WARN)
            break;
    }
    return names;
}

Status forEachJsonLine(std::string_view text, const std::string& file, const std::string& where,
                       ImportObserver& observer,
                       const std::function<Status(const std::string& position, nlohmann::json&& value)>& fn) {
    std::int64_t lineNumber = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        ++lineNumber;
        const std::size_t end = text.find('\n', start);
        const bool terminated = end != std::string_view::npos;
        std::string_view line = text.substr(start, terminated ? end - start : std::string_view::npos);
        start = terminated ? end + 1 : text.size();
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        const std::string position = (where.empty() ? "" : where + ", ") + "line " + std::to_string(lineNumber);
        auto value = wandb::parseLenientJson(line);
        if (!value) {
            if (!terminated) {
                observer.warning(Error{file, position, "incomplete last line (the writer was interrupted?); dropped"});
                break;
            }
            return Error{file, position, "not valid JSON"};
        }
        if (Status s = fn(position, std::move(*value)); !s)
            return s;
    }
    return {};
}

}  // namespace runlens::importers::zipstream
