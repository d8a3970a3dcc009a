// SPDX-License-Identifier: MIT
#include "archive/safeextract.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "common/paths.h"
#include "handmadestore.h"
#include "importrunner.h"
#include "testsupport.h"
#include "tfrecordframe.h"

#include <QTemporaryDir>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>

namespace fs = std::filesystem;
using namespace runlens;
using runlens::test::writeFile;
using runlens::test::writeHandmadeStore;

namespace {

// One archive member, written with libarchive's write API so the tests need no fixture files.
struct Entry {
    enum Kind { file, dir, symlink, hardlink, chardev, fifo };
    Kind kind = file;
    std::string name;
    std::string data;  // content, or the link target
};

enum class Container { zip, tar };

struct WriteFree {
    void operator()(struct archive* a) const { archive_write_free(a); }
};

// Opens an archive for writing; nullptr when this libarchive cannot write the filter (zstd on an old build).
std::unique_ptr<struct archive, WriteFree> openWriter(const fs::path& out, Container container, const char* filter) {
    std::unique_ptr<struct archive, WriteFree> a(archive_write_new());
    if (container == Container::zip)
        archive_write_set_format_zip(a.get());
    else
        archive_write_set_format_pax_restricted(a.get());
    const std::string f = filter;
    int r = ARCHIVE_OK;
    if (f == "gzip")
        r = archive_write_add_filter_gzip(a.get());
    else if (f == "xz")
        r = archive_write_add_filter_xz(a.get());
    else if (f == "zstd")
        r = archive_write_add_filter_zstd(a.get());
    else if (f == "bzip2")
        r = archive_write_add_filter_bzip2(a.get());
    if (r != ARCHIVE_OK)
        return nullptr;
    if (archive_write_open_filename(a.get(), out.c_str()) != ARCHIVE_OK)
        return nullptr;
    return a;
}

bool writeArchive(const fs::path& out, Container container, const char* filter, const std::vector<Entry>& entries) {
    auto a = openWriter(out, container, filter);
    if (!a)
        return false;
    for (const auto& e : entries) {
        struct archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.name.c_str());
        archive_entry_set_mtime(entry, 1700000000, 0);
        switch (e.kind) {
        case Entry::file:
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_perm(entry, 0644);
            archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
            break;
        case Entry::dir:
            archive_entry_set_filetype(entry, AE_IFDIR);
            archive_entry_set_perm(entry, 0755);
            break;
        case Entry::symlink:
            archive_entry_set_filetype(entry, AE_IFLNK);
            archive_entry_set_perm(entry, 0777);
            archive_entry_set_symlink(entry, e.data.c_str());
            break;
        case Entry::hardlink:
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_perm(entry, 0644);
            archive_entry_set_hardlink(entry, e.data.c_str());
            break;
        case Entry::chardev:
            archive_entry_set_filetype(entry, AE_IFCHR);
            archive_entry_set_perm(entry, 0666);
            archive_entry_set_rdevmajor(entry, 1);
            archive_entry_set_rdevminor(entry, 3);
            break;
        case Entry::fifo:
            archive_entry_set_filetype(entry, AE_IFIFO);
            archive_entry_set_perm(entry, 0644);
            break;
        }
        const bool ok = archive_write_header(a.get(), entry) == ARCHIVE_OK;
        archive_entry_free(entry);
        if (!ok)
            return false;
        if (e.kind == Entry::file && !e.data.empty() &&
            archive_write_data(a.get(), e.data.data(), e.data.size()) != static_cast<la_ssize_t>(e.data.size()))
            return false;
    }
    return archive_write_close(a.get()) == ARCHIVE_OK;
}

// The folders and files below root as entries named prefix + relative path, parents first.
std::vector<Entry> entriesOf(const fs::path& root, const std::string& prefix) {
    std::vector<fs::path> paths;
    for (const auto& it : fs::recursive_directory_iterator(root))
        paths.push_back(it.path());
    std::sort(paths.begin(), paths.end());
    std::vector<Entry> entries;
    for (const auto& p : paths) {
        const std::string name = prefix + p.lexically_relative(root).generic_string();
        if (fs::is_directory(p)) {
            entries.push_back({Entry::dir, name, {}});
        } else {
            std::ifstream in(p, std::ios::binary);
            entries.push_back({Entry::file, name, std::string(std::istreambuf_iterator<char>(in), {})});
        }
    }
    return entries;
}

std::vector<Entry> storeEntries(const fs::path& scratch) {
    writeHandmadeStore(scratch / "mlruns");
    return entriesOf(scratch / "mlruns", "mlruns/");
}

// A zip holding one entry of `bytes` zeros, streamed so the test stays small in memory.
bool writeZipBomb(const fs::path& out, std::int64_t bytes) {
    auto a = openWriter(out, Container::zip, "none");
    if (!a)
        return false;
    struct archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, "mlruns/zeros");
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, bytes);
    const bool ok = archive_write_header(a.get(), entry) == ARCHIVE_OK;
    archive_entry_free(entry);
    if (!ok)
        return false;
    const std::string zeros(std::size_t{1} << 20, '\0');
    for (std::int64_t done = 0; done < bytes; done += static_cast<std::int64_t>(zeros.size()))
        if (archive_write_data(a.get(), zeros.data(), zeros.size()) < 0)
            return false;
    return archive_write_close(a.get()) == ARCHIVE_OK;
}

// A TFRecord event stream (formats.md sections 3 and 7) with one scalar.
std::string tbEvents() {
    auto field = [](int number, int wire, const std::string& bytes) {
        std::string out(1, static_cast<char>(number << 3 | wire));
        if (wire == 2)
            out += static_cast<char>(bytes.size());
        return out + bytes;
    };
    auto dbl = [](double v) {
        char b[8];
        std::memcpy(b, &v, 8);
        return std::string(b, 8);
    };
    float value = 0.25f;
    char fb[4];
    std::memcpy(fb, &value, 4);
    const std::string simple = field(1, 2, "loss") + field(2, 5, std::string(fb, 4));
    const std::string version = field(1, 1, dbl(1700000000.0)) + field(3, 2, "brain.Event:2");
    const std::string summary =
        field(1, 1, dbl(1700000001.0)) + field(2, 0, std::string(1, '\x05')) + field(5, 2, field(1, 2, simple));
    return test::tfRecordFrame(version) + test::tfRecordFrame(summary);
}

using runlens::test::cacheSnapshot;

// What a user sees of the runs, independent of the source path and cache ids.
std::string runsDigest(Cache& cache) {
    CacheReader reader(cache);
    auto runs = reader.runs();
    if (!runs)
        return "error";
    std::vector<std::string> lines;
    for (const auto& r : *runs) {
        std::string line = r.run.externalId + '|' + r.run.name + '|' + r.run.status + '|' + r.run.lifecycle + '|' +
                           r.run.parentExternalId + '|';
        for (const auto& [k, v] : r.params)
            line += k + '=' + v + ';';
        for (const auto& m : r.metrics)
            line += m.key + ':' + std::to_string(m.summary.count) + ';';
        auto artifacts = reader.artifacts(r.id);
        if (artifacts)
            for (const auto& a : *artifacts)
                line += a.path + '/' + a.kind + (a.hasContent ? "+" : "-") + ';';
        lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines)
        out += l + '\n';
    auto models = reader.models();
    out += "models:" + std::to_string(models ? models->size() : 0);
    return out;
}

bool isEmptyFolder(const fs::path& dir) {
    return fs::is_directory(dir) && fs::directory_iterator(dir) == fs::directory_iterator();
}

// Records the stages and the last progress of each.
class StageObserver final : public ImportObserver {
public:
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> stages;
    bool progress(std::string_view stage, std::int64_t done, std::int64_t total) override {
        stages[std::string(stage)] = {done, total};
        return true;
    }
    void warning(const Error&) override {}
};

}  // namespace

using Maker = std::function<fs::path(const fs::path& dir)>;
Q_DECLARE_METATYPE(Maker)

class TestArchives : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void importsLikeTheFolder_data();
    void importsLikeTheFolder();
    void tensorboardInsideTarGz();
    void badInputLeavesCacheUnchanged_data();
    void badInputLeavesCacheUnchanged();
    void reimport();
    void cancelLeavesCacheUnchanged();
    void progressNamesTheStage();
};

void TestArchives::importsLikeTheFolder_data() {
    QTest::addColumn<int>("container");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<bool>("topFolder");
    const int zip = static_cast<int>(Container::zip);
    const int tar = static_cast<int>(Container::tar);
    QTest::addRow("zip") << zip << QStringLiteral("none") << QStringLiteral("store.zip") << true;
    QTest::addRow("tar") << tar << QStringLiteral("none") << QStringLiteral("store.tar") << true;
    QTest::addRow("tar.gz") << tar << QStringLiteral("gzip") << QStringLiteral("store.tar.gz") << true;
    QTest::addRow("tgz") << tar << QStringLiteral("gzip") << QStringLiteral("store.tgz") << true;
    QTest::addRow("tar.xz") << tar << QStringLiteral("xz") << QStringLiteral("store.tar.xz") << true;
    QTest::addRow("tar.zst") << tar << QStringLiteral("zstd") << QStringLiteral("store.tar.zst") << true;
    QTest::addRow("tar.bz2") << tar << QStringLiteral("bzip2") << QStringLiteral("store.tar.bz2") << true;
    QTest::addRow("zip without a top folder") << zip << QStringLiteral("none") << QStringLiteral("flat.zip") << false;
    QTest::addRow("tar.gz named .txt") << tar << QStringLiteral("gzip") << QStringLiteral("store.txt") << true;
    QTest::addRow("zip named .tar.gz") << zip << QStringLiteral("none") << QStringLiteral("store.tar.gz") << true;
}

void TestArchives::importsLikeTheFolder() {
    QFETCH(int, container);
    QFETCH(QString, filter);
    QFETCH(QString, fileName);
    QFETCH(bool, topFolder);
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    writeHandmadeStore(base / "src/mlruns");
    NullImportObserver observer;

    auto folderCache = Cache::open((base / "folder.runlens").string());
    QVERIFY(folderCache.ok());
    QCOMPARE(importers::importSource(*folderCache, base / "src/mlruns", observer).status,
             importers::ImportStatus::imported);

    const fs::path archive = base / fileName.toStdString();
    const auto entries = entriesOf(base / "src/mlruns", topFolder ? "mlruns/" : "");
    if (!writeArchive(archive, static_cast<Container>(container), filter.toUtf8().constData(), entries)) {
        if (filter == QLatin1String("zstd"))
            QSKIP("this libarchive cannot write zstd");
        QFAIL("cannot write the test archive");
    }
    QVERIFY(importers::archive::isArchive(archive));

    auto cache = Cache::open((base / "archive.runlens").string());
    QVERIFY(cache.ok());
    importers::ImportOptions options;
    options.extractTo = base / "tmp";
    fs::create_directories(options.extractTo);
    const auto report = importers::importSource(*cache, archive, observer, options);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("mlflow-filestore"));
    QCOMPARE(report.path, importers::displayPath(fs::canonical(archive)));
    QCOMPARE(report.runsTotal, 3);
    QCOMPARE(runsDigest(*cache), runsDigest(*folderCache));
    QVERIFY(isEmptyFolder(options.extractTo));  // the extraction is gone

    CacheReader reader(*cache);
    auto runs = reader.runs();
    QVERIFY(runs.ok() && !runs->empty());
    QCOMPARE(runs->front().sourcePath, report.path);  // the archive, not the temporary folder

    const auto again = importers::importSource(*cache, archive, observer, options);
    QCOMPARE(again.status, importers::ImportStatus::unchanged);
    QCOMPARE(again.format, std::string("mlflow-filestore"));
    QCOMPARE(again.runsTotal, 3);
}

void TestArchives::tensorboardInsideTarGz() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    writeFile(base / "logs/a/events.out.tfevents.1700000000.host.1.0", tbEvents());
    writeFile(base / "logs/b/train/events.out.tfevents.1700000002.host.2.0", tbEvents());
    NullImportObserver observer;
    auto folderCache = Cache::open((base / "folder.runlens").string());
    const auto folder = importers::importSource(*folderCache, base / "logs", observer);
    QVERIFY2(folder.status == importers::ImportStatus::imported, folder.error ? folder.error->toString().c_str() : "");
    QCOMPARE(folder.format, std::string("tensorboard"));

    QVERIFY(writeArchive(base / "logs.tar.gz", Container::tar, "gzip", entriesOf(base / "logs", "logs/")));
    auto cache = Cache::open((base / "archive.runlens").string());
    const auto report = importers::importSource(*cache, base / "logs.tar.gz", observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("tensorboard"));
    QCOMPARE(report.runsTotal, 2);
    QCOMPARE(report.pointsTotal, folder.pointsTotal);
    QCOMPARE(runsDigest(*cache), runsDigest(*folderCache));
}

void TestArchives::badInputLeavesCacheUnchanged_data() {
    QTest::addColumn<Maker>("make");
    QTest::addColumn<QString>("fileInMessage");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<int>("maxEntries");        // 0: default limit
    QTest::addColumn<qint64>("maxTotalBytes");  // 0: default limit
    const auto tar = Container::tar;
    const auto zip = Container::zip;

    QTest::addRow("truncated tar.gz") << Maker([tar](const fs::path& d) {
        writeArchive(d / "cut.tar.gz", tar, "gzip", storeEntries(d / "scratch"));
        fs::resize_file(d / "cut.tar.gz", fs::file_size(d / "cut.tar.gz") / 2);
        return d / "cut.tar.gz";
    }) << QStringLiteral("cut.tar.gz") << QStringLiteral("damaged or truncated")
                                      << 0 << qint64(0);
    QTest::addRow("truncated zip") << Maker([zip](const fs::path& d) {
        writeArchive(d / "cut.zip", zip, "none", storeEntries(d / "scratch"));
        fs::resize_file(d / "cut.zip", fs::file_size(d / "cut.zip") / 2);
        return d / "cut.zip";
    }) << QStringLiteral("cut.zip") << QStringLiteral("damaged or truncated")
                                   << 0 << qint64(0);
    QTest::addRow("text file named .zip") << Maker([](const fs::path& d) {
        writeFile(d / "notes.zip", "these are my notes, not an archive\n");
        return d / "notes.zip";
    }) << QStringLiteral("notes.zip") << QStringLiteral("the content is not an archive")
                                          << 0 << qint64(0);
    QTest::addRow("empty file named .tar.gz") << Maker([](const fs::path& d) {
        writeFile(d / "empty.tar.gz", "");
        return d / "empty.tar.gz";
    }) << QStringLiteral("empty.tar.gz") << QStringLiteral("the file is empty")
                                              << 0 << qint64(0);
    QTest::addRow("zip with ../evil") << Maker([zip](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::file, "../evil", "pwned"});
        writeArchive(d / "dotdot.zip", zip, "none", entries);
        return d / "dotdot.zip";
    }) << QStringLiteral("dotdot.zip, entry '../evil'")
                                      << QStringLiteral("'..' component") << 0 << qint64(0);
    QTest::addRow("absolute path") << Maker([tar](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::file, (d / "absolute-evil").string(), "pwned"});
        writeArchive(d / "absolute.tar", tar, "none", entries);
        return d / "absolute.tar";
    }) << QStringLiteral("absolute.tar")
                                   << QStringLiteral("is an absolute path") << 0 << qint64(0);
    QTest::addRow("symlink escaping") << Maker([tar](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::symlink, "mlruns/0/escape", "../../../../etc"});
        writeArchive(d / "symlink.tar.gz", tar, "gzip", entries);
        return d / "symlink.tar.gz";
    }) << QStringLiteral("symlink.tar.gz, entry 'mlruns/0/escape'")
                                      << QStringLiteral("symlink target '../../../../etc' leaves the extraction root")
                                      << 0 << qint64(0);
    QTest::addRow("symlink with an absolute target") << Maker([zip](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::symlink, "mlruns/passwd", "/etc/passwd"});
        writeArchive(d / "abslink.zip", zip, "none", entries);
        return d / "abslink.zip";
    }) << QStringLiteral("abslink.zip") << QStringLiteral("is an absolute path")
                                                     << 0 << qint64(0);
    // Each link is inside when written; together they point above the root.
    QTest::addRow("symlink chain escaping") << Maker([tar](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::symlink, "d", "p/q/../.."});
        entries.push_back({Entry::dir, "q", {}});
        entries.push_back({Entry::symlink, "p", "."});
        writeArchive(d / "chain.tar", tar, "none", entries);
        return d / "chain.tar";
    }) << QStringLiteral("chain.tar, entry 'd'")
                                            << QStringLiteral("resolves outside the extraction root") << 0 << qint64(0);
    QTest::addRow("entry written through a symlink") << Maker([tar](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::symlink, "s", "mlruns"});
        entries.push_back({Entry::file, "s/0/x", "through"});
        writeArchive(d / "through.tar", tar, "none", entries);
        return d / "through.tar";
    }) << QStringLiteral("through.tar, entry 's/0/x'")
                                                     << QStringLiteral("through the symlink 's'") << 0 << qint64(0);
    QTest::addRow("hard link escaping") << Maker([tar](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::hardlink, "mlruns/passwd", "../../etc/passwd"});
        writeArchive(d / "hardlink.tar", tar, "none", entries);
        return d / "hardlink.tar";
    }) << QStringLiteral("hardlink.tar, entry 'mlruns/passwd'")
                                        << QStringLiteral("hard link target '../../etc/passwd'") << 0 << qint64(0);
    QTest::addRow("hard link to a symlink") << Maker([tar](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::symlink, "mlruns/0/up", ".."});
        entries.push_back({Entry::hardlink, "up", "mlruns/0/up"});
        writeArchive(d / "hardsym.tar", tar, "none", entries);
        return d / "hardsym.tar";
    }) << QStringLiteral("hardsym.tar, entry 'up'")
                                            << QStringLiteral("is a symlink") << 0 << qint64(0);
    QTest::addRow("character device") << Maker([tar](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::chardev, "mlruns/null", {}});
        writeArchive(d / "device.tar", tar, "none", entries);
        return d / "device.tar";
    }) << QStringLiteral("device.tar, entry 'mlruns/null'")
                                      << QStringLiteral("character device") << 0 << qint64(0);
    QTest::addRow("FIFO") << Maker([tar](const fs::path& d) {
        auto entries = storeEntries(d / "scratch");
        entries.push_back({Entry::fifo, "mlruns/pipe", {}});
        writeArchive(d / "fifo.tar.xz", tar, "xz", entries);
        return d / "fifo.tar.xz";
    }) << QStringLiteral("fifo.tar.xz, entry 'mlruns/pipe'")
                          << QStringLiteral("a FIFO") << 0 << qint64(0);
    QTest::addRow("zip bomb (1 GiB of zeros)") << Maker([](const fs::path& d) {
        writeZipBomb(d / "bomb.zip", std::int64_t{1} << 30);
        return d / "bomb.zip";
    }) << QStringLiteral("bomb.zip, entry 'mlruns/zeros'")
                                               << QStringLiteral("compression ratio exceeds 200:1") << 0 << qint64(0);
    QTest::addRow("too many entries") << Maker([zip](const fs::path& d) {
        writeArchive(d / "many.zip", zip, "none", storeEntries(d / "scratch"));
        return d / "many.zip";
    }) << QStringLiteral("many.zip") << QStringLiteral("more than 10 entries (limit on the entry count)")
                                      << 10 << qint64(0);
    QTest::addRow("too large in total") << Maker([tar](const fs::path& d) {
        writeArchive(d / "large.tar", tar, "none", storeEntries(d / "scratch"));
        return d / "large.tar";
    }) << QStringLiteral("large.tar") << QStringLiteral("more than 1024 bytes (limit on the total uncompressed size)")
                                        << 0 << qint64(1024);
    QTest::addRow("no store inside") << Maker([zip](const fs::path& d) {
        writeArchive(d / "notes.zip", zip, "none", {{Entry::file, "notes/readme.txt", "hello"}});
        return d / "notes.zip";
    }) << QStringLiteral("notes.zip") << QStringLiteral("holds no recognised tracker store")
                                     << 0 << qint64(0);
    // An error inside the store names the archive and the path inside it, never the temporary folder.
    QTest::addRow("damaged store inside") << Maker([zip](const fs::path& d) {
        writeHandmadeStore(d / "scratch/mlruns");
        writeFile(d / "scratch/mlruns/0" / test::runA / "metrics/acc", "1700000000000 abc 0\n");
        writeArchive(d / "damaged.zip", zip, "none", entriesOf(d / "scratch/mlruns", "mlruns/"));
        return d / "damaged.zip";
    }) << QStringLiteral("damaged.zip/mlruns/0/") + QString::fromLatin1(test::runA) + QStringLiteral("/metrics/acc")
                                          << QStringLiteral("'abc' is not a number") << 0 << qint64(0);
}

void TestArchives::badInputLeavesCacheUnchanged() {
    QFETCH(Maker, make);
    QFETCH(QString, fileInMessage);
    QFETCH(QString, reason);
    QFETCH(int, maxEntries);
    QFETCH(qint64, maxTotalBytes);

    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    auto cache = Cache::open((base / "c.runlens").string());
    QVERIFY(cache.ok());
    NullImportObserver observer;
    // The cache already holds another source.
    writeHandmadeStore(base / "other/mlruns");
    QCOMPARE(importers::importSource(*cache, base / "other/mlruns", observer).status,
             importers::ImportStatus::imported);
    const std::string before = cacheSnapshot(*cache);

    fs::create_directories(base / "in");
    const fs::path archive = make(base / "in");
    QVERIFY(fs::exists(archive));
    importers::ImportOptions options;
    options.extractTo = base / "tmp/x";  // "../evil" would land in tmp/
    fs::create_directories(options.extractTo);
    if (maxEntries)
        options.archiveLimits.maxEntries = maxEntries;
    if (maxTotalBytes)
        options.archiveLimits.maxTotalBytes = maxTotalBytes;
    const auto report = importers::importSource(*cache, archive, observer, options);
    QCOMPARE(report.status, importers::ImportStatus::failed);
    QVERIFY(report.error.has_value());
    const QString message = QString::fromStdString(report.error->toString());
    QVERIFY2(message.contains(fileInMessage), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("runlens-archive-")), qPrintable(message));
    QCOMPARE(cacheSnapshot(*cache), before);
    // Nothing was left behind or written outside the extraction root.
    QVERIFY(isEmptyFolder(options.extractTo));
    QCOMPARE(std::distance(fs::directory_iterator(base / "tmp"), fs::directory_iterator()), 1);
    QVERIFY(!fs::exists(base / "in/absolute-evil"));
}

void TestArchives::reimport() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    const fs::path archive = base / "store.tar.gz";
    QVERIFY(writeArchive(archive, Container::tar, "gzip", storeEntries(base / "scratch")));
    auto cache = Cache::open((base / "c.runlens").string());
    NullImportObserver observer;
    QCOMPARE(importers::importSource(*cache, archive, observer).status, importers::ImportStatus::imported);
    CacheReader reader(*cache);
    const auto idOfA = reader.findRuns(test::runA)->front().id;

    // A changed archive (here: written again) is extracted again and every run re-read; ids stay.
    QVERIFY(writeArchive(archive, Container::tar, "gzip", storeEntries(base / "scratch")));
    const auto changed = importers::importSource(*cache, archive, observer);
    QCOMPARE(changed.status, importers::ImportStatus::imported);
    QCOMPARE(changed.runsTotal, 3);
    QCOMPARE(reader.findRuns(test::runA)->front().id, idOfA);

    importers::ImportOptions force;
    force.force = true;
    const auto forced = importers::importSource(*cache, archive, observer, force);
    QCOMPARE(forced.status, importers::ImportStatus::imported);
    QCOMPARE(forced.runsWritten, 3);
}

void TestArchives::cancelLeavesCacheUnchanged() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    const fs::path archive = base / "store.zip";
    QVERIFY(writeArchive(archive, Container::zip, "none", storeEntries(base / "scratch")));
    auto cache = Cache::open((base / "c.runlens").string());
    const std::string before = cacheSnapshot(*cache);
    importers::ImportOptions options;
    options.extractTo = base / "tmp";
    fs::create_directories(options.extractTo);
    for (int cancelAfter : {0, 1}) {
        test::RecordingObserver observer;
        observer.cancelAfter = cancelAfter;
        const auto report = importers::importSource(*cache, archive, observer, options);
        QCOMPARE(report.status, importers::ImportStatus::cancelled);
        QCOMPARE(cacheSnapshot(*cache), before);
        QVERIFY(isEmptyFolder(options.extractTo));
    }
}

void TestArchives::progressNamesTheStage() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    const fs::path archive = base / "store.tar.xz";
    QVERIFY(writeArchive(archive, Container::tar, "xz", storeEntries(base / "scratch")));
    auto cache = Cache::open((base / "c.runlens").string());
    StageObserver observer;
    QCOMPARE(importers::importSource(*cache, archive, observer).status, importers::ImportStatus::imported);
    QVERIFY(observer.stages.count("extracting archive"));
    const auto [done, total] = observer.stages.at("extracting archive");
    QCOMPARE(total, static_cast<std::int64_t>(fs::file_size(archive)));
    QVERIFY(done > 0 && done <= total);
}

QTEST_GUILESS_MAIN(TestArchives)
#include "tst_archives.moc"
