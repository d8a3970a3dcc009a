// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cache.h"
#include "cache/seriescodec.h"
#include "records.h"

#include <optional>
#include <string>
#include <vector>

namespace runlens {

struct SourceRow {
    std::int64_t id = 0;
    std::string path;
    std::string format;
    std::string fingerprint;
    std::int64_t importedAtMs = 0;
    std::int64_t runCount = 0;
    std::int64_t pointCount = 0;
};

struct ExperimentRow {
    std::int64_t id = 0;
    std::int64_t sourceId = 0;
    std::string sourcePath;
    std::string format;
    ExperimentRecord experiment;
    std::int64_t runCount = 0;
};

struct SeriesRow {
    std::string key;
    SeriesSummary summary;
};

struct RunRow {
    std::int64_t id = 0;
    std::int64_t sourceId = 0;
    std::string sourcePath;
    std::string format;
    std::optional<std::int64_t> experimentId;
    std::string experimentName;
    RunRecord run;
    KeyValues params;                // sorted by key
    KeyValues tags;                  // sorted by key
    std::vector<SeriesRow> metrics;  // sorted by key
};

struct ArtifactRow {
    std::string path;
    std::int64_t size = 0;
    std::string kind;
    bool hasContent = false;
};

struct ModelVersionRow {
    ModelVersionRecord version;
    std::optional<std::int64_t> runId;  // the cached run the version came from, when it is in the cache
};

struct RegisteredModelRow {
    std::int64_t id = 0;
    std::int64_t sourceId = 0;
    std::string sourcePath;
    RegisteredModelRecord model;            // versions are left empty; see versions below
    std::vector<ModelVersionRow> versions;  // by version number
};

// Read-side queries over a cache. Lists never decode series blobs; series() and seriesLod() do.
class CacheReader {
public:
    explicit CacheReader(Cache& cache) : m_cache(cache) {}

    Result<std::vector<SourceRow>> sources();
    Result<std::vector<ExperimentRow>> experiments();
    // With details, each run carries its params, tags and metric summaries.
    Result<std::vector<RunRow>> runs(bool withDetails = true);
    // Runs whose cache id or tracker run id equals idOrExternalId (several when the id repeats across sources).
    Result<std::vector<RunRow>> findRuns(std::string_view idOrExternalId);
    Result<std::vector<MetricPoint>> series(std::int64_t runId, std::string_view key);
    Result<LodPyramid> seriesLod(std::int64_t runId, std::string_view key);
    Result<std::vector<ArtifactRow>> artifacts(std::int64_t runId);
    Result<std::optional<std::string>> artifactContent(std::int64_t runId, std::string_view path);
    Result<std::vector<DatasetInputRecord>> datasetInputs(std::int64_t runId);
    Result<std::vector<LoggedModelRecord>> loggedModels();
    Result<std::vector<RegisteredModelRow>> models();

private:
    Result<std::vector<RunRow>> queryRuns(std::string_view where, std::string_view argument, bool withDetails);

    Cache& m_cache;
};

}  // namespace runlens
