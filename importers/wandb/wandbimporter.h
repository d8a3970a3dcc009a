// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

// Weights & Biases run directories, online (`run-*`), offline (`offline-run-*`) and legacy (`dryrun-*`), read from
// the binary transaction log `run-<id>.wandb` plus `files/` (formats.md section 4). See wandbimporter.cpp for the
// mapping onto RunLens records.
class WandbImporter final : public Importer {
public:
    std::string_view formatId() const override;
    std::string_view displayName() const override;
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
    // options.lenient: a checksum mismatch or broken chunk sequence ends that log with a warning instead of an error.
    Result<Outcome> runWithOptions(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer,
                                   const RunOptions& options) const override;
};

}  // namespace runlens::importers
