// SPDX-License-Identifier: MIT
#include "importrunner.h"

#include "archive/safeextract.h"
#include "cache/cachewriter.h"
#include "common/paths.h"
#include "registry.h"
#include "text.h"

#include <algorithm>
#include <chrono>
#include <utility>

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

// Paths below the extraction folder shown as the archive followed by the path inside it.
class ArchivePaths {
public:
    ArchivePaths(const std::filesystem::path& root, std::string archive)
        : m_root(displayPath(root)), m_archive(std::move(archive)) {}
    std::string rewrite(std::string text) const {
        for (auto at = text.find(m_root); at != std::string::npos; at = text.find(m_root, at + m_archive.size()))
            text.replace(at, m_root.size(), m_archive);
        return text;
    }
    Error rewrite(Error error) const {
        error.file = rewrite(std::move(error.file));
        error.message = rewrite(std::move(error.message));
        return error;
    }

private:
    std::string m_root;
    std::string m_archive;
};

// Rewrites warnings' paths before passing them on.
class ArchiveObserver final : public ImportObserver {
public:
    ArchiveObserver(ImportObserver& inner, const ArchivePaths& paths) : m_inner(inner), m_paths(paths) {}
    bool progress(std::string_view stage, std::int64_t done, std::int64_t total) override {
        return m_inner.progress(stage, done, total);
    }
    void warning(const Error& warning) override { m_inner.warning(m_paths.rewrite(warning)); }

private:
    ImportObserver& m_inner;
    const ArchivePaths& m_paths;
};

// Any format: an archive's inner format is only known after extraction, and an unchanged archive is never opened.
std::optional<std::string> storedArchiveFingerprint(Cache& cache, const std::string& path, std::string& format,
                                                    std::int64_t& runs, std::int64_t& points) {
    auto s = sql::Statement::prepare(cache.db(), "SELECT fingerprint, format, run_count, point_count FROM sources "
                                                 "WHERE path = ?1");
    if (!s)
        return std::nullopt;
    s->bind(1, path);
    if (!s->step())
        return std::nullopt;
    format = s->text(1);
    runs = s->int64(2);
    points = s->int64(3);
    return s->text(0);
}

bool namedLikeArchive(const std::filesystem::path& path) {
    const std::string name = text::lower(path.filename().string());
    for (const char* suffix : {".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.bz2"})
        if (name.ends_with(suffix))
            return true;
    return false;
}

// The error for a regular file that is neither a tracker format nor an archive.
Error unrecognisedFile(const std::filesystem::path& path, Error detectError) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size == 0)
        return Error{displayPath(path), {}, "the file is empty; expected a tracker store or an archive of one"};
    if (namedLikeArchive(path))
        return Error{displayPath(path),
                     {},
                     "the name says archive, but the content is not an archive RunLens reads (zip or tar, optionally "
                     "compressed with gzip, bzip2, xz or zstd), nor a tracker file"};
    detectError.file = displayPath(path);
    return detectError;
}

// Where an extracted tree's store starts: its single top-level entry (an archived "mlruns/" folder), else the root.
Result<std::pair<const Importer*, std::filesystem::path>> detectInside(const std::filesystem::path& root,
                                                                       const std::string& archiveShown) {
    std::vector<std::filesystem::path> top;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(root, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec))
        top.push_back(it->path());
    if (top.empty())
        return Error{archiveShown, {}, "the archive is empty"};
    if (top.size() == 1 && !std::filesystem::is_symlink(std::filesystem::symlink_status(top.front(), ec))) {
        if (auto importer = detect(top.front()))
            return std::pair{*importer, top.front()};
    }
    auto importer = detect(root);
    if (!importer) {
        std::string known;
        for (const auto& candidate : allImporters())
            known += (known.empty() ? "" : ", ") + std::string(candidate->displayName());
        return Error{archiveShown, {}, "the archive holds no recognised tracker store (looked for: " + known + ")"};
    }
    return std::pair{*importer, root};
}

// Runs importer on readPath into the source report.path inside one transaction, committing fingerprint on success.
ImportStatus writeSource(Cache& cache, const Importer& importer, const std::filesystem::path& readPath,
                         const std::string& fingerprint, ImportReport& report, ImportObserver& observer,
                         const ImportOptions& options) {
    auto writer = SourceWriter::begin(cache, report.path, report.format);
    if (!writer) {
        report.error = writer.error();
        return ImportStatus::failed;
    }

    // force: a sink wrapper would be needed to hide fingerprints; instead clear them so every run re-reads.
    if (options.force) {
        auto clear = sql::Statement::prepare(cache.db(), "UPDATE runs SET fingerprint = '' WHERE source_id = ?1");
        if (clear)
            (void)clear->bind(1, (*writer)->sourceId()).run();
    }

    RunOptions runOptions;
    runOptions.lenient = options.lenient;
    auto outcome = importer.runWithOptions(readPath, **writer, observer, runOptions);
    if (!outcome) {
        report.error = outcome.error();
        return ImportStatus::failed;  // the writer's destructor rolls back
    }
    if (*outcome == Outcome::cancelled)
        return ImportStatus::cancelled;
    if (!(*writer)->writeStatus()) {
        report.error = (*writer)->writeStatus().error();
        return ImportStatus::failed;
    }
    if (Status s = (*writer)->commit(fingerprint); !s) {
        report.error = s.error();
        return ImportStatus::failed;
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
    return ImportStatus::imported;
}

ImportStatus importArchive(Cache& cache, const std::filesystem::path& archive, ImportReport& report,
                           ImportObserver& observer, const ImportOptions& options) {
    Fingerprint fp;
    fp.add(std::string_view("archive/1"));
    fp.addFileStat(archive, archive.filename().string());
    const std::string fingerprint = fp.hex();
    if (!options.force) {
        std::string format;
        auto stored = storedArchiveFingerprint(cache, report.path, format, report.runsTotal, report.pointsTotal);
        if (stored && *stored == fingerprint) {
            report.format = format;
            report.runsUnchanged = report.runsTotal;
            return ImportStatus::unchanged;
        }
    }

    auto extraction = archive::extractArchive(archive, observer, options.archiveLimits, options.extractTo);
    if (!extraction) {
        report.error = extraction.error();
        return ImportStatus::failed;
    }
    if (extraction->outcome == Outcome::cancelled)
        return ImportStatus::cancelled;
    const auto& root = extraction->tree.root();
    const ArchivePaths paths(root, report.path);
    auto inner = detectInside(root, report.path);
    if (!inner) {
        report.error = inner.error();
        return ImportStatus::failed;
    }
    const auto& [importer, readPath] = *inner;
    report.format = std::string(importer->formatId());
    ArchiveObserver archiveObserver(observer, paths);
    const auto status = writeSource(cache, *importer, readPath, fingerprint, report, archiveObserver, options);
    if (report.error)
        report.error = paths.rewrite(*report.error);
    return status;
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

    // Tracker formats first, so that an mlflow.db or an event file is never taken for an archive.
    auto importer = detect(source);
    if (!importer) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(source, ec)) {
            report.error = importer.error();
            report.error->file = displayPath(path);
            return finish(ImportStatus::failed);
        }
        if (archive::isArchive(source))
            return finish(importArchive(cache, source, report, recorder, options));
        report.error = unrecognisedFile(path, importer.error());
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
    return finish(writeSource(cache, **importer, source, *fingerprint, report, recorder, options));
}

}  // namespace runlens::importers
