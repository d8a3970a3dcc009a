// SPDX-License-Identifier: MIT
#pragma once

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
ImportReport importSource(Cache& cache, const std::filesystem::path& path, ImportObserver& observer,
                          const ImportOptions& options = {});

}  // namespace runlens::importers
