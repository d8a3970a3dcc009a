// SPDX-License-Identifier: MIT
#include "importrunner.h"

#include "cache/cachewriter.h"
#include "common/paths.h"
#include "registry.h"

#include <chrono>

namespace runlens::importers {
namespace {

// Collects warnings for the report while passing everything on.
class RecordingObserver final : public ImportObserver {
public:
    RecordingObserver(ImportObserver& inner, std::vector<Error>& warnings) : m_inner(inner), m_warnings(warnings) {}
    bool progress(std::string_view stage, std::int64_t done, std::int64_t total) override {
        return m_inner.progress(stage, done, total);
    }
    void warning(const Error& warning) override {
        m_warnings.push_back(warning);
        m_inner.warning(warning);
    }

private:
    ImportObserver& m_inner;
    std::vector<Error>& m_warnings;
};

std::optional<std::string> storedFingerprint(Cache& cache, const std::string& path, std::string_view format,
                                             std::int64_t& runs, std::int64_t& points) {
    auto s = sql::Statement::prepare(cache.db(), "SELECT fingerprint, run_count, point_count FROM sources "
                                                 "WHERE path = ?1 AND format = ?2");
    if (!s)
        return std::nullopt;
    s->bind(1, path).bind(2, format);
    if (!s->step())
        return std::nullopt;
    runs = s->int64(1);
    points = s->int64(2);
    return s->text(0);
}

}  // namespace

ImportReport importSource(Cache& cache, const std::filesystem::path& path, ImportObserver& observer,
                          const ImportOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    ImportReport report;
    const auto source = canonicalSourcePath(path);
    report.path = displayPath(source);
    RecordingObserver recorder(observer, report.warnings);
    auto finish = [&](ImportStatus status) {
        report.status = status;
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return report;
    };

    auto importer = detect(source);
    if (!importer) {
        report.error = importer.error();
        report.error->file = displayPath(path);
        return finish(ImportStatus::failed);
    }
    report.format = std::string((*importer)->formatId());

    auto fingerprint = (*importer)->fingerprint(source);
    if (!fingerprint) {
        report.error = fingerprint.error();
        return finish(ImportStatus::failed);
    }
    if (!options.force) {
        auto stored = storedFingerprint(cache, report.path, report.format, report.runsTotal, report.pointsTotal);
        if (stored && *stored == *fingerprint) {
            report.runsUnchanged = report.runsTotal;
            return finish(ImportStatus::unchanged);
        }
    }

    auto writer = SourceWriter::begin(cache, report.path, report.format);
    if (!writer) {
        report.error = writer.error();
        return finish(ImportStatus::failed);
    }

    // force: a sink wrapper would be needed to hide fingerprints; instead clear them so every run re-reads.
    if (options.force) {
        auto clear = sql::Statement::prepare(cache.db(), "UPDATE runs SET fingerprint = '' WHERE source_id = ?1");
        if (clear)
            (void)clear->bind(1, (*writer)->sourceId()).run();
    }

    RunOptions runOptions;
    runOptions.lenient = options.lenient;
    auto outcome = (*importer)->runWithOptions(source, **writer, recorder, runOptions);
    if (!outcome) {
        report.error = outcome.error();
        return finish(ImportStatus::failed);  // the writer's destructor rolls back
    }
    if (*outcome == Outcome::cancelled)
        return finish(ImportStatus::cancelled);
    if (!(*writer)->writeStatus()) {
        report.error = (*writer)->writeStatus().error();
        return finish(ImportStatus::failed);
    }
    if (Status s = (*writer)->commit(*fingerprint); !s) {
        report.error = s.error();
        return finish(ImportStatus::failed);
    }
    const auto& counts = (*writer)->counts();
    report.runsWritten = counts.runsWritten;
    report.runsUnchanged = counts.runsUnchanged;
    report.pointsWritten = counts.pointsWritten;
    std::int64_t runs = 0;
    std::int64_t points = 0;
    storedFingerprint(cache, report.path, report.format, runs, points);
    report.runsTotal = runs;
    report.pointsTotal = points;
    return finish(ImportStatus::imported);
}

}  // namespace runlens::importers
