// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

// TensorBoard event files (formats.md section 3), including PyTorch Lightning's TensorBoardLogger layout
// (version_N folders with hparams.yaml). A run is a folder that directly holds event files, named by its path
// relative to the chosen log root. Every scalar point is kept; restarts are purged the way TensorBoard's
// EventAccumulator does it.
class TensorBoardImporter final : public Importer {
public:
    std::string_view formatId() const override;
    std::string_view displayName() const override;
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
    Result<Outcome> runWithOptions(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer,
                                   const RunOptions& options) const override;
};

}  // namespace runlens::importers
