// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

namespace runlens::importers {

// Generic metric logs for trackers without their own importer: one file, either delimited text (a header row, ','
// or tab separated) or JSON Lines (one object per line), in long form, one point per row:
//   run   (also run_id)        the run the point belongs to; one run per distinct value
//   key   (also metric, name)  the metric name
//   step                       integer (a float with no fraction, "3.0", is accepted)
//   value                      number; nan, inf, -inf, NaN, Infinity accepted
//   timestamp (optional)       Unix time as a number (seconds below 1e11, else milliseconds) or ISO-8601 text
// Column names are matched case-insensitively; other columns are ignored. The experiment is the file name.
// Recognised by content, never by extension alone (README "Generic metric logs").
class GenericMetricsImporter final : public Importer {
public:
    std::string_view formatId() const override;
    std::string_view displayName() const override;
    int sniff(const std::filesystem::path& path) const override;
    Result<std::string> fingerprint(const std::filesystem::path& path) const override;
    Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink, ImportObserver& observer) const override;
};

}  // namespace runlens::importers
