// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

// PyTorch Lightning's CSVLogger (formats.md section 5): <save_dir>/<name>/<version>/metrics.csv (sparse rows, a
// step column) and hparams.yaml; also the 0.x TestTubeLogger's metrics.csv (created_at, no step) and
// meta_tags.csv. A run is a folder holding any of these, named by its path relative to the source.
class LightningCsvImporter final : public Importer {
public:
    std::string_view formatId() const override;
    std::string_view displayName() const override;
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
};

}  // namespace runlens::importers
