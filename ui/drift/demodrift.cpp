// SPDX-License-Identifier: MIT
#include "demodrift.h"

#include "analysis/driftpolicy.h"
#include "cache/analysisstore.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "datasets/datasetdrift.h"
#include "demo.h"

#include <QDir>
#include <QFileInfo>

#include <nlohmann/json.hpp>

namespace runlens::ui {

QString demoDatasetsPath() {
    const QString store = demoStorePath();
    if (store.isEmpty())
        return {};
    const QString datasets = QFileInfo(store).dir().filePath(QStringLiteral("datasets"));
    return QFileInfo(datasets).isDir() ? datasets : QString();
}

Status ensureDemoDriftReports(const QString& cachePath, const QString& datasetsPath) {
    auto cache = Cache::openExisting(cachePath.toStdString());
    if (!cache)
        return cache.error();
    CacheReader reader(*cache);
    auto runs = reader.findRuns(demoDriftRunId);
    if (!runs)
        return runs.error();
    if (runs->empty())
        return Error{cachePath.toStdString(), {}, "the demo run " + std::string(demoDriftRunId) + " is not imported"};
    const std::int64_t runId = runs->front().id;
    auto existing = runAnalyses(*cache, runId, analysis_kind::drift);
    if (!existing)
        return existing.error();
    if (!existing->empty())
        return {};
    const QDir dir(datasetsPath);
    const std::string reference = dir.filePath(QStringLiteral("reference.csv")).toStdString();
    // The stable comparison first, so the drifted one is the newest and shown first.
    for (const char* current : {"current_stable.csv", "current_drifted.csv"}) {
        const std::string currentPath = dir.filePath(QLatin1String(current)).toStdString();
        auto document = datasets::computeDatasetDrift(reference, currentPath, analysis::DriftPolicy::defaults());
        if (!document)
            return document.error();
        AnalysisRow row;
        row.runId = runId;
        row.kind = std::string(analysis_kind::drift);
        row.name = std::string("reference.csv vs ") + current;
        row.inputsJson = nlohmann::json{
            {"reference", reference},
            {"current", currentPath},
            {"policy", "default"},
            {"demo", true}}.dump();
        row.resultJson = document->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (auto saved = saveAnalysis(*cache, row); !saved)
            return saved.error();
    }
    return {};
}

}  // namespace runlens::ui
