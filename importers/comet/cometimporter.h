// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

// Comet OfflineExperiment archives (<experiment key>.zip with experiment.json, messages.json and uploaded files;
// formats.md 6.3). Read in place with libarchive: nothing is extracted to disk. One run per archive.
class CometImporter final : public Importer {
public:
    std::string_view formatId() const override { return "comet"; }
    std::string_view displayName() const override { return "Comet offline experiment"; }
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
};

}  // namespace runlens::importers
