// SPDX-License-Identifier: MIT
#include "schema.h"

namespace runlens::schema {

const std::vector<std::string_view>& migrations() {
    static const std::vector<std::string_view> steps = {
        // 0 -> 1: the first schema.
        R"sql(
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    run_count INTEGER NOT NULL DEFAULT 0,
    point_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    external_id TEXT NOT NULL,
    name TEXT NOT NULL,
    lifecycle TEXT NOT NULL DEFAULT 'active',
    artifact_location TEXT,
    created_ms INTEGER,
    updated_ms INTEGER,
    UNIQUE (source_id, external_id)
);
CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    experiment_id INTEGER REFERENCES experiments(id) ON DELETE SET NULL,
    external_id TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    lifecycle TEXT NOT NULL DEFAULT 'active',
    user TEXT,
    start_ms INTEGER,
    end_ms INTEGER,
    deleted_ms INTEGER,
    artifact_uri TEXT,
    parent_external_id TEXT,
    git_commit TEXT,
    source_name TEXT,
    fingerprint TEXT NOT NULL DEFAULT '',
    UNIQUE (source_id, external_id)
);
CREATE INDEX runs_experiment ON runs(experiment_id);
CREATE INDEX runs_external ON runs(external_id);
CREATE TABLE params (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE tags (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE series (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    nan_count INTEGER NOT NULL,
    min REAL,
    max REAL,
    first REAL,
    last REAL,
    first_step INTEGER,
    last_step INTEGER,
    data BLOB NOT NULL,
    lod BLOB,
    PRIMARY KEY (run_id, key)
);
CREATE TABLE artifacts (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    content BLOB,
    PRIMARY KEY (run_id, path)
);
CREATE TABLE run_inputs (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    dataset_name TEXT NOT NULL,
    dataset_digest TEXT NOT NULL,
    context TEXT,
    source_type TEXT,
    source TEXT,
    schema TEXT,
    profile TEXT,
    tags_json TEXT
);
CREATE INDEX run_inputs_run ON run_inputs(run_id);
CREATE TABLE logged_models (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    experiment_id INTEGER REFERENCES experiments(id) ON DELETE SET NULL,
    external_id TEXT NOT NULL,
    name TEXT NOT NULL,
    source_run_external_id TEXT,
    status TEXT,
    model_type TEXT,
    artifact_location TEXT,
    created_ms INTEGER,
    updated_ms INTEGER,
    params_json TEXT NOT NULL DEFAULT '{}',
    tags_json TEXT NOT NULL DEFAULT '{}',
    metrics_json TEXT NOT NULL DEFAULT '{}',
    UNIQUE (source_id, external_id)
);
CREATE TABLE registered_models (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    created_ms INTEGER,
    updated_ms INTEGER,
    UNIQUE (source_id, name)
);
CREATE TABLE registered_model_tags (
    model_id INTEGER NOT NULL REFERENCES registered_models(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;
CREATE TABLE model_versions (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES registered_models(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    stage TEXT NOT NULL DEFAULT 'None',
    description TEXT,
    source TEXT,
    run_external_id TEXT,
    run_link TEXT,
    status TEXT,
    status_message TEXT,
    storage_location TEXT,
    user TEXT,
    created_ms INTEGER,
    updated_ms INTEGER,
    UNIQUE (model_id, version)
);
CREATE TABLE model_version_tags (
    version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (version_id, key)
) WITHOUT ROWID;
CREATE TABLE model_aliases (
    model_id INTEGER NOT NULL REFERENCES registered_models(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (model_id, alias)
) WITHOUT ROWID;
)sql",
        // 1 -> 2: results RunLens computes itself (evaluations of predictions files, drift reports), kept per run.
        // Importers never write here, so re-importing a source keeps them while its runs survive.
        R"sql(
CREATE TABLE run_analyses (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    inputs_json TEXT NOT NULL DEFAULT '{}',
    created_ms INTEGER NOT NULL,
    result_json TEXT NOT NULL,
    UNIQUE (run_id, kind, name)
);
)sql",
    };
    return steps;
}

}  // namespace runlens::schema
