// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

// Kubeflow Pipelines v1 step outputs (formats.md 6.2), recognised by content: mlpipeline-metrics.json
// ({"metrics": [{name, numberValue|number_value, format}]}) and mlpipeline-ui-metadata.json ({"outputs": [...]} or
// a single bare output object), under any .json name. One run per folder holding such files (external id = the
// folder's path relative to the source, "." for the source folder itself); metrics are single points at step 0.
// UI outputs: the metadata file itself is kept as a JSON artifact with content; every output becomes an artifact
// "outputs/<file stem>/<index>-<type>/<source file name>": for confusion_matrix, roc, table and markdown the
// content is the inline source (storage: inline) or the local file the source path/URI resolves to (the path, then
// its trailing parts, tried from the metadata folder up to the source root); an unresolvable evaluation source is
// recorded with its URI as path and no content, with a warning.
class KubeflowImporter final : public Importer {
public:
    std::string_view formatId() const override;
    std::string_view displayName() const override;
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
};

}  // namespace runlens::importers
