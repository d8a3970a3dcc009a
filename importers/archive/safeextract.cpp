// SPDX-License-Identifier: MIT
#include "safeextract.h"

#include "common/paths.h"

#include <archive.h>
#include <archive_entry.h>

#include <stdlib.h>  // mkdtemp
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace runlens::importers::archive {
namespace {

constexpr std::size_t readBlockSize = std::size_t{64} << 10;
// The ratio is taken against at least this many archive bytes: libarchive reads whole blocks, and a tiny archive of
// repetitive text (a metrics file of one repeated line) may legitimately expand more than 200:1 in absolute terms
// that do not matter. A bomb still stops after ratio x 64 KiB (12.5 MiB by default).
constexpr std::int64_t ratioFloorBytes = std::int64_t{64} << 10;
constexpr auto progressInterval = std::chrono::milliseconds(100);
constexpr const char* stage = "extracting archive";

struct ReadFree {
    void operator()(struct archive* a) const { archive_read_free(a); }
};
struct WriteFree {
    void operator()(struct archive* a) const { archive_write_free(a); }
};
using Reader = std::unique_ptr<struct archive, ReadFree>;
using Writer = std::unique_ptr<struct archive, WriteFree>;

// Only the formats the product promises. archive_read_support_format_all() would also accept mtree, whose entries
// may name files elsewhere on this machine to read content from, and the "all" filters run external programs
// (lrzip, lzop, grzip) on untrusted input; neither belongs in a reader for files people download.
Reader openReader(const fs::path& file, std::string& error, int* errorNumber = nullptr) {
    Reader a(archive_read_new());
    if (!a) {
        error = "out of memory";
        return nullptr;
    }
    archive_read_support_format_tar(a.get());  // ustar, pax, GNU tar
    archive_read_support_format_zip(a.get());  // seekable (central directory) and streaming readers
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_bzip2(a.get());
    archive_read_support_filter_xz(a.get());
    archive_read_support_filter_lzma(a.get());
    archive_read_support_filter_zstd(a.get());
    if (archive_read_open_filename(a.get(), file.c_str(), readBlockSize) != ARCHIVE_OK) {
        const char* message = archive_error_string(a.get());
        error = message ? message : "cannot open file";
        if (errorNumber)
            *errorNumber = archive_errno(a.get());
        return nullptr;
    }
    return a;
}

// libarchive bids for filters and formats while opening. A readable file that fails to open for another reason than
// "unrecognized format" (EILSEQ, libarchive's private ARCHIVE_ERRNO_FILE_FORMAT) is a recognised compression around
// damaged or truncated data (a cut .tar.gz).
bool damagedOnOpen(const fs::path& file, int errorNumber) {
    std::ifstream in(file, std::ios::binary);
    return errorNumber != EILSEQ && in.good() && in.peek() != std::ifstream::traits_type::eof();
}

std::string libarchiveMessage(struct archive* a) {
    const char* message = archive_error_string(a);
    return message ? escapeInvalidUtf8(message) : std::string("unknown error");
}

std::string formatBytes(std::int64_t bytes) {
    constexpr std::int64_t mib = std::int64_t{1} << 20;
    constexpr std::int64_t gib = std::int64_t{1} << 30;
    if (bytes >= gib && bytes % gib == 0)
        return std::to_string(bytes / gib) + " GiB";
    if (bytes >= mib && bytes % mib == 0)
        return std::to_string(bytes / mib) + " MiB";
    return std::to_string(bytes) + " bytes";
}

// An entry name as a path relative to the extraction root, or the rule it breaks. "." and empty components are
// dropped ("./mlruns//0" is "mlruns/0"); the result may be empty for the root itself.
std::optional<std::string> relativeName(std::string_view name, fs::path& out, std::string_view what) {
    out.clear();
    if (name.starts_with('/'))
        return std::string(what) + " is an absolute path; only paths relative to the archive are allowed";
    std::size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find('/', start);
        if (end == std::string_view::npos)
            end = name.size();
        const auto part = name.substr(start, end - start);
        if (part == "..")
            return std::string(what) + " contains a '..' component, which would leave the extraction root";
        if (!part.empty() && part != ".")
            out /= fs::path(std::string(part));
        start = end + 1;
    }
    return std::nullopt;
}

// True when the path lies at or below root; both must be free of "." and "..".
bool isInside(const fs::path& path, const fs::path& root) {
    const auto relative = path.lexically_relative(root);
    return !relative.empty() && *relative.begin() != "..";
}

// The first folder of relative (below root, excluding relative itself) that is a symlink on disk, if any.
std::optional<fs::path> symlinkedFolder(const fs::path& root, const fs::path& relative) {
    fs::path prefix;
    std::error_code ec;
    for (auto it = relative.begin(); it != relative.end(); ++it) {
        if (std::next(it) == relative.end())
            break;
        prefix /= *it;
        if (fs::is_symlink(fs::symlink_status(root / prefix, ec)))
            return prefix;
    }
    return std::nullopt;
}

class Extractor {
public:
    Extractor(const fs::path& file, ImportObserver& observer, const ExtractLimits& limits)
        : m_file(file), m_shown(displayPath(file)), m_observer(observer), m_limits(limits) {}

    Result<Outcome> run(const fs::path& root) {
        m_root = root;
        std::error_code ec;
        const auto size = fs::file_size(m_file, ec);
        m_fileSize = ec ? 0 : static_cast<std::int64_t>(size);

        std::string openError;
        int errorNumber = 0;
        m_reader = openReader(m_file, openError, &errorNumber);
        if (!m_reader)
            return fail({}, (damagedOnOpen(m_file, errorNumber) ? "the archive is damaged or truncated: "
                                                                : "cannot open the archive: ") +
                                openError);
        m_writer.reset(archive_write_disk_new());
        if (!m_writer)
            return fail({}, "out of memory");
        // Defence in depth behind our own checks: libarchive refuses '..' and writing through symlinks too. No owner,
        // permission, ACL, xattr or flag restoration: extracted files are ours, private and plain.
        archive_write_disk_set_options(m_writer.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                           ARCHIVE_EXTRACT_SECURE_NODOTDOT);
        if (!progress(true))
            return Outcome::cancelled;

        for (;;) {
            struct archive_entry* entry = nullptr;
            const int r = archive_read_next_header(m_reader.get(), &entry);
            if (r == ARCHIVE_EOF)
                break;
            if (r < ARCHIVE_WARN) {
                if (m_entries == 0)
                    return fail({}, "the archive is damaged or truncated, or not a tar or zip inside: " +
                                        libarchiveMessage(m_reader.get()));
                return fail(m_lastName, "the archive is damaged or truncated after this entry: " +
                                            libarchiveMessage(m_reader.get()));
            }
            auto outcome = extractEntry(entry);
            if (!outcome || *outcome == Outcome::cancelled)
                return outcome;
        }
        if (archive_write_close(m_writer.get()) < ARCHIVE_WARN)
            return fail({}, "cannot finish writing the extracted files: " + libarchiveMessage(m_writer.get()));
        if (Status s = checkSymlinks(); !s)
            return s.error();
        if (!progress(true))
            return Outcome::cancelled;
        return Outcome::completed;
    }

private:
    Error fail(const std::string& entryName, std::string message) const {
        return Error{m_shown, entryName.empty() ? std::string() : "entry '" + escapeInvalidUtf8(entryName) + "'",
                     std::move(message)};
    }

    bool progress(bool force) {
        const auto now = std::chrono::steady_clock::now();
        if (!force && now - m_lastProgress < progressInterval)
            return true;
        m_lastProgress = now;
        return m_observer.progress(stage, archive_filter_bytes(m_reader.get(), -1), m_fileSize);
    }

    Result<Outcome> extractEntry(struct archive_entry* entry) {
        const char* rawName = archive_entry_pathname(entry);
        const std::string name = rawName ? rawName : "";
        m_lastName = name;
        if (++m_entries > m_limits.maxEntries)
            return fail(name, "the archive has more than " + std::to_string(m_limits.maxEntries) +
                                  " entries (limit on the entry count)");
        if (name.empty())
            return fail(name, "an entry has no name");

        fs::path relative;
        if (auto broken = relativeName(name, relative, "the entry's path"))
            return fail(name, *broken);
        if (relative.empty())
            return Outcome::completed;  // "./": the root itself
        if (auto folder = symlinkedFolder(m_root, relative))
            return fail(name, "the entry would be written through the symlink '" + displayPath(*folder) +
                                  "'; entries are never placed through symlinks");

        const auto type = archive_entry_filetype(entry);
        const char* hardlink = archive_entry_hardlink(entry);
        if (hardlink) {
            if (Status s = checkHardlink(name, hardlink, entry); !s)
                return s.error();
        } else if (type == AE_IFLNK) {
            if (Status s = checkSymlink(name, relative, archive_entry_symlink(entry)); !s)
                return s.error();
        } else if (type != AE_IFREG && type != AE_IFDIR) {
            const char* kind = type == AE_IFCHR    ? "a character device"
                               : type == AE_IFBLK  ? "a block device"
                               : type == AE_IFIFO  ? "a FIFO"
                               : type == AE_IFSOCK ? "a socket"
                                                   : "of an unknown type";
            return fail(name, std::string("the entry is ") + kind +
                                  "; device, FIFO and socket entries are not allowed in an archive");
        }

        // A later entry of the same name replaces an earlier one (tar semantics); an earlier symlink is removed
        // first so that the new entry is never written through it.
        const fs::path target = m_root / relative;
        std::error_code ec;
        if (fs::is_symlink(fs::symlink_status(target, ec)))
            fs::remove(target, ec);

        archive_entry_set_pathname(entry, target.c_str());
        archive_entry_set_perm(entry, type == AE_IFDIR ? 0700 : 0600);
        if (archive_write_header(m_writer.get(), entry) < ARCHIVE_WARN)
            return fail(name, "cannot extract the entry: " + libarchiveMessage(m_writer.get()));

        if (type == AE_IFREG || hardlink) {
            auto copied = copyData(name);
            if (!copied || *copied == Outcome::cancelled)
                return copied;
        }
        if (archive_write_finish_entry(m_writer.get()) < ARCHIVE_WARN)
            return fail(name, "cannot extract the entry: " + libarchiveMessage(m_writer.get()));
        return progress(false) ? Outcome::completed : Outcome::cancelled;
    }

    // Streams one entry's data, counting what is written (holes of sparse entries included, so a 1 TB hole cannot
    // slip past the size limit); the header's size is never trusted.
    Result<Outcome> copyData(const std::string& name) {
        std::int64_t entryEnd = 0;
        for (;;) {
            const void* buffer = nullptr;
            std::size_t length = 0;
            la_int64_t offset = 0;
            const int r = archive_read_data_block(m_reader.get(), &buffer, &length, &offset);
            if (r == ARCHIVE_EOF)
                return Outcome::completed;
            if (r < ARCHIVE_WARN)
                return fail(name, "the archive is damaged or truncated: " + libarchiveMessage(m_reader.get()));
            const std::int64_t end = offset + static_cast<std::int64_t>(length);
            if (end > entryEnd) {
                m_written += end - entryEnd;
                entryEnd = end;
            }
            if (m_written > m_limits.maxTotalBytes)
                return fail(name, "the archive expands to more than " + formatBytes(m_limits.maxTotalBytes) +
                                      " (limit on the total uncompressed size)");
            const std::int64_t read = std::max<std::int64_t>(archive_filter_bytes(m_reader.get(), -1), ratioFloorBytes);
            if (m_written > m_limits.maxCompressionRatio * read)
                return fail(name, "the compression ratio exceeds " + std::to_string(m_limits.maxCompressionRatio) +
                                      ":1 (limit on the compression ratio; a zip bomb?)");
            if (length > 0 && archive_write_data_block(m_writer.get(), buffer, length, offset) < ARCHIVE_WARN)
                return fail(name, "cannot write the extracted file: " + libarchiveMessage(m_writer.get()));
            if (!progress(false))
                return Outcome::cancelled;
        }
    }

    Status checkSymlink(const std::string& name, const fs::path& relative, const char* rawTarget) const {
        const std::string target = rawTarget ? rawTarget : "";
        const std::string shownTarget = escapeInvalidUtf8(target);
        if (target.empty())
            return fail(name, "the symlink has no target");
        if (target.starts_with('/'))
            return fail(name, "the symlink target '" + shownTarget +
                                  "' is an absolute path, which leaves the extraction root");
        // Lexically first, for a clear early message; checkSymlinks() decides on the final tree.
        const fs::path resolved = (m_root / relative.parent_path() / target).lexically_normal();
        if (!isInside(resolved, m_root))
            return fail(name, "the symlink target '" + shownTarget + "' leaves the extraction root");
        return {};
    }

    Status checkHardlink(const std::string& name, const char* rawTarget, struct archive_entry* entry) const {
        const std::string target = rawTarget;
        fs::path relative;
        if (auto broken = relativeName(target, relative, "the hard link target '" + escapeInvalidUtf8(target) + "'"))
            return fail(name, *broken);
        if (relative.empty())
            return fail(name, "the hard link has no target");
        if (auto folder = symlinkedFolder(m_root, relative))
            return fail(name, "the hard link target '" + escapeInvalidUtf8(target) + "' goes through the symlink '" +
                                  displayPath(*folder) + "' and may leave the extraction root");
        std::error_code ec;
        if (fs::is_symlink(fs::symlink_status(m_root / relative, ec)))
            return fail(name, "the hard link target '" + escapeInvalidUtf8(target) +
                                  "' is a symlink; a hard link to a symlink may leave the extraction root");
        archive_entry_set_hardlink(entry, (m_root / relative).c_str());
        return {};
    }

    // The authoritative symlink rule, on the finished tree: links checked one at a time can still combine into an
    // escape (a link through a folder that a later entry turns into a link), so every symlink must resolve inside
    // the root now that nothing else will be written.
    Status checkSymlinks() const {
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(m_root, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec)) {
            if (!it->is_symlink(ec))
                continue;
            const auto relative = it->path().lexically_relative(m_root).generic_string();
            std::error_code resolveError;
            const auto resolved = fs::weakly_canonical(it->path(), resolveError);
            if (resolveError)
                return fail(relative, "the symlink cannot be resolved (" + resolveError.message() +
                                          "); it may loop or leave the extraction root");
            if (!isInside(resolved, m_root))
                return fail(relative, "the symlink resolves outside the extraction root (through other links)");
        }
        if (ec)
            return fail({}, "cannot check the extracted files: " + ec.message());
        return {};
    }

    fs::path m_file;
    std::string m_shown;
    ImportObserver& m_observer;
    ExtractLimits m_limits;
    fs::path m_root;
    Reader m_reader;
    Writer m_writer;
    std::int64_t m_fileSize = 0;
    std::int64_t m_entries = 0;
    std::int64_t m_written = 0;
    std::string m_lastName;
    std::chrono::steady_clock::time_point m_lastProgress;
};

}  // namespace

ExtractedTree& ExtractedTree::operator=(ExtractedTree&& other) noexcept {
    if (this != &other) {
        remove();
        m_root = std::exchange(other.m_root, {});
    }
    return *this;
}

ExtractedTree::~ExtractedTree() {
    remove();
}

void ExtractedTree::remove() {
    if (m_root.empty())
        return;
    std::error_code ec;
    fs::remove_all(m_root, ec);
    m_root.clear();
}

bool isArchive(const fs::path& file) {
    std::string error;
    int errorNumber = 0;
    Reader a = openReader(file, error, &errorNumber);
    if (!a)
        return damagedOnOpen(file, errorNumber);
    struct archive_entry* entry = nullptr;
    const int r = archive_read_next_header(a.get(), &entry);
    // A damaged first header still counts when the format was recognised, so the user hears what is wrong with it.
    // So does a recognised compression around damaged data (a truncated .tar.gz fails the tar bid).
    return r == ARCHIVE_OK || r == ARCHIVE_WARN || archive_format(a.get()) != 0 || archive_filter_count(a.get()) > 1;
}

Result<Extraction> extractArchive(const fs::path& file, ImportObserver& observer, const ExtractLimits& limits,
                                  const fs::path& tempParent) {
    std::error_code ec;
    const fs::path parent = tempParent.empty() ? fs::temp_directory_path(ec) : tempParent;
    if (ec)
        return Error{displayPath(file), {}, "no temporary folder to extract to: " + ec.message()};
    std::string pattern = (parent / "runlens-archive-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        return Error{displayPath(file), {}, "cannot create a temporary folder in " + displayPath(parent)};
    // Canonical, so that no component of the root is a symlink (libarchive's symlink check walks the whole path).
    const fs::path root = fs::canonical(pattern, ec);
    ExtractedTree tree(ec ? fs::path(pattern) : root);
    if (ec)
        return Error{displayPath(file), {}, "cannot resolve the temporary folder: " + ec.message()};

    Extractor extractor(file, observer, limits);
    auto outcome = extractor.run(tree.root());
    if (!outcome)
        return outcome.error();
    Extraction extraction;
    extraction.outcome = *outcome;
    if (*outcome == Outcome::completed)
        extraction.tree = std::move(tree);
    return extraction;
}

}  // namespace runlens::importers::archive
