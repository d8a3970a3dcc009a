// SPDX-License-Identifier: MIT
#include "cache/analysisstore.h"

#include <chrono>

namespace runlens {

namespace {

constexpr std::string_view selectColumns =
    "SELECT id, run_id, kind, name, inputs_json, created_ms, result_json FROM run_analyses ";

AnalysisRow readRow(const sql::Statement& stmt) {
    AnalysisRow row;
    row.id = stmt.int64(0);
    row.runId = stmt.int64(1);
    row.kind = stmt.text(2);
    row.name = stmt.text(3);
    row.inputsJson = stmt.text(4);
    row.createdMs = stmt.int64(5);
    row.resultJson = stmt.text(6);
    return row;
}

Result<std::vector<AnalysisRow>> collect(sql::Statement& stmt) {
    std::vector<AnalysisRow> rows;
    while (stmt.step())
        rows.push_back(readRow(stmt));
    if (Status s = stmt.lastStatus(); !s)
        return s.error();
    return rows;
}

}  // namespace

Result<std::int64_t> saveAnalysis(Cache& cache, const AnalysisRow& row) {
    if (row.kind.empty() || row.name.empty())
        return Error{cache.path(), {}, "an analysis needs a kind and a name"};
    sql::Transaction tx(cache.db());
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    auto stmt = sql::Statement::prepare(
        cache.db(),
        "INSERT INTO run_analyses (run_id, kind, name, inputs_json, created_ms, result_json) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (run_id, kind, name) DO UPDATE SET "
        "inputs_json = excluded.inputs_json, created_ms = excluded.created_ms, result_json = excluded.result_json "
        "RETURNING id");
    if (!stmt)
        return stmt.error();
    const std::int64_t created =
        row.createdMs != 0
            ? row.createdMs
            : std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count();
    stmt->bind(1, row.runId)
        .bind(2, row.kind)
        .bind(3, row.name)
        .bind(4, row.inputsJson.empty() ? std::string_view("{}") : std::string_view(row.inputsJson))
        .bind(5, created)
        .bind(6, row.resultJson);
    if (!stmt->step()) {
        if (Status s = stmt->lastStatus(); !s)
            return Error{cache.path(), {}, "cannot save the analysis: " + s.error().message};
        return Error{cache.path(), {}, "cannot save the analysis"};
    }
    const std::int64_t id = stmt->int64(0);
    stmt->reset();
    if (Status s = tx.commit(); !s)
        return s.error();
    return id;
}

Result<std::vector<AnalysisRow>> runAnalyses(Cache& cache, std::int64_t runId, std::string_view kind) {
    auto stmt =
        sql::Statement::prepare(cache.db(), std::string(selectColumns) +
                                                "WHERE run_id = ?1 AND (?2 = '' OR kind = ?2) ORDER BY created_ms, id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, runId).bind(2, std::string(kind));  // an empty view would bind NULL
    return collect(*stmt);
}

Result<std::vector<AnalysisRow>> analysesOfKind(Cache& cache, std::string_view kind) {
    auto stmt = sql::Statement::prepare(cache.db(),
                                        std::string(selectColumns) + "WHERE kind = ?1 ORDER BY run_id, created_ms, id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, kind);
    return collect(*stmt);
}

Status deleteAnalysis(Cache& cache, std::int64_t id) {
    auto stmt = sql::Statement::prepare(cache.db(), "DELETE FROM run_analyses WHERE id = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, id);
    return stmt->run();
}

}  // namespace runlens
