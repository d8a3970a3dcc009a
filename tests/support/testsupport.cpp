// SPDX-License-Identifier: MIT
#include "testsupport.h"

#include <QtGlobal>

#include <fstream>
#include <system_error>

namespace runlens::test {

std::filesystem::path sourceDir() {
    const QByteArray dir = qgetenv("RUNLENS_SOURCE_DIR");
    return dir.isEmpty() ? std::filesystem::current_path() : std::filesystem::path(dir.toStdString());
}

std::filesystem::path binaryDir() {
    const QByteArray dir = qgetenv("RUNLENS_BINARY_DIR");
    return dir.isEmpty() ? std::filesystem::current_path() : std::filesystem::path(dir.toStdString());
}

std::filesystem::path dataDir() {
    return sourceDir() / "tests" / "data";
}

std::filesystem::path corpusDir() {
    const QByteArray dir = qgetenv("RUNLENS_CORPUS");
    if (!dir.isEmpty())
        return std::filesystem::path(dir.toStdString());
    return (sourceDir() / ".." / "shared" / "corpus").lexically_normal();
}

bool corpusAvailable(QString* why) {
    std::error_code ec;
    if (std::filesystem::is_directory(corpusDir(), ec))
        return true;
    if (why)
        *why = QStringLiteral("corpus not found at %1 (set RUNLENS_CORPUS)")
                   .arg(QString::fromStdString(corpusDir().string()));
    return false;
}

const CapturingSink::Run* CapturingSink::findRun(std::string_view externalId) const {
    for (const auto& run : runs) {
        if (run.record.externalId == externalId)
            return &run;
    }
    return nullptr;
}

std::int64_t CapturingSink::pointCount() const {
    std::int64_t total = 0;
    for (const auto& run : runs) {
        for (const auto& [key, points] : run.metrics)
            total += static_cast<std::int64_t>(points.size());
    }
    return total;
}

std::string cacheSnapshot(Cache& cache) {
    std::string out;
    std::vector<std::string> tables;
    auto list = sql::Statement::prepare(
        cache.db(), "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    if (!list)
        return "error: " + list.error().toString();
    while (list->step())
        tables.push_back(list->text(0));
    for (const auto& table : tables) {
        auto rows = sql::Statement::prepare(cache.db(), "SELECT * FROM " + table + " ORDER BY 1, 2");
        if (!rows)
            return "error: " + rows.error().toString();
        out += table;
        out += '\n';
        while (rows->step()) {
            for (int c = 0; c < rows->columnCount(); ++c) {
                out += rows->isNull(c) ? std::string("NULL") : rows->text(c);
                out += '|';
            }
            out += '\n';
        }
    }
    return out;
}

void copyTree(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::filesystem::create_directories(to);
    std::filesystem::copy(from, to,
                          std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks |
                              std::filesystem::copy_options::overwrite_existing);
    // Copies of read-only corpus files must be writable for tests that edit them.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(to)) {
        std::error_code ec;
        if (!entry.is_symlink())
            std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_write,
                                         std::filesystem::perm_options::add, ec);
    }
}

void writeFile(const std::filesystem::path& path, std::string_view text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace runlens::test
