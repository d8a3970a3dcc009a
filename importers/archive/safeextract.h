// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "importer.h"
#include "importsink.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

namespace runlens::importers::archive {

// What an archive may expand to. Every limit is checked against bytes actually written, never against sizes the
// archive's headers claim, and extraction stops at the first entry that breaks one.
struct ExtractLimits {
    std::int64_t maxTotalBytes = std::int64_t{4} << 30;  // sum of all entries' uncompressed sizes
    std::int64_t maxEntries = 200'000;                   // headers of any kind (files, folders, links)
    // Uncompressed bytes written may not exceed ratio x archive bytes read so far; checked while streaming so a
    // zip bomb stops after a few megabytes instead of after filling the disk.
    std::int64_t maxCompressionRatio = 200;
};

// A temporary folder that is removed, with everything below it, when the owner goes away. Move-only.
class ExtractedTree {
public:
    ExtractedTree() = default;
    explicit ExtractedTree(std::filesystem::path root) : m_root(std::move(root)) {}
    ExtractedTree(ExtractedTree&& other) noexcept : m_root(std::exchange(other.m_root, {})) {}
    ExtractedTree& operator=(ExtractedTree&& other) noexcept;
    ExtractedTree(const ExtractedTree&) = delete;
    ExtractedTree& operator=(const ExtractedTree&) = delete;
    ~ExtractedTree();

    // Canonical (symlink-free) path of the folder; empty for a default-constructed or moved-from tree.
    const std::filesystem::path& root() const { return m_root; }

private:
    void remove();
    std::filesystem::path m_root;
};

struct Extraction {
    Outcome outcome = Outcome::completed;
    ExtractedTree tree;  // empty when cancelled
};

// True when libarchive recognises the file's content (not its name) as one of the archive formats we accept:
// tar (ustar, pax, GNU) or zip, bare or compressed with gzip, bzip2, xz/lzma or zstd. Reads only the first header.
bool isArchive(const std::filesystem::path& file);

// Extracts file into a fresh folder below tempParent (the system temporary folder when empty). Refused, each with an
// Error naming the archive, the entry and the rule: absolute paths, '..' components, entries placed through a
// symlink, symlinks and hard links that resolve outside the root, device/FIFO/socket entries, and anything past
// the limits. Damaged or truncated archives are an Error too. Progress ("extracting archive", archive bytes read of
// the archive's size) goes to observer, whose false return cancels. On any failure the folder is already removed.
Result<Extraction> extractArchive(const std::filesystem::path& file, ImportObserver& observer,
                                  const ExtractLimits& limits = {}, const std::filesystem::path& tempParent = {});

}  // namespace runlens::importers::archive
