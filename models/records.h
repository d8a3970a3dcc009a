// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// Plain records that importers hand to an ImportSink. Times are milliseconds since the Unix epoch.
namespace runlens {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct MetricPoint {
    std::int64_t step = 0;
    double timestampMs = 0;  // fractional for sources with sub-millisecond clocks (TensorBoard)
    double value = 0;
};

struct ExperimentRecord {
    std::string externalId;  // the tracker's experiment id, kept as text (MLflow ids are 18-digit)
    std::string name;
    std::string lifecycle = "active";  // "active" | "deleted"
    std::string artifactLocation;
    std::optional<std::int64_t> createdMs;
    std::optional<std::int64_t> updatedMs;
    KeyValues tags;
};

// Run status names, shared by every importer (MLflow's enum names).
namespace run_status {
inline constexpr const char* running = "RUNNING";
inline constexpr const char* scheduled = "SCHEDULED";
inline constexpr const char* finished = "FINISHED";
inline constexpr const char* failed = "FAILED";
inline constexpr const char* killed = "KILLED";
inline constexpr const char* unknown = "UNKNOWN";
}  // namespace run_status

struct RunRecord {
    std::string externalId;            // the tracker's run id; identity in the cache is (source, externalId)
    std::string experimentExternalId;  // empty when the format has no experiments
    std::string name;
    std::string status = run_status::unknown;
    std::string lifecycle = "active";
    std::string user;
    std::optional<std::int64_t> startMs;
    std::optional<std::int64_t> endMs;
    std::optional<std::int64_t> deletedMs;
    std::string artifactUri;
    std::string parentExternalId;
    std::string gitCommit;
    std::string sourceName;
    std::string fingerprint;  // changes whenever anything the importer reads for this run changes
};

// Artifact kinds, decided from the name and a peek at the content.
namespace artifact_kind {
inline constexpr const char* model = "model";  // an MLmodel file
inline constexpr const char* image = "image";
inline constexpr const char* json = "json";
inline constexpr const char* table = "table";  // csv, tsv, jsonl
inline constexpr const char* text = "text";
inline constexpr const char* other = "other";
}  // namespace artifact_kind

struct ArtifactRecord {
    std::string path;  // relative to the run's artifact root, '/' separated
    std::int64_t size = 0;
    std::string kind = artifact_kind::other;
    std::optional<std::string> content;  // kept for small evaluation artifacts so views work offline
};

struct DatasetInputRecord {
    std::string name;
    std::string digest;
    std::string context;     // e.g. "training", "eval" (from the mlflow.data.context tag)
    std::string sourceType;  // e.g. "local", "http", "code"
    std::string source;      // JSON text as written by the tracker
    std::string schema;      // JSON text, may be empty
    std::string profile;     // JSON text, may be empty
    KeyValues tags;
};

struct LoggedModelRecord {
    std::string externalId;  // MLflow 3 "m-<hex>"
    std::string experimentExternalId;
    std::string name;
    std::string sourceRunExternalId;
    std::string status;
    std::string modelType;
    std::string artifactLocation;
    std::optional<std::int64_t> createdMs;
    std::optional<std::int64_t> updatedMs;
    KeyValues params;
    KeyValues tags;
    std::vector<std::pair<std::string, MetricPoint>> metrics;  // key and its latest point
};

struct ModelVersionRecord {
    std::int64_t version = 0;
    std::string stage = "None";  // None | Staging | Production | Archived
    std::string description;
    std::string source;  // URI as registered
    std::string runExternalId;
    std::string runLink;
    std::string status;
    std::string statusMessage;
    std::string storageLocation;
    std::string user;
    std::optional<std::int64_t> createdMs;
    std::optional<std::int64_t> updatedMs;
    KeyValues tags;
};

struct RegisteredModelRecord {
    std::string name;
    std::string description;
    std::optional<std::int64_t> createdMs;
    std::optional<std::int64_t> updatedMs;
    KeyValues tags;
    std::vector<std::pair<std::string, std::int64_t>> aliases;  // alias -> version
    std::vector<ModelVersionRecord> versions;
};

}  // namespace runlens
