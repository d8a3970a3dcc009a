// SPDX-License-Identifier: MIT
#include "cache.h"

#include "schema.h"

#include <filesystem>
#include <system_error>

namespace runlens {

Result<Cache> Cache::open(const std::string& path) {
    std::error_code ec;
    const std::filesystem::path file(path);
    if (file.has_parent_path() && !std::filesystem::exists(file.parent_path(), ec))
        std::filesystem::create_directories(file.parent_path(), ec);
    auto db = sql::Database::open(path, sql::Database::Mode::readWriteCreate);
    if (!db)
        return db.error();
    Cache cache(std::move(*db));
    // A file that is not SQLite fails here with "file is not a database".
    // 16 KiB pages: series blobs are tens of kilobytes, and fewer overflow pages make imports and reads faster.
    // Only takes effect on a new, empty file, so it must come before WAL is switched on.
    if (Status s = cache.m_db.exec("PRAGMA page_size = 8192; PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
                                   "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;");
        !s)
        return Error{path, {}, "not a RunLens cache: " + s.error().message};
    if (Status s = cache.migrate(); !s)
        return s.error();
    return cache;
}

Result<Cache> Cache::openExisting(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Error{path, {}, "no cache file here; import something first (runlens import PATH)"};
    return open(path);
}

Result<Cache> Cache::openReadOnly(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Error{path, {}, "no cache file here; import something first (runlens import PATH)"};
    auto db = sql::Database::open(path, sql::Database::Mode::readOnly);
    if (!db)
        return db.error();
    Cache cache(std::move(*db));
    std::int64_t version = 0;
    {
        auto stmt = sql::Statement::prepare(cache.m_db, "PRAGMA user_version");
        if (!stmt)
            return Error{path, {}, "not a RunLens cache: " + stmt.error().message};
        if (!stmt->step()) {
            const Status status = stmt->lastStatus();
            return Error{path,
                         {},
                         "not a RunLens cache: " +
                             (status ? "cannot read the schema version" : status.error().message)};
        }
        version = stmt->int64(0);
    }
    // Only a writer migrates; a reader needs the tables of this build.
    if (version > schemaVersion)
        return Error{path,
                     {},
                     "this cache was written by a newer RunLens (schema " + std::to_string(version) +
                         ", this build knows up to " + std::to_string(schemaVersion) + ")"};
    if (version < schemaVersion)
        return Error{path,
                     {},
                     "this cache has the older schema " + std::to_string(version) +
                         "; open it once in RunLens to upgrade it"};
    if (Status s = cache.m_db.exec("PRAGMA cache_size = -32768;"); !s)
        return s.error();
    return cache;
}

Status Cache::migrate() {
    auto stmt = sql::Statement::prepare(m_db, "PRAGMA user_version");
    if (!stmt)
        return stmt.error();
    if (!stmt->step())
        return Error{path(), {}, "cannot read the schema version"};
    const auto version = stmt->int64(0);
    const auto& steps = schema::migrations();
    if (version > static_cast<std::int64_t>(steps.size()))
        return Error{path(),
                     {},
                     "this cache was written by a newer RunLens (schema " + std::to_string(version) +
                         ", this build knows up to " + std::to_string(steps.size()) + ")"};
    for (auto v = static_cast<std::size_t>(version); v < steps.size(); ++v) {
        sql::Transaction tx(m_db);
        if (!tx.beginStatus())
            return tx.beginStatus().error();
        if (Status s = m_db.exec(steps[v]); !s)
            return Error{path(), {}, "schema migration " + std::to_string(v + 1) + " failed: " + s.error().message};
        if (Status s = m_db.exec("PRAGMA user_version = " + std::to_string(v + 1)); !s)
            return s.error();
        if (Status s = tx.commit(); !s)
            return s.error();
    }
    return {};
}

}  // namespace runlens
