// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace runlens::sql {

// A thin RAII layer over SQLite's C API. Errors become runlens::Error values naming the database file.
class Database {
public:
    enum class Mode { readWriteCreate, readOnly };

    Database() = default;
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;

    // readOnly opens with SQLite's URI "mode=ro" so the file is never written.
    static Result<Database> open(const std::string& path, Mode mode, int busyTimeoutMs = 2000);

    Status exec(std::string_view sql);
    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }
    std::int64_t lastInsertRowId() const;
    int changes() const;
    Error lastError(std::string_view what) const;
    bool tableExists(std::string_view table);
    bool columnExists(std::string_view table, std::string_view column);

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

class Statement {
public:
    Statement() = default;
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;

    static Result<Statement> prepare(Database& db, std::string_view sql);

    // Binding is 1-based like SQLite. Returns *this for chaining.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bindBlob(int index, std::span<const std::uint8_t> bytes);
    Statement& bindNull(int index);
    template <typename T> Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }
    // Binds NULL for an empty string.
    Statement& bindOrNull(int index, std::string_view text) {
        return text.empty() ? bindNull(index) : bind(index, text);
    }

    // Steps once: true when a row is available, false when done; errors are returned through lastStatus().
    bool step();
    Status lastStatus() const { return m_status; }
    // Runs a statement that returns no rows and resets it for reuse.
    Status run();
    void reset();

    bool isNull(int column) const;
    std::int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    std::string_view textView(int column) const;
    std::optional<std::int64_t> optInt64(int column) const;
    std::optional<double> optReal(int column) const;
    std::span<const std::uint8_t> blob(int column) const;
    int columnCount() const;
    std::string columnName(int column) const;

private:
    sqlite3_stmt* m_stmt = nullptr;
    Database* m_db = nullptr;
    Status m_status;
};

// Commits on commit(), rolls back on destruction otherwise.
class Transaction {
public:
    explicit Transaction(Database& db, bool immediate = true);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    const Status& beginStatus() const { return m_begin; }
    Status commit();
    void rollback();

private:
    Database& m_db;
    Status m_begin;
    bool m_open = false;
};

}  // namespace runlens::sql
