// SPDX-License-Identifier: MIT
#pragma once

#include "cache/sqlite.h"
#include "error.h"

#include <string>

namespace runlens {

// One SQLite file is one workspace. Opening it applies pending schema migrations (PRAGMA user_version),
// switches on WAL and foreign keys.
class Cache {
public:
    static constexpr int schemaVersion = 2;

    static Result<Cache> open(const std::string& path);
    // Opens an existing cache without creating or migrating it (for readers that must not write).
    static Result<Cache> openExisting(const std::string& path);
    // Opens an existing cache with its own read-only connection (SQLite mode=ro), for readers on worker threads:
    // nothing is created, migrated or written. A cache of another schema version is an error naming the file.
    static Result<Cache> openReadOnly(const std::string& path);

    sql::Database& db() { return m_db; }
    const std::string& path() const { return m_db.path(); }

private:
    explicit Cache(sql::Database db) : m_db(std::move(db)) {}
    Status migrate();

    sql::Database m_db;
};

}  // namespace runlens
