// SPDX-License-Identifier: MIT
#include "cachewriter.h"

#include "cache/seriescodec.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace runlens {
namespace {

enum StatementIndex {
    upsertExperiment,
    deleteExperimentTags,
    insertExperimentTag,
    findRun,
    upsertRun,
    deleteParams,
    deleteTags,
    deleteSeries,
    deleteArtifacts,
    deleteInputs,
    insertParam,
    insertTag,
    insertSeries,
    insertArtifact,
    insertInput,
    upsertLoggedModel,
    upsertModel,
    deleteModelTags,
    deleteModelVersions,
    deleteModelAliases,
    insertModelTag,
    insertModelVersion,
    insertModelVersionTag,
    insertModelAlias,
    statementCount
};

// Order matches StatementIndex.
const char* const statementTexts[] = {
    "INSERT INTO experiments (source_id, external_id, name, lifecycle, artifact_location, created_ms, updated_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (source_id, external_id) DO UPDATE SET name = excluded.name, "
    "lifecycle = excluded.lifecycle, artifact_location = excluded.artifact_location, created_ms = excluded.created_ms, "
    "updated_ms = excluded.updated_ms RETURNING id",
    "DELETE FROM experiment_tags WHERE experiment_id = ?1",
    "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?1, ?2, ?3)",
    "SELECT id, fingerprint FROM runs WHERE source_id = ?1 AND external_id = ?2",
    "INSERT INTO runs (source_id, experiment_id, external_id, name, status, lifecycle, user, start_ms, end_ms, "
    "deleted_ms, artifact_uri, parent_external_id, git_commit, source_name, fingerprint) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
    "ON CONFLICT (source_id, external_id) DO UPDATE SET experiment_id = excluded.experiment_id, name = excluded.name, "
    "status = excluded.status, lifecycle = excluded.lifecycle, user = excluded.user, start_ms = excluded.start_ms, "
    "end_ms = excluded.end_ms, deleted_ms = excluded.deleted_ms, artifact_uri = excluded.artifact_uri, "
    "parent_external_id = excluded.parent_external_id, git_commit = excluded.git_commit, "
    "source_name = excluded.source_name, fingerprint = excluded.fingerprint RETURNING id",
    "DELETE FROM params WHERE run_id = ?1",
    "DELETE FROM tags WHERE run_id = ?1",
    "DELETE FROM series WHERE run_id = ?1",
    "DELETE FROM artifacts WHERE run_id = ?1",
    "DELETE FROM run_inputs WHERE run_id = ?1",
    "INSERT OR REPLACE INTO params (run_id, key, value) VALUES (?1, ?2, ?3)",
    "INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?1, ?2, ?3)",
    "INSERT OR REPLACE INTO series (run_id, key, count, nan_count, min, max, first, last, first_step, last_step, "
    "data, lod) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "INSERT OR REPLACE INTO artifacts (run_id, path, size, kind, content) VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO run_inputs (run_id, dataset_name, dataset_digest, context, source_type, source, schema, profile, "
    "tags_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    "INSERT INTO logged_models (source_id, experiment_id, external_id, name, source_run_external_id, status, "
    "model_type, artifact_location, created_ms, updated_ms, params_json, tags_json, metrics_json) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (source_id, external_id) DO UPDATE "
    "SET experiment_id = excluded.experiment_id, name = excluded.name, "
    "source_run_external_id = excluded.source_run_external_id, status = excluded.status, "
    "model_type = excluded.model_type, artifact_location = excluded.artifact_location, "
    "created_ms = excluded.created_ms, updated_ms = excluded.updated_ms, params_json = excluded.params_json, "
    "tags_json = excluded.tags_json, metrics_json = excluded.metrics_json RETURNING id",
    "INSERT INTO registered_models (source_id, name, description, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (source_id, name) DO UPDATE SET description = excluded.description, "
    "created_ms = excluded.created_ms, updated_ms = excluded.updated_ms RETURNING id",
    "DELETE FROM registered_model_tags WHERE model_id = ?1",
    "DELETE FROM model_versions WHERE model_id = ?1",
    "DELETE FROM model_aliases WHERE model_id = ?1",
    "INSERT OR REPLACE INTO registered_model_tags (model_id, key, value) VALUES (?1, ?2, ?3)",
    "INSERT OR REPLACE INTO model_versions (model_id, version, stage, description, source, run_external_id, run_link, "
    "status, status_message, storage_location, user, created_ms, updated_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
    "INSERT OR REPLACE INTO model_version_tags (version_id, key, value) VALUES (?1, ?2, ?3)",
    "INSERT OR REPLACE INTO model_aliases (model_id, alias, version) VALUES (?1, ?2, ?3)",
};
static_assert(std::size(statementTexts) == statementCount);

std::string keyValuesJson(const KeyValues& values) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [k, v] : values)
        object[k] = v;
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// JSON has no NaN or infinity; keep them as strings so nothing is lost.
nlohmann::json numberJson(double v) {
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "Infinity" : "-Infinity";
    return v;
}

}  // namespace

SourceWriter::SourceWriter(Cache& cache) : m_cache(cache) {}

SourceWriter::~SourceWriter() = default;

Result<std::unique_ptr<SourceWriter>> SourceWriter::begin(Cache& cache, const std::string& sourcePath,
                                                          std::string_view format) {
    std::unique_ptr<SourceWriter> writer(new SourceWriter(cache));
    writer->m_transaction = std::make_unique<sql::Transaction>(cache.db());
    if (!writer->m_transaction->beginStatus())
        return Error{cache.path(),
                     {},
                     "cannot start writing the cache (is another import running?): " +
                         writer->m_transaction->beginStatus().error().message};
    auto source = sql::Statement::prepare(
        cache.db(), "INSERT INTO sources (path, format, fingerprint, imported_at) VALUES (?1, ?2, '', 0) "
                    "ON CONFLICT (path) DO UPDATE SET format = excluded.format RETURNING id");
    if (!source)
        return source.error();
    source->bind(1, sourcePath).bind(2, format);
    if (!source->step())
        return source->lastStatus().ok() ? cache.db().lastError("cannot record the source")
                                         : source->lastStatus().error();
    writer->m_sourceId = source->int64(0);
    source->reset();
    if (Status s = writer->prepareStatements(); !s)
        return s.error();
    // Remember the experiments this source already has so runs can refer to them even when unchanged.
    auto experiments =
        sql::Statement::prepare(cache.db(), "SELECT external_id, id FROM experiments WHERE source_id = ?1");
    if (!experiments)
        return experiments.error();
    experiments->bind(1, writer->m_sourceId);
    while (experiments->step())
        writer->m_experimentIds.emplace(experiments->text(0), experiments->int64(1));
    return writer;
}

Status SourceWriter::prepareStatements() {
    m_statements.reserve(statementCount);
    for (const char* text : statementTexts) {
        auto s = sql::Statement::prepare(m_cache.db(), text);
        if (!s)
            return s.error();
        m_statements.push_back(std::move(*s));
    }
    return {};
}

void SourceWriter::fail(const Status& status) {
    if (!status.ok() && m_status.ok())
        m_status = status;
}

void SourceWriter::experiment(const ExperimentRecord& e) {
    auto* s = stmt(upsertExperiment);
    s->bind(1, m_sourceId).bind(2, e.externalId).bind(3, e.name).bind(4, e.lifecycle);
    s->bindOrNull(5, e.artifactLocation).bind(6, e.createdMs).bind(7, e.updatedMs);
    if (!s->step()) {
        fail(s->lastStatus());
        s->reset();
        return;
    }
    const std::int64_t id = s->int64(0);
    s->reset();
    m_experimentIds[e.externalId] = id;
    m_seenExperiments.insert(id);
    ++m_counts.experiments;
    fail(stmt(deleteExperimentTags)->bind(1, id).run());
    for (const auto& [key, value] : e.tags)
        fail(stmt(insertExperimentTag)->bind(1, id).bind(2, key).bind(3, value).run());
}

bool SourceWriter::runUnchanged(std::string_view runExternalId, std::string_view fingerprint) {
    auto* s = stmt(findRun);
    s->bind(1, m_sourceId).bind(2, runExternalId);
    bool unchanged = false;
    if (s->step() && !fingerprint.empty() && s->textView(1) == fingerprint) {
        m_seenRuns.insert(s->int64(0));
        unchanged = true;
        ++m_counts.runsUnchanged;
    }
    fail(s->lastStatus());
    s->reset();
    return unchanged;
}

void SourceWriter::beginRun(const RunRecord& r) {
    auto* s = stmt(upsertRun);
    s->bind(1, m_sourceId);
    if (auto it = m_experimentIds.find(r.experimentExternalId); it != m_experimentIds.end())
        s->bind(2, it->second);
    else
        s->bindNull(2);
    s->bind(3, r.externalId).bind(4, r.name).bind(5, r.status).bind(6, r.lifecycle).bindOrNull(7, r.user);
    s->bind(8, r.startMs).bind(9, r.endMs).bind(10, r.deletedMs).bindOrNull(11, r.artifactUri);
    s->bindOrNull(12, r.parentExternalId).bindOrNull(13, r.gitCommit).bindOrNull(14, r.sourceName);
    s->bind(15, r.fingerprint);
    if (!s->step()) {
        fail(s->lastStatus());
        s->reset();
        m_currentRun = 0;
        return;
    }
    m_currentRun = s->int64(0);
    s->reset();
    m_seenRuns.insert(m_currentRun);
    ++m_counts.runsWritten;
    for (int index : {deleteParams, deleteTags, deleteSeries, deleteArtifacts, deleteInputs})
        fail(stmt(index)->bind(1, m_currentRun).run());
}

void SourceWriter::param(std::string_view key, std::string_view value) {
    if (m_currentRun)
        fail(stmt(insertParam)->bind(1, m_currentRun).bind(2, key).bind(3, value).run());
}

void SourceWriter::tag(std::string_view key, std::string_view value) {
    if (m_currentRun)
        fail(stmt(insertTag)->bind(1, m_currentRun).bind(2, key).bind(3, value).run());
}

void SourceWriter::metricSeries(std::string_view key, std::vector<MetricPoint> points) {
    if (!m_currentRun)
        return;
    seriescodec::sortByStep(points);
    const SeriesSummary summary = seriescodec::summarize(points);
    const auto data = seriescodec::encode(points);
    const auto lod = seriescodec::encodeLod(seriescodec::buildLod(points));
    auto* s = stmt(insertSeries);
    s->bind(1, m_currentRun).bind(2, key).bind(3, summary.count).bind(4, summary.nanCount);
    s->bind(5, summary.min).bind(6, summary.max);
    if (summary.count > 0) {
        // SQLite stores NaN as NULL; the blob keeps the exact value.
        s->bind(7, summary.first).bind(8, summary.last).bind(9, summary.firstStep).bind(10, summary.lastStep);
    } else {
        s->bindNull(7).bindNull(8).bindNull(9).bindNull(10);
    }
    s->bindBlob(11, data);
    if (lod.empty())
        s->bindNull(12);
    else
        s->bindBlob(12, lod);
    fail(s->run());
    m_counts.pointsWritten += summary.count;
}

void SourceWriter::artifact(const ArtifactRecord& a) {
    if (!m_currentRun)
        return;
    auto* s = stmt(insertArtifact);
    s->bind(1, m_currentRun).bind(2, a.path).bind(3, a.size).bind(4, a.kind);
    if (a.content)
        s->bindBlob(5, {reinterpret_cast<const std::uint8_t*>(a.content->data()), a.content->size()});
    else
        s->bindNull(5);
    fail(s->run());
}

void SourceWriter::datasetInput(const DatasetInputRecord& in) {
    if (!m_currentRun)
        return;
    auto* s = stmt(insertInput);
    s->bind(1, m_currentRun).bind(2, in.name).bind(3, in.digest).bindOrNull(4, in.context);
    s->bindOrNull(5, in.sourceType).bindOrNull(6, in.source).bindOrNull(7, in.schema).bindOrNull(8, in.profile);
    s->bind(9, keyValuesJson(in.tags));
    fail(s->run());
}

void SourceWriter::endRun() {
    m_currentRun = 0;
}

void SourceWriter::loggedModel(const LoggedModelRecord& m) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [key, point] : m.metrics)
        metrics[key] = {{"value", numberJson(point.value)}, {"step", point.step}, {"timestamp", point.timestampMs}};
    auto* s = stmt(upsertLoggedModel);
    s->bind(1, m_sourceId);
    if (auto it = m_experimentIds.find(m.experimentExternalId); it != m_experimentIds.end())
        s->bind(2, it->second);
    else
        s->bindNull(2);
    s->bind(3, m.externalId).bind(4, m.name).bindOrNull(5, m.sourceRunExternalId).bindOrNull(6, m.status);
    s->bindOrNull(7, m.modelType).bindOrNull(8, m.artifactLocation).bind(9, m.createdMs).bind(10, m.updatedMs);
    s->bind(11, keyValuesJson(m.params)).bind(12, keyValuesJson(m.tags));
    s->bind(13, metrics.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (s->step())
        m_seenLoggedModels.insert(s->int64(0));
    fail(s->lastStatus());
    s->reset();
}

void SourceWriter::registeredModel(const RegisteredModelRecord& m) {
    auto* s = stmt(upsertModel);
    s->bind(1, m_sourceId).bind(2, m.name).bindOrNull(3, m.description).bind(4, m.createdMs).bind(5, m.updatedMs);
    if (!s->step()) {
        fail(s->lastStatus());
        s->reset();
        return;
    }
    const std::int64_t modelId = s->int64(0);
    s->reset();
    m_seenModels.insert(modelId);
    ++m_counts.models;
    for (int index : {deleteModelTags, deleteModelVersions, deleteModelAliases})
        fail(stmt(index)->bind(1, modelId).run());
    for (const auto& [key, value] : m.tags)
        fail(stmt(insertModelTag)->bind(1, modelId).bind(2, key).bind(3, value).run());
    for (const auto& [alias, version] : m.aliases)
        fail(stmt(insertModelAlias)->bind(1, modelId).bind(2, alias).bind(3, version).run());
    for (const ModelVersionRecord& v : m.versions) {
        auto* vs = stmt(insertModelVersion);
        vs->bind(1, modelId).bind(2, v.version).bind(3, v.stage).bindOrNull(4, v.description).bindOrNull(5, v.source);
        vs->bindOrNull(6, v.runExternalId).bindOrNull(7, v.runLink).bindOrNull(8, v.status);
        vs->bindOrNull(9, v.statusMessage).bindOrNull(10, v.storageLocation).bindOrNull(11, v.user);
        vs->bind(12, v.createdMs).bind(13, v.updatedMs);
        if (!vs->step()) {
            fail(vs->lastStatus());
            vs->reset();
            continue;
        }
        const std::int64_t versionId = vs->int64(0);
        vs->reset();
        for (const auto& [key, value] : v.tags)
            fail(stmt(insertModelVersionTag)->bind(1, versionId).bind(2, key).bind(3, value).run());
    }
}

Status SourceWriter::deleteUnseen(std::string_view table, const std::unordered_set<std::int64_t>& seen) {
    auto select =
        sql::Statement::prepare(m_cache.db(), "SELECT id FROM " + std::string(table) + " WHERE source_id = ?1");
    auto remove = sql::Statement::prepare(m_cache.db(), "DELETE FROM " + std::string(table) + " WHERE id = ?1");
    if (!select)
        return select.error();
    if (!remove)
        return remove.error();
    select->bind(1, m_sourceId);
    std::vector<std::int64_t> gone;
    while (select->step()) {
        if (!seen.contains(select->int64(0)))
            gone.push_back(select->int64(0));
    }
    if (!select->lastStatus())
        return select->lastStatus();
    for (std::int64_t id : gone) {
        if (Status s = remove->bind(1, id).run(); !s)
            return s;
    }
    return {};
}

Status SourceWriter::commit(std::string_view fingerprint) {
    if (!m_status)
        return m_status;
    for (const auto& [table, seen] :
         {std::pair{"runs", &m_seenRuns}, std::pair{"experiments", &m_seenExperiments},
          std::pair{"logged_models", &m_seenLoggedModels}, std::pair{"registered_models", &m_seenModels}}) {
        if (Status s = deleteUnseen(table, *seen); !s)
            return s;
    }
    auto update = sql::Statement::prepare(
        m_cache.db(), "UPDATE sources SET fingerprint = ?2, imported_at = ?3, "
                      "run_count = (SELECT count(*) FROM runs WHERE source_id = ?1), "
                      "point_count = (SELECT coalesce(sum(s.count), 0) FROM series s JOIN runs r ON r.id = s.run_id "
                      "WHERE r.source_id = ?1) WHERE id = ?1");
    if (!update)
        return update.error();
    const auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    update->bind(1, m_sourceId).bind(2, fingerprint).bind(3, static_cast<std::int64_t>(now));
    if (Status s = update->run(); !s)
        return s;
    m_statements.clear();  // finalize before COMMIT so no statement holds the transaction open
    return m_transaction->commit();
}

}  // namespace runlens
