// SPDX-License-Identifier: MIT
#pragma once

#include "archive/safeextract.h"
#include "cache/cache.h"
#include "error.h"
#include "importsink.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace runlens::importers {

struct ImportOptions {
    bool force = false;    // re-read every run even when fingerprints match
    bool lenient = false;  // import the records before corruption (with a warning) instead of failing the source
    archive::ExtractLimits archiveLimits;  // for sources that are archives (zip, tar, tar.gz, ...)
    std::filesystem::path extractTo;       // parent of the temporary extraction folder; empty = system temp folder
};

enum class ImportStatus { imported, unchanged, failed, cancelled };

struct ImportReport {
    std::string path;  // canonical path recorded in the cache
    std::string format;
    ImportStatus status = ImportStatus::failed;
    std::int64_t runsTotal = 0;      // runs of this source in the cache afterwards
    std::int64_t runsWritten = 0;    // runs parsed and written this time
    std::int64_t runsUnchanged = 0;  // runs skipped by fingerprint
    std::int64_t pointsWritten = 0;
    std::int64_t pointsTotal = 0;
    double seconds = 0;
    std::optional<Error> error;
    std::vector<Error> warnings;
};

// Imports one path into the cache: detects the format, checks the fingerprint, streams the source through its
// importer inside one transaction and commits only on success. On failure or cancellation the cache is as before.
//
// A regular file that no importer claims but libarchive recognises by content as an archive is extracted safely
// (archive/safeextract.h) to a temporary folder, the format is detected inside (the archive's root, or its single
// top-level entry first), and that importer runs on it. The cache records the archive's own path with the inner
// format ("mlflow-filestore"); the source fingerprint is the archive's size and modification time, so an unchanged
// archive is not even opened. Extraction gives every file a new inode, so a changed archive re-reads all its runs.
// Paths in errors and warnings name the archive followed by the path inside it.
ImportReport importSource(Cache& cache, const std::filesystem::path& path, ImportObserver& observer,
                          const ImportOptions& options = {});

}  // namespace runlens::importers
