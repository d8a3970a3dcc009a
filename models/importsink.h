// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "records.h"

#include <string>
#include <string_view>
#include <vector>

namespace runlens {

// Where an importer streams what it reads. Calls for one run are bracketed by beginRun()/endRun().
// The cache writer implements it; tests implement it to capture records.
class ImportSink {
public:
    virtual ~ImportSink() = default;

    virtual void experiment(const ExperimentRecord& experiment) = 0;

    // True when the cache already holds this run with the same fingerprint: the importer then skips
    // parsing it and the run is kept as it is. Always false for a sink that is not a cache.
    virtual bool runUnchanged(std::string_view runExternalId, std::string_view fingerprint) = 0;

    virtual void beginRun(const RunRecord& run) = 0;
    virtual void param(std::string_view key, std::string_view value) = 0;
    virtual void tag(std::string_view key, std::string_view value) = 0;
    // A whole metric series of the current run, in any order; the sink sorts it by step (stably).
    virtual void metricSeries(std::string_view key, std::vector<MetricPoint> points) = 0;
    virtual void artifact(const ArtifactRecord& artifact) = 0;
    virtual void datasetInput(const DatasetInputRecord& input) = 0;
    virtual void endRun() = 0;

    virtual void loggedModel(const LoggedModelRecord& model) = 0;
    virtual void registeredModel(const RegisteredModelRecord& model) = 0;
};

// Progress, warnings and cancellation for one import. progress() returning false means cancel.
class ImportObserver {
public:
    virtual ~ImportObserver() = default;
    // stage: a short verb phrase ("reading runs"); done/total in the stage's own unit (total 0 = unknown).
    virtual bool progress(std::string_view stage, std::int64_t done, std::int64_t total) = 0;
    // Something skipped or repaired that the user should know about; the import goes on.
    virtual void warning(const Error& warning) = 0;
};

// An observer that ignores everything; for callers that need none.
class NullImportObserver final : public ImportObserver {
public:
    bool progress(std::string_view, std::int64_t, std::int64_t) override { return true; }
    void warning(const Error&) override {}
};

}  // namespace runlens
