// SPDX-License-Identifier: MIT
#include "cachereader.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <unordered_map>

namespace runlens {
namespace {

KeyValues parseKeyValuesJson(std::string_view text) {
    KeyValues values;
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_object()) {
        for (auto it = json.begin(); it != json.end(); ++it)
            values.emplace_back(it.key(), it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
    }
    return values;
}

double jsonNumber(const nlohmann::json& v) {
    if (v.is_number())
        return v.get<double>();
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (s == "NaN")
            return std::nan("");
        if (s == "Infinity")
            return HUGE_VAL;
        if (s == "-Infinity")
            return -HUGE_VAL;
    }
    return std::nan("");
}

}  // namespace

Result<std::vector<SourceRow>> CacheReader::sources() {
    auto s = sql::Statement::prepare(m_cache.db(), "SELECT id, path, format, fingerprint, imported_at, run_count, "
                                                   "point_count FROM sources ORDER BY path");
    if (!s)
        return s.error();
    std::vector<SourceRow> rows;
    while (s->step())
        rows.push_back({s->int64(0), s->text(1), s->text(2), s->text(3), s->int64(4), s->int64(5), s->int64(6)});
    if (!s->lastStatus())
        return s->lastStatus().error();
    return rows;
}

Result<std::vector<ExperimentRow>> CacheReader::experiments() {
    auto s = sql::Statement::prepare(
        m_cache.db(), "SELECT e.id, e.source_id, src.path, src.format, e.external_id, e.name, e.lifecycle, "
                      "e.artifact_location, e.created_ms, e.updated_ms, "
                      "(SELECT count(*) FROM runs r WHERE r.experiment_id = e.id) "
                      "FROM experiments e JOIN sources src ON src.id = e.source_id ORDER BY src.path, e.name, e.id");
    if (!s)
        return s.error();
    std::vector<ExperimentRow> rows;
    std::unordered_map<std::int64_t, std::size_t> index;
    while (s->step()) {
        ExperimentRow row;
        row.id = s->int64(0);
        row.sourceId = s->int64(1);
        row.sourcePath = s->text(2);
        row.format = s->text(3);
        row.experiment.externalId = s->text(4);
        row.experiment.name = s->text(5);
        row.experiment.lifecycle = s->text(6);
        row.experiment.artifactLocation = s->text(7);
        row.experiment.createdMs = s->optInt64(8);
        row.experiment.updatedMs = s->optInt64(9);
        row.runCount = s->int64(10);
        index[row.id] = rows.size();
        rows.push_back(std::move(row));
    }
    if (!s->lastStatus())
        return s->lastStatus().error();
    auto tags =
        sql::Statement::prepare(m_cache.db(), "SELECT experiment_id, key, value FROM experiment_tags ORDER BY key");
    if (!tags)
        return tags.error();
    while (tags->step()) {
        if (auto it = index.find(tags->int64(0)); it != index.end())
            rows[it->second].experiment.tags.emplace_back(tags->text(1), tags->text(2));
    }
    return rows;
}

Result<std::vector<RunRow>> CacheReader::runs(bool withDetails) {
    return queryRuns({}, {}, withDetails);
}

Result<std::vector<RunRow>> CacheReader::findRuns(std::string_view idOrExternalId) {
    std::int64_t id = 0;
    const auto* end = idOrExternalId.data() + idOrExternalId.size();
    auto [ptr, ec] = std::from_chars(idOrExternalId.data(), end, id);
    if (ec == std::errc() && ptr == end) {
        auto byId = queryRuns("r.id = ?1", idOrExternalId, true);
        if (!byId || !byId->empty())
            return byId;
    }
    auto exact = queryRuns("r.external_id = ?1", idOrExternalId, true);
    if (!exact || !exact->empty() || idOrExternalId.size() < 4)
        return exact;
    // A unique prefix of a tracker run id is enough, as with git hashes.
    std::string pattern;
    for (char c : idOrExternalId) {
        if (c == '%' || c == '_' || c == '\\')
            pattern += '\\';
        pattern += c;
    }
    return queryRuns("r.external_id LIKE ?1 || '%' ESCAPE '\\'", pattern, true);
}

Result<std::vector<RunRow>> CacheReader::queryRuns(std::string_view where, std::string_view argument,
                                                   bool withDetails) {
    std::string sqlText = "SELECT r.id, r.source_id, src.path, src.format, r.experiment_id, e.name, e.external_id, "
                          "r.external_id, r.name, r.status, r.lifecycle, r.user, r.start_ms, r.end_ms, r.deleted_ms, "
                          "r.artifact_uri, r.parent_external_id, r.git_commit, r.source_name, r.fingerprint "
                          "FROM runs r JOIN sources src ON src.id = r.source_id "
                          "LEFT JOIN experiments e ON e.id = r.experiment_id";
    if (!where.empty())
        sqlText += " WHERE " + std::string(where);
    sqlText += " ORDER BY src.path, e.name, r.start_ms, r.id";
    auto s = sql::Statement::prepare(m_cache.db(), sqlText);
    if (!s)
        return s.error();
    if (!where.empty())
        s->bind(1, argument);
    std::vector<RunRow> rows;
    std::unordered_map<std::int64_t, std::size_t> index;
    while (s->step()) {
        RunRow row;
        row.id = s->int64(0);
        row.sourceId = s->int64(1);
        row.sourcePath = s->text(2);
        row.format = s->text(3);
        row.experimentId = s->optInt64(4);
        row.experimentName = s->text(5);
        row.run.experimentExternalId = s->text(6);
        row.run.externalId = s->text(7);
        row.run.name = s->text(8);
        row.run.status = s->text(9);
        row.run.lifecycle = s->text(10);
        row.run.user = s->text(11);
        row.run.startMs = s->optInt64(12);
        row.run.endMs = s->optInt64(13);
        row.run.deletedMs = s->optInt64(14);
        row.run.artifactUri = s->text(15);
        row.run.parentExternalId = s->text(16);
        row.run.gitCommit = s->text(17);
        row.run.sourceName = s->text(18);
        row.run.fingerprint = s->text(19);
        index[row.id] = rows.size();
        rows.push_back(std::move(row));
    }
    if (!s->lastStatus())
        return s->lastStatus().error();
    if (!withDetails || rows.empty())
        return rows;

    // One pass per child table instead of one query per run.
    const std::string filter = rows.size() == 1 ? " WHERE run_id = " + std::to_string(rows.front().id) : std::string();
    for (const auto& [table, member] : {std::pair{"params", &RunRow::params}, std::pair{"tags", &RunRow::tags}}) {
        auto kv = sql::Statement::prepare(m_cache.db(), "SELECT run_id, key, value FROM " + std::string(table) +
                                                            filter + " ORDER BY run_id, key");
        if (!kv)
            return kv.error();
        while (kv->step()) {
            if (auto it = index.find(kv->int64(0)); it != index.end())
                (rows[it->second].*member).emplace_back(kv->text(1), kv->text(2));
        }
    }
    auto series = sql::Statement::prepare(m_cache.db(), "SELECT run_id, key, count, nan_count, min, max, first, last, "
                                                        "first_step, last_step FROM series" +
                                                            filter + " ORDER BY run_id, key");
    if (!series)
        return series.error();
    while (series->step()) {
        auto it = index.find(series->int64(0));
        if (it == index.end())
            continue;
        SeriesRow m;
        m.key = series->text(1);
        m.summary.count = series->int64(2);
        m.summary.nanCount = series->int64(3);
        m.summary.min = series->optReal(4);
        m.summary.max = series->optReal(5);
        m.summary.first = series->optReal(6).value_or(std::nan(""));
        m.summary.last = series->optReal(7).value_or(std::nan(""));
        m.summary.firstStep = series->int64(8);
        m.summary.lastStep = series->int64(9);
        rows[it->second].metrics.push_back(std::move(m));
    }
    return rows;
}

Result<std::vector<MetricPoint>> CacheReader::series(std::int64_t runId, std::string_view key) {
    auto s = sql::Statement::prepare(m_cache.db(), "SELECT data FROM series WHERE run_id = ?1 AND key = ?2");
    if (!s)
        return s.error();
    s->bind(1, runId).bind(2, key);
    if (!s->step()) {
        if (!s->lastStatus())
            return s->lastStatus().error();
        return Error{m_cache.path(), {}, "run " + std::to_string(runId) + " has no metric '" + std::string(key) + "'"};
    }
    auto points = seriescodec::decode(s->blob(0));
    if (!points)
        return Error{m_cache.path(), {}, points.error().message};
    return points;
}

Result<LodPyramid> CacheReader::seriesLod(std::int64_t runId, std::string_view key) {
    auto s = sql::Statement::prepare(m_cache.db(), "SELECT lod FROM series WHERE run_id = ?1 AND key = ?2");
    if (!s)
        return s.error();
    s->bind(1, runId).bind(2, key);
    if (!s->step())
        return LodPyramid{};
    auto lod = seriescodec::decodeLod(s->blob(0));
    if (!lod)
        return Error{m_cache.path(), {}, lod.error().message};
    return lod;
}

Result<std::vector<ArtifactRow>> CacheReader::artifacts(std::int64_t runId) {
    auto s = sql::Statement::prepare(m_cache.db(), "SELECT path, size, kind, content IS NOT NULL FROM artifacts "
                                                   "WHERE run_id = ?1 ORDER BY path");
    if (!s)
        return s.error();
    s->bind(1, runId);
    std::vector<ArtifactRow> rows;
    while (s->step())
        rows.push_back({s->text(0), s->int64(1), s->text(2), s->int64(3) != 0});
    if (!s->lastStatus())
        return s->lastStatus().error();
    return rows;
}

Result<std::optional<std::string>> CacheReader::artifactContent(std::int64_t runId, std::string_view path) {
    auto s = sql::Statement::prepare(m_cache.db(), "SELECT content FROM artifacts WHERE run_id = ?1 AND path = ?2");
    if (!s)
        return s.error();
    s->bind(1, runId).bind(2, path);
    if (!s->step() || s->isNull(0))
        return std::optional<std::string>();
    const auto bytes = s->blob(0);
    return std::optional<std::string>(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Result<std::vector<DatasetInputRecord>> CacheReader::datasetInputs(std::int64_t runId) {
    auto s = sql::Statement::prepare(m_cache.db(), "SELECT dataset_name, dataset_digest, context, source_type, source, "
                                                   "schema, profile, tags_json FROM run_inputs WHERE run_id = ?1 "
                                                   "ORDER BY rowid");
    if (!s)
        return s.error();
    s->bind(1, runId);
    std::vector<DatasetInputRecord> rows;
    while (s->step()) {
        DatasetInputRecord in{s->text(0), s->text(1), s->text(2), s->text(3),
                              s->text(4), s->text(5), s->text(6), parseKeyValuesJson(s->textView(7))};
        rows.push_back(std::move(in));
    }
    return rows;
}

Result<std::vector<LoggedModelRecord>> CacheReader::loggedModels() {
    auto s = sql::Statement::prepare(
        m_cache.db(), "SELECT m.external_id, e.external_id, m.name, m.source_run_external_id, m.status, m.model_type, "
                      "m.artifact_location, m.created_ms, m.updated_ms, m.params_json, m.tags_json, m.metrics_json "
                      "FROM logged_models m LEFT JOIN experiments e ON e.id = m.experiment_id ORDER BY m.id");
    if (!s)
        return s.error();
    std::vector<LoggedModelRecord> rows;
    while (s->step()) {
        LoggedModelRecord m;
        m.externalId = s->text(0);
        m.experimentExternalId = s->text(1);
        m.name = s->text(2);
        m.sourceRunExternalId = s->text(3);
        m.status = s->text(4);
        m.modelType = s->text(5);
        m.artifactLocation = s->text(6);
        m.createdMs = s->optInt64(7);
        m.updatedMs = s->optInt64(8);
        m.params = parseKeyValuesJson(s->textView(9));
        m.tags = parseKeyValuesJson(s->textView(10));
        auto metrics = nlohmann::json::parse(s->textView(11), nullptr, false);
        if (metrics.is_object()) {
            for (auto it = metrics.begin(); it != metrics.end(); ++it) {
                const auto& v = it.value();
                m.metrics.emplace_back(it.key(), MetricPoint{v.value("step", std::int64_t{0}),
                                                             v.value("timestamp", 0.0), jsonNumber(v["value"])});
            }
        }
        rows.push_back(std::move(m));
    }
    return rows;
}

Result<std::vector<RegisteredModelRow>> CacheReader::models() {
    auto s =
        sql::Statement::prepare(m_cache.db(), "SELECT m.id, m.source_id, src.path, m.name, m.description, "
                                              "m.created_ms, m.updated_ms FROM registered_models m "
                                              "JOIN sources src ON src.id = m.source_id ORDER BY m.name, src.path");
    if (!s)
        return s.error();
    std::vector<RegisteredModelRow> rows;
    std::unordered_map<std::int64_t, std::size_t> index;
    while (s->step()) {
        RegisteredModelRow row;
        row.id = s->int64(0);
        row.sourceId = s->int64(1);
        row.sourcePath = s->text(2);
        row.model.name = s->text(3);
        row.model.description = s->text(4);
        row.model.createdMs = s->optInt64(5);
        row.model.updatedMs = s->optInt64(6);
        index[row.id] = rows.size();
        rows.push_back(std::move(row));
    }
    auto tags =
        sql::Statement::prepare(m_cache.db(), "SELECT model_id, key, value FROM registered_model_tags ORDER BY key");
    if (!tags)
        return tags.error();
    while (tags->step()) {
        if (auto it = index.find(tags->int64(0)); it != index.end())
            rows[it->second].model.tags.emplace_back(tags->text(1), tags->text(2));
    }
    auto aliases =
        sql::Statement::prepare(m_cache.db(), "SELECT model_id, alias, version FROM model_aliases ORDER BY alias");
    if (!aliases)
        return aliases.error();
    while (aliases->step()) {
        if (auto it = index.find(aliases->int64(0)); it != index.end())
            rows[it->second].model.aliases.emplace_back(aliases->text(1), aliases->int64(2));
    }
    auto versions = sql::Statement::prepare(
        m_cache.db(),
        "SELECT v.id, v.model_id, v.version, v.stage, v.description, v.source, v.run_external_id, "
        "v.run_link, v.status, v.status_message, v.storage_location, v.user, v.created_ms, v.updated_ms, "
        "coalesce((SELECT r.id FROM runs r WHERE r.external_id = v.run_external_id AND r.source_id = m.source_id), "
        "(SELECT min(r.id) FROM runs r WHERE r.external_id = v.run_external_id)) "
        "FROM model_versions v JOIN registered_models m ON m.id = v.model_id ORDER BY v.model_id, v.version");
    if (!versions)
        return versions.error();
    std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> versionIndex;
    while (versions->step()) {
        auto it = index.find(versions->int64(1));
        if (it == index.end())
            continue;
        ModelVersionRow v;
        v.version.version = versions->int64(2);
        v.version.stage = versions->text(3);
        v.version.description = versions->text(4);
        v.version.source = versions->text(5);
        v.version.runExternalId = versions->text(6);
        v.version.runLink = versions->text(7);
        v.version.status = versions->text(8);
        v.version.statusMessage = versions->text(9);
        v.version.storageLocation = versions->text(10);
        v.version.user = versions->text(11);
        v.version.createdMs = versions->optInt64(12);
        v.version.updatedMs = versions->optInt64(13);
        v.runId = versions->optInt64(14);
        auto& list = rows[it->second].versions;
        versionIndex[versions->int64(0)] = {it->second, list.size()};
        list.push_back(std::move(v));
    }
    auto versionTags =
        sql::Statement::prepare(m_cache.db(), "SELECT version_id, key, value FROM model_version_tags ORDER BY key");
    if (!versionTags)
        return versionTags.error();
    while (versionTags->step()) {
        if (auto it = versionIndex.find(versionTags->int64(0)); it != versionIndex.end())
            rows[it->second.first].versions[it->second.second].version.tags.emplace_back(versionTags->text(1),
                                                                                         versionTags->text(2));
    }
    return rows;
}

}  // namespace runlens
