// SPDX-License-Identifier: MIT
#include "sqlite.h"

#include <sqlite3.h>

#include <utility>

namespace runlens::sql {

Database::~Database() {
    if (m_db)
        sqlite3_close_v2(m_db);
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (m_db)
            sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

static std::string uriEscape(const std::string& path) {
    std::string out;
    for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            static const char* hex = "0123456789ABCDEF";
            out += '%';
            out += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
            out += hex[static_cast<unsigned char>(c) & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

Result<Database> Database::open(const std::string& path, Mode mode, int busyTimeoutMs) {
    Database db;
    db.m_path = path;
    int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    std::string uri = "file:" + uriEscape(path);
    if (mode == Mode::readOnly) {
        flags |= SQLITE_OPEN_READONLY;
        uri += "?mode=ro";
    } else {
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    }
    const int rc = sqlite3_open_v2(uri.c_str(), &db.m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Error error{
            path, {}, std::string("cannot open database: ") + (db.m_db ? sqlite3_errmsg(db.m_db) : sqlite3_errstr(rc))};
        return error;
    }
    sqlite3_extended_result_codes(db.m_db, 1);
    sqlite3_busy_timeout(db.m_db, busyTimeoutMs);
    return db;
}

Error Database::lastError(std::string_view what) const {
    std::string message(what);
    if (m_db) {
        message += ": ";
        message += sqlite3_errmsg(m_db);
    }
    return Error{m_path, {}, message};
}

Status Database::exec(std::string_view sqlText) {
    char* message = nullptr;
    const std::string text(sqlText);
    if (sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        Error error{m_path, {}, message ? message : "SQL error"};
        sqlite3_free(message);
        return error;
    }
    return {};
}

std::int64_t Database::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(m_db);
}
int Database::changes() const {
    return sqlite3_changes(m_db);
}

bool Database::tableExists(std::string_view table) {
    auto stmt = Statement::prepare(*this, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?");
    if (!stmt)
        return false;
    stmt->bind(1, table);
    return stmt->step();
}

bool Database::columnExists(std::string_view table, std::string_view column) {
    auto stmt = Statement::prepare(*this, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
    if (!stmt)
        return false;
    stmt->bind(1, table).bind(2, column);
    return stmt->step();
}

Statement::~Statement() {
    if (m_stmt)
        sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr)), m_db(other.m_db), m_status(std::move(other.m_status)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (m_stmt)
            sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_db = other.m_db;
        m_status = std::move(other.m_status);
    }
    return *this;
}

Result<Statement> Statement::prepare(Database& db, std::string_view sqlText) {
    Statement stmt;
    stmt.m_db = &db;
    if (sqlite3_prepare_v2(db.handle(), sqlText.data(), static_cast<int>(sqlText.size()), &stmt.m_stmt, nullptr) !=
        SQLITE_OK)
        return db.lastError("cannot prepare query '" + std::string(sqlText.substr(0, 80)) + "'");
    return stmt;
}

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

Statement& Statement::bindBlob(int index, std::span<const std::uint8_t> bytes) {
    sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bindNull(int index) {
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        m_status = m_db->lastError("query failed");
    return false;
}

Status Statement::run() {
    m_status = {};
    step();
    Status status = m_status;
    reset();
    return status;
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}
std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}
double Statement::real(int column) const {
    return sqlite3_column_double(m_stmt, column);
}

std::string_view Statement::textView(int column) const {
    const auto* data = sqlite3_column_text(m_stmt, column);
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? std::string_view(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size))
                : std::string_view();
}

std::string Statement::text(int column) const {
    return std::string(textView(column));
}

std::optional<std::int64_t> Statement::optInt64(int column) const {
    if (isNull(column))
        return std::nullopt;
    return int64(column);
}

std::optional<double> Statement::optReal(int column) const {
    if (isNull(column))
        return std::nullopt;
    return real(column);
}

std::span<const std::uint8_t> Statement::blob(int column) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return {data, static_cast<std::size_t>(size)};
}

int Statement::columnCount() const {
    return sqlite3_column_count(m_stmt);
}
std::string Statement::columnName(int column) const {
    return sqlite3_column_name(m_stmt, column);
}

Transaction::Transaction(Database& db, bool immediate) : m_db(db) {
    m_begin = m_db.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
    m_open = m_begin.ok();
}

Transaction::~Transaction() {
    rollback();
}

Status Transaction::commit() {
    if (!m_open)
        return Error{m_db.path(), {}, "no open transaction to commit"};
    Status status = m_db.exec("COMMIT");
    if (status.ok())
        m_open = false;
    return status;
}

void Transaction::rollback() {
    if (m_open) {
        (void)m_db.exec("ROLLBACK");
        m_open = false;
    }
}

}  // namespace runlens::sql
