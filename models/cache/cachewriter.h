// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cache.h"
#include "cache/sqlite.h"
#include "importsink.h"

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace runlens {

// Writes one source into the cache inside one transaction. Nothing is visible to readers until commit();
// destroying the writer without commit() rolls everything back, so a failed import leaves the cache as it was.
class SourceWriter final : public ImportSink {
public:
    struct Counts {
        std::int64_t runsWritten = 0;
        std::int64_t runsUnchanged = 0;
        std::int64_t pointsWritten = 0;
        std::int64_t experiments = 0;
        std::int64_t models = 0;
    };

    static Result<std::unique_ptr<SourceWriter>> begin(Cache& cache, const std::string& sourcePath,
                                                       std::string_view format);
    ~SourceWriter() override;

    // Removes what the source no longer has, records the fingerprint and commits.
    Status commit(std::string_view fingerprint);
    // The first write error, if any; an import with a write error must not commit.
    const Status& writeStatus() const { return m_status; }
    const Counts& counts() const { return m_counts; }
    std::int64_t sourceId() const { return m_sourceId; }

    void experiment(const ExperimentRecord& experiment) override;
    bool runUnchanged(std::string_view runExternalId, std::string_view fingerprint) override;
    void beginRun(const RunRecord& run) override;
    void param(std::string_view key, std::string_view value) override;
    void tag(std::string_view key, std::string_view value) override;
    void metricSeries(std::string_view key, std::vector<MetricPoint> points) override;
    void artifact(const ArtifactRecord& artifact) override;
    void datasetInput(const DatasetInputRecord& input) override;
    void endRun() override;
    void loggedModel(const LoggedModelRecord& model) override;
    void registeredModel(const RegisteredModelRecord& model) override;

private:
    explicit SourceWriter(Cache& cache);
    Status prepareStatements();
    void fail(const Status& status);
    sql::Statement* stmt(int index) { return &m_statements[static_cast<std::size_t>(index)]; }
    Status deleteUnseen(std::string_view table, const std::unordered_set<std::int64_t>& seen);

    Cache& m_cache;
    std::unique_ptr<sql::Transaction> m_transaction;
    std::vector<sql::Statement> m_statements;
    Status m_status;
    Counts m_counts;
    std::int64_t m_sourceId = 0;
    std::int64_t m_currentRun = 0;
    std::unordered_map<std::string, std::int64_t> m_experimentIds;
    std::unordered_set<std::int64_t> m_seenExperiments;
    std::unordered_set<std::int64_t> m_seenRuns;
    std::unordered_set<std::int64_t> m_seenLoggedModels;
    std::unordered_set<std::int64_t> m_seenModels;
};

}  // namespace runlens
