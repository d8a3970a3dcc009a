// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "importsink.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace runlens::importers {

// Evaluation tables and JSON up to this size are copied into the cache so later views work offline.
inline constexpr std::int64_t maxStoredEvaluationBytes = 8 * 1024 * 1024;
// Model descriptors and small text files are copied up to this size.
inline constexpr std::int64_t maxStoredTextBytes = 256 * 1024;
// A run with more artifacts than this is indexed up to the limit, with a warning.
inline constexpr std::size_t maxArtifactsPerRun = 20000;

std::string artifactKind(std::string_view relativePath);

// Adds every regular file below root to the sink's current run, paths relative to root with '/' separators.
// Symbolic links are listed but never followed. Unreadable entries become warnings.
void indexArtifacts(const std::filesystem::path& root, ImportSink& sink, ImportObserver& observer);

// Adds the stat of every file below root to fp (for fingerprints that notice new artifacts).
class Fingerprint;
void fingerprintTree(const std::filesystem::path& root, Fingerprint& fp);

}  // namespace runlens::importers
