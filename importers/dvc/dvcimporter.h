// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

// DVC (formats.md 6.1). Two sources:
// * A repository folder (dvc.yaml, dvc.lock or .dvc/; or a folder whose subfolders are such repositories): one run,
//   the workspace (external id "workspace", or the repository's relative path when several are found). Params from
//   params.yaml and the files dvc.yaml names under params: (nested keys joined with '.', lists as JSON text; a key
//   from a later file that clashes with a different value gets a "<file>:" prefix). Metrics from the files dvc.yaml
//   names under metrics: (else metrics.json and dvclive/metrics.json): numbers, bools as 0/1, nested keys joined with
//   '/', one point at the file's top-level "step" (DVCLive) or 0; a key that also has a DVCLive series is taken from
//   the series. DVCLive series from <dir>/plots/metrics/**.tsv (key = path below plots/metrics without .tsv). Plot
//   files named in dvc.yaml (stage and top-level plots:) become artifacts; JSON/CSV/TSV ones keep their content.
// * A `dvc exp show --json` file (the >= 2.55 array form and the older object form): one run per revision and
//   experiment, params and metrics as above (metrics as single points at step 0), experiment = baseline revision.
class DvcImporter final : public Importer {
public:
    std::string_view formatId() const override;
    std::string_view displayName() const override;
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
};

}  // namespace runlens::importers
