// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

class MlflowSqlStoreImporter final : public Importer {
public:
    std::string_view formatId() const override;
    std::string_view displayName() const override;
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
};

}  // namespace runlens::importers
