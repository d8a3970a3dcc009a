// SPDX-License-Identifier: MIT
// Imports offline runs written by the real wandb client and checks that RunLens holds, point for point, what
// W&B's own reader (wandb.sdk.internal.datastore.DataStore + the Record protobuf, via tests/tools/wandb_dump.py)
// reports for them. The ctest fixture interop_wandb_runs writes the runs and the dump into RUNLENS_INTEROP_DIR.
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "importrunner.h"
#include "testsupport.h"
#include "wandb/wandbjson.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

using namespace runlens;
using json = nlohmann::json;

namespace {

std::filesystem::path interopDir() {
    const QByteArray dir = qgetenv("RUNLENS_INTEROP_DIR");
    return dir.isEmpty() ? test::binaryDir() / "tests" / "interop" / "wandb" : std::filesystem::path(dir.toStdString());
}

double number(const json& v) {
    if (v.is_number())
        return v.get<double>();
    const std::string s = v.is_string() ? v.get<std::string>() : std::string();
    if (s == "NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity")
        return std::numeric_limits<double>::infinity();
    if (s == "-Infinity")
        return -std::numeric_limits<double>::infinity();
    throw std::runtime_error("not a number in the dump: " + v.dump());
}

bool sameValue(double a, double b) {
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

}  // namespace

class TestWandbInterop : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyPointMatchesWandbsReader();

private:
    json m_dump;
};

void TestWandbInterop::initTestCase() {
    const auto dir = interopDir();
    if (std::filesystem::exists(dir / "SKIPPED")) {
        std::ifstream in(dir / "SKIPPED");
        std::string why((std::istreambuf_iterator<char>(in)), {});
        QSKIP(qPrintable(QStringLiteral("interop fixtures skipped: %1").arg(QString::fromStdString(why).trimmed())));
    }
    if (!std::filesystem::exists(dir / "dump.json"))
        QFAIL("dump.json missing; run the interop_wandb_runs fixture (ctest -L interop)");
    std::ifstream in(dir / "dump.json");
    m_dump = json::parse(in);
}

void TestWandbInterop::everyPointMatchesWandbsReader() {
    const auto dir = interopDir();
    QTemporaryDir tmp;
    auto cache = Cache::open(tmp.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    const auto report = importers::importSource(*cache, dir / "wandb", observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("wandb"));
    QVERIFY(observer.warnings.empty());

    const auto& runs = m_dump.at("runs");
    QCOMPARE(report.runsTotal, static_cast<std::int64_t>(runs.size()));
    QVERIFY(runs.contains("dense001") && runs.at("dense001").at("series").at("train/loss").size() == 10000);
    CacheReader reader(*cache);
    std::int64_t expectedPoints = 0;
    for (const auto& [runId, expected] : runs.items()) {
        auto found = reader.findRuns(runId);
        QVERIFY(found.ok());
        QCOMPARE(found->size(), 1u);
        const RunRow& row = found->front();
        const auto& code = expected.at("exit_code");
        QCOMPARE(row.run.status, std::string(code.is_number() && code.get<int>() == 0 ? "FINISHED" : "FAILED"));

        // Series: same keys, and for each the same steps and bit-identical values in the same order.
        std::set<std::string> keys;
        for (const auto& m : row.metrics)
            keys.insert(m.key);
        std::set<std::string> expectedKeys;
        for (const auto& [key, points] : expected.at("series").items())
            expectedKeys.insert(key);
        QCOMPARE(keys, expectedKeys);
        for (const auto& [key, points] : expected.at("series").items()) {
            auto series = reader.series(row.id, key);
            QVERIFY(series.ok());
            QCOMPARE(series->size(), points.size());
            expectedPoints += static_cast<std::int64_t>(points.size());
            for (std::size_t i = 0; i < points.size(); ++i) {
                const auto step = points[i][0].get<std::int64_t>();
                const double value = number(points[i][1]);
                if ((*series)[i].step != step || !sameValue((*series)[i].value, value)) {
                    std::ostringstream why;
                    why.precision(17);
                    why << runId << " " << key << " point " << i << ": expected (" << step << ", " << value
                        << "), got (" << (*series)[i].step << ", " << (*series)[i].value << ")";
                    QFAIL(why.str().c_str());
                }
            }
        }
        // Params: the config as W&B's reader flattens it, values as JSON text (strings bare).
        for (const auto& [key, value] : expected.at("config").items()) {
            bool seen = false;
            for (const auto& [k, v] : row.params) {
                if (k == key) {
                    seen = true;
                    QCOMPARE(v, importers::wandb::valueText(value));
                }
            }
            QVERIFY2(seen, key.c_str());
        }
    }
    QCOMPARE(report.pointsTotal, expectedPoints);

    auto dense = reader.findRuns("dense001");
    QVERIFY(dense.ok() && dense->size() == 1);
    QCOMPARE(dense->front().run.name, std::string("dense"));
    QCOMPARE(dense->front().experimentName, std::string("runlens/interop"));
    bool taggedGroup = false;
    for (const auto& [k, v] : dense->front().tags)
        taggedGroup = taggedGroup || (k == "wandb.group" && v == "g1");
    QVERIFY(taggedGroup);
}

QTEST_GUILESS_MAIN(TestWandbInterop)
#include "tst_wandb_interop.moc"
