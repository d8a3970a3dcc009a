// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

// Reports that data-quality tools leave on disk (formats.md 6.6-6.8), recognised by content: Evidently
// Report.json() data-drift reports (also double-encoded) and Evidently UI workspace snapshots, Great Expectations
// validation results, SageMaker Model Monitor statistics.json / constraints.json / constraint_violations.json,
// and TFX pipeline runs (ExampleValidator anomalies, blessings). Each report becomes one run: the tag
// runlens.report_type, the report's timestamp as start time, summary metrics (drift.*, validation.*) and the
// report files kept as artifacts with their content, from which models/reports rebuilds the documents.
class ReportsImporter final : public Importer {
public:
    std::string_view formatId() const override;
    std::string_view displayName() const override;
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
};

}  // namespace runlens::importers
