// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

// ClearML offline sessions (formats.md 6.4): the zip Task.close() writes (offline-<32 hex>.zip) read in place with
// libarchive, or the unzipped offline-<32 hex>/ folder. One run per session.
class ClearmlImporter final : public Importer {
public:
    std::string_view formatId() const override { return "clearml"; }
    std::string_view displayName() const override { return "ClearML offline session"; }
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
};

}  // namespace runlens::importers
