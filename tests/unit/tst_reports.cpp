// SPDX-License-Identifier: MIT
// Imported third-party reports: the normalisers (models/reports), the importer and the loader that rebuilds the
// documents from the cache. Expected counts come from an independent look at the files: Qt's JSON parser where
// the files are strict JSON, and otherwise figures read once with Python's json module (quoted in comments).
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cli/cli.h"
#include "importrunner.h"
#include "registry.h"
#include "reports/reportformats.h"
#include "reports/reportjson.h"
#include "reports/reportloader.h"
#include "reports/reportsimporter.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace runlens;
using nlohmann::json;

namespace {

const fs::path& driftCases() {
    static const fs::path dir = test::corpusDir() / "drift-validation";
    return dir;
}

std::string slurp(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Result<reports::Normalised> normaliseOne(const fs::path& file) {
    return reports::normaliseFiles({{file.string(), slurp(file)}});
}

const json* columnNamed(const json& drift, const std::string& name) {
    for (const auto& c : drift["columns"])
        if (c["column"] == name)
            return &c;
    return nullptr;
}

double metricOf(const test::CapturingSink::Run& run, const std::string& key) {
    auto it = run.metrics.find(key);
    return it == run.metrics.end() || it->second.empty() ? std::nan("") : it->second.front().value;
}

// GE validation results counted with Qt's JSON parser: file -> (success, evaluated, successful).
struct GeCount {
    bool success = false;
    int evaluated = 0;
    int failedChecks = 0;
};
std::map<std::string, GeCount> countGreatExpectations(const fs::path& root) {
    std::map<std::string, GeCount> out;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json" ||
            entry.path().generic_string().find("/validations/") == std::string::npos)
            continue;
        QFile f(QString::fromStdString(entry.path().string()));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        GeCount c;
        c.success = o.value(QLatin1String("success")).toBool();
        const QJsonArray results = o.value(QLatin1String("results")).toArray();
        c.evaluated = static_cast<int>(results.size());
        for (const auto& r : results)
            c.failedChecks += r.toObject().value(QLatin1String("success")).toBool() ? 0 : 1;
        out[entry.path().lexically_relative(root).generic_string()] = c;
    }
    return out;
}

}  // namespace

class TestReports : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lenientJsonAndDoubleEncoding();
    void badJsonNamesFileAndPosition();
    void wrongTypesNameTheJsonPath_data();
    void wrongTypesNameTheJsonPath();
    void truncatedTfdvTextProtoNamesTheFile();
    void times();
    void evidentlyLegacyReportsAcrossVersions_data();
    void evidentlyLegacyReportsAcrossVersions();
    void evidentlyWorkspaceSnapshots();
    void greatExpectations012();
    void greatExpectationsValidationsOverTime();
    void greatExpectations1xFieldNames();
    void sageMakerBaselineCheckedAgainstStatistics();
    void sageMakerViolations();
    void tfxPipelineRoot();
    void validationDocumentsInFull_data();
    void validationDocumentsInFull();
    void loaderRebuildsDocumentsFromTheCache();
    void damagedReportLeavesCacheUnchanged();
    void commandLine();
};

void TestReports::lenientJsonAndDoubleEncoding() {
    auto parsed = reports::parseReportJson(R"({"a": NaN, "b": [Infinity, -Infinity], "c": "NaN in text"})", "x.json");
    QVERIFY(parsed.ok());
    QVERIFY(std::isnan(*reports::numberOf((*parsed)["a"])));
    QCOMPARE(*reports::numberOf((*parsed)["b"][0]), std::numeric_limits<double>::infinity());
    QCOMPARE(*reports::numberOf((*parsed)["b"][1]), -std::numeric_limits<double>::infinity());
    QCOMPARE((*parsed)["c"].get<std::string>(), std::string("NaN in text"));
    // A document serialised to a string and that string written as JSON.
    auto twice = reports::parseReportJson(R"("{\"version\": \"0.4.15\", \"metrics\": []}")", "y.json");
    QVERIFY(twice.ok());
    QCOMPARE((*twice)["version"].get<std::string>(), std::string("0.4.15"));
    // A plain string that is not JSON stays a string.
    auto plain = reports::parseReportJson(R"("hello")", "z.json");
    QVERIFY(plain.ok());
    QVERIFY(plain->is_string());
}

void TestReports::badJsonNamesFileAndPosition() {
    auto empty = reports::parseReportJson("  \n", "/data/empty.json");
    QVERIFY(!empty.ok());
    QCOMPARE(empty.error().file, std::string("/data/empty.json"));
    QVERIFY(empty.error().message.find("empty") != std::string::npos);

    auto truncated = reports::parseReportJson("{\"success\": true,\n \"results\": [{\"a\": NaN", "/data/cut.json");
    QVERIFY(!truncated.ok());
    QCOMPARE(truncated.error().file, std::string("/data/cut.json"));
    QVERIFY2(truncated.error().position.starts_with("line 2"), truncated.error().position.c_str());
    QVERIFY(truncated.error().message.find("ends too early") != std::string::npos);

    // Positions are those of the original text, not of the rewritten NaN tokens.
    auto bad = reports::parseReportJson("[NaN, NaN, x]", "/data/bad.json");
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().position, std::string("line 1, column 12"));

    auto badInner = reports::parseReportJson(R"("{\"version\": ")", "/data/inner.json");
    QVERIFY(!badInner.ok());
    QVERIFY2(badInner.error().position.starts_with("inside the JSON string"), badInner.error().position.c_str());

    auto emptyFile = reports::normaliseFiles({{"/data/empty.json", ""}});
    QVERIFY(!emptyFile.ok());
    QCOMPARE(emptyFile.error().file, std::string("/data/empty.json"));
}

void TestReports::wrongTypesNameTheJsonPath_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("position");
    QTest::addColumn<QString>("message");
    QTest::newRow("GE success not a boolean")
        << QStringLiteral("/v/ge.json")
        << QStringLiteral(R"({"success": "yes", "results": [], "statistics": {}, "meta": {}})")
        << QStringLiteral("success") << QStringLiteral("expected true or false");
    QTest::newRow("GE expectation without its type")
        << QStringLiteral("/v/ge2.json") << QStringLiteral(R"({"success": true, "statistics": {}, "meta": {},
        "results": [{"success": true, "expectation_config": {"kwargs": {}}, "result": {}}]})")
        << QStringLiteral("results[0].expectation_config")
        << QStringLiteral("the expectation has neither expectation_type nor type");
    QTest::newRow("Evidently drift score a string")
        << QStringLiteral("/r/report.json")
        << QStringLiteral(R"({"version": "0.4.15", "timestamp": "2024-02-12 21:51:58", "metrics": [
        {"metric": "DataDriftTable", "result": {"number_of_columns": 1, "number_of_drifted_columns": 0,
         "dataset_drift": false, "drift_by_columns": {"age": {"column_name": "age", "column_type": "num",
         "stattest_name": "K-S p_value", "stattest_threshold": 0.05, "drift_score": "high",
         "drift_detected": false}}}}]})")
        << QStringLiteral("metrics[0].result.drift_by_columns.age.drift_score")
        << QStringLiteral("expected a number, found a string");
    QTest::newRow("SageMaker check type a number")
        << QStringLiteral("/m/constraint_violations.json")
        << QStringLiteral(R"({"violations": [{"feature_name": "a", "constraint_check_type": 3}]})")
        << QStringLiteral("violations[0].constraint_check_type") << QStringLiteral("expected a string, found a number");
}

void TestReports::wrongTypesNameTheJsonPath() {
    QFETCH(QString, file);
    QFETCH(QString, text);
    QFETCH(QString, position);
    QFETCH(QString, message);
    auto n = reports::normaliseFiles({{file.toStdString(), text.toStdString()}});
    QVERIFY(!n.ok());
    QCOMPARE(QString::fromStdString(n.error().file), file);
    QCOMPARE(QString::fromStdString(n.error().position), position);
    QVERIFY2(n.error().message.find(message.toStdString()) != std::string::npos, n.error().toString().c_str());
}

void TestReports::truncatedTfdvTextProtoNamesTheFile() {
    auto e = reports::tfdvAnomaliesDocument("baseline {\n  feature {\n    name: \"age\"\n", "/t/anomalies.pbtxt", "");
    QVERIFY(!e.ok());
    QCOMPARE(e.error().file, std::string("/t/anomalies.pbtxt"));
    QVERIFY(e.error().message.find("not closed") != std::string::npos);
}

void TestReports::times() {
    QCOMPARE(reports::parseTimeMs("2024-02-12 21:51:58.081312").value(), std::int64_t(1707774718081));
    QCOMPARE(reports::parseTimeMs("20220323T051302.534345Z").value(), std::int64_t(1648012382534));
    QCOMPARE(reports::parseTimeMs("2022-03-23T16:13:02.474476+11:00").value(), std::int64_t(1648012382474));
    QCOMPARE(reports::parseTimeMs("2023-01-30T00:00:00").value(), std::int64_t(1675036800000));
    QVERIFY(!reports::parseTimeMs("yesterday"));
    QCOMPARE(reports::isoTime(1648012382534), std::string("2022-03-23T05:13:02.534Z"));
}

void TestReports::evidentlyLegacyReportsAcrossVersions_data() {
    // The same data drift report written by two Evidently versions; the report's own timestamp (UTC).
    QTest::addColumn<QString>("file");
    QTest::addColumn<qint64>("timeMs");
    QTest::newRow("0.4.15, double-encoded")
        << QStringLiteral("evidently-0.4.15-double-encoded-report/data_drift_report.json") << qint64(1707774718081);
    QTest::newRow("0.5") << QStringLiteral("evidently-0.5-report-and-ui-workspace-snapshots/data_drift_report.json")
                         << qint64(1734264576555);
}

void TestReports::evidentlyLegacyReportsAcrossVersions() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(QString, file);
    QFETCH(qint64, timeMs);
    // Python's json: 15 columns, 5 drifted (age, education-num, education, native-country, occupation), no
    // dataset drift; Wasserstein (normed) for numeric columns, Jensen-Shannon for categorical ones.
    auto n = normaliseOne(driftCases() / file.toStdString());
    QVERIFY2(n.ok(), n.ok() ? "" : n.error().toString().c_str());
    QCOMPARE(n->reportType, std::string(reports::report_type::evidentlyDrift));
    QCOMPARE(n->drift.size(), std::size_t(1));
    const json& d = n->drift.front();
    QCOMPARE(d["verdict"].get<std::string>(), std::string("no_drift"));
    QCOMPARE(d["columns_total"].get<int>(), 15);
    QCOMPARE(d["columns_drifted"].get<int>(), 5);
    QCOMPARE(d["columns"].size(), std::size_t(15));
    QCOMPARE(d["share_drifted"].get<double>(), 5.0 / 15.0);
    int drifted = 0;
    for (const auto& c : d["columns"])
        drifted += c["drift"].get<bool>() ? 1 : 0;
    QCOMPARE(drifted, 5);
    const json* age = columnNamed(d, "age");
    QVERIFY(age);
    QCOMPARE((*age)["type"].get<std::string>(), std::string("numeric"));
    QCOMPARE((*age)["test"].get<std::string>(), std::string("wasserstein"));
    QCOMPARE((*age)["statistic"].get<double>(), 0.18534692319042428);
    QVERIFY((*age)["p_value"].is_null());
    QCOMPARE((*age)["threshold"].get<double>(), 0.1);
    QCOMPARE((*age)["histogram"]["edges"].size(), std::size_t(11));
    QCOMPARE((*age)["histogram"]["reference"].size(), std::size_t(10));
    // capital-loss is binned over each side's own range: no shared edges.
    const json* loss = columnNamed(d, "capital-loss");
    QVERIFY(loss && !loss->contains("histogram") && loss->contains("histograms"));
    const json* workclass = columnNamed(d, "workclass");
    QVERIFY(workclass);
    QCOMPARE((*workclass)["test"].get<std::string>(), std::string("jensen_shannon"));
    QCOMPARE((*workclass)["categories"]["names"].size(), std::size_t(8));
    QCOMPARE((*workclass)["categories"]["names"][3].get<std::string>(), std::string("Private"));
    QCOMPARE((*workclass)["categories"]["reference"][3].get<double>(), 9386.0);
    QCOMPARE((*workclass)["categories"]["current"][3].get<double>(), 24520.0);
    auto metric = [&](const std::string& key) {
        for (const auto& [k, v] : n->metrics)
            if (k == key)
                return v;
        return std::nan("");
    };
    QCOMPARE(metric("drift.columns_drifted"), 5.0);
    QCOMPARE(metric("drift.share_of_drifted_columns"), 5.0 / 15.0);
    QCOMPARE(n->timeMs.value(), std::int64_t{timeMs});
}

void TestReports::evidentlyWorkspaceSnapshots() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path caseDir = driftCases() / "evidently-0.5-report-and-ui-workspace-snapshots";
    importers::ReportsImporter importer;
    QCOMPARE(importer.sniff(caseDir), 80);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importer.run(caseDir, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    // One Report.json, 5 Bikes snapshots, 3 classification snapshots.
    QCOMPARE(sink.runs.size(), std::size_t(9));
    std::map<std::string, std::string> experiments;
    for (const auto& e : sink.experiments)
        experiments[e.externalId] = e.name;
    QCOMPARE(experiments["workspace/0193ca06-f5dd-784c-bd7e-50025e0712d1"], std::string("Demo project - Bikes"));
    QCOMPARE(experiments["datascientest-workspace/0193caf1-91bb-7323-8f99-558ae1d6939b"],
             std::string("classification_model_monitoring"));

    // Python's json: the DataDriftTestPreset snapshots hold a DataDriftTable of 11 columns (3 drifted) and 12
    // tests of which 9 succeed (workingday, hum and weekday fail); metric snapshots a DatasetDriftMetric.
    const auto* tests = sink.findRun(
        "workspace/0193ca06-f5dd-784c-bd7e-50025e0712d1/snapshots/0193ca07-019d-7ce3-9225-5dc3f5cc3aab.json");
    QVERIFY(tests);
    QCOMPARE(tests->tags.at(reports::reportTypeTag), std::string(reports::report_type::evidentlyDrift));
    QCOMPARE(tests->record.startMs.value(), std::int64_t(1675036800000));
    QCOMPARE(metricOf(*tests, "drift.columns_total"), 11.0);
    QCOMPARE(metricOf(*tests, "drift.columns_drifted"), 3.0);
    QCOMPARE(metricOf(*tests, "validation.evaluated"), 12.0);
    QCOMPARE(metricOf(*tests, "validation.unsuccessful"), 3.0);
    QCOMPARE(tests->artifacts.size(), std::size_t(1));
    QVERIFY(tests->artifacts.front().content.has_value());
    auto n = reports::normaliseFiles({{"snapshot.json", *tests->artifacts.front().content}});
    QVERIFY(n.ok());
    QCOMPARE(n->drift.front()["columns"].size(), std::size_t(11));
    const json& v = n->validation.front();
    QCOMPARE(v["suite"].get<std::string>(), std::string("DataDriftTestPreset"));
    QCOMPARE(v["results"].size(), std::size_t(12));
    int failed = 0;
    for (const auto& r : v["results"])
        if (!r["success"].get<bool>()) {
            ++failed;
            QVERIFY(r["column"] == "workingday" || r["column"] == "hum" || r["column"] == "weekday");
        }
    QCOMPARE(failed, 3);

    const auto* daily = sink.findRun(
        "workspace/0193ca06-f5dd-784c-bd7e-50025e0712d1/snapshots/0193ca07-05fe-749b-b116-cad19c41666f.json");
    QVERIFY(daily);
    QCOMPARE(metricOf(*daily, "drift.columns_drifted"), 6.0);  // DatasetDriftMetric: 6 of 11, dataset drift
    QCOMPARE(metricOf(*daily, "drift.dataset_drift"), 1.0);
    QVERIFY(!std::isnan(metricOf(*daily, "regression.rmse")));
    auto dailyDocs = reports::normaliseFiles({{"daily.json", *daily->artifacts.front().content}});
    QVERIFY(dailyDocs.ok());
    // DatasetSummaryMetric, read with Python's json: 25 current rows, 669 reference rows.
    QCOMPARE(dailyDocs->drift.front()["current"]["rows"].get<int>(), 25);
    QCOMPARE(dailyDocs->drift.front()["reference"]["rows"].get<int>(), 669);

    // Python's json: current accuracy 0.98, 0.92, 0.96 in file-name order.
    const auto* first = sink.findRun("datascientest-workspace/0193caf1-91bb-7323-8f99-558ae1d6939b/snapshots/"
                                     "0193caf1-903f-7dfc-a4ce-26a05b8e39eb.json");
    QVERIFY(first);
    QCOMPARE(first->tags.at(reports::reportTypeTag), std::string(reports::report_type::evidentlyClassification));
    QCOMPARE(metricOf(*first, "classification.accuracy"), 0.98);
    QCOMPARE(first->record.experimentExternalId,
             std::string("datascientest-workspace/0193caf1-91bb-7323-8f99-558ae1d6939b"));
}

void TestReports::greatExpectations012() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path caseDir = driftCases() / "great-expectations-0.12-v2-api-kl-divergence";
    const auto counted = countGreatExpectations(caseDir);
    QCOMPARE(counted.size(), std::size_t(1));
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importers::ReportsImporter().run(caseDir, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), std::size_t(1));
    const auto& run = sink.runs.front();
    QCOMPARE(run.record.experimentExternalId,
             std::string("great_expectations/uncommitted/validations/pandas_penguins_data"));
    QCOMPARE(sink.experiments.front().name, std::string("pandas_penguins_data"));
    QCOMPARE(run.record.startMs.value(), std::int64_t(1599551434746));  // validation_time
    QCOMPARE(metricOf(run, "validation.evaluated"), double(counted.begin()->second.evaluated));
    QCOMPARE(metricOf(run, "validation.success_percent"), 100.0);
    QCOMPARE(run.params.at("ge.great_expectations_version"), std::string("0.12.1"));
    auto n = reports::normaliseFiles({{"r.json", *run.artifacts.front().content}});
    QVERIFY(n.ok());
    const json& v = n->validation.front();
    QCOMPARE(v["suite"].get<std::string>(), std::string("pandas_penguins_data"));
    QCOMPARE(v["results"].size(), std::size_t(14));
    QCOMPARE(v["results"][0]["check"].get<std::string>(), std::string("expect_table_row_count_to_be_between"));
    QCOMPARE(v["results"][0]["observed"].get<std::string>(), std::string("344"));
    QVERIFY(v["results"][0]["column"].is_null());
    QCOMPARE(v["results"][3]["column"].get<std::string>(), std::string("studyName"));
    QCOMPARE(v["results"][3]["observed"].get<std::string>(), std::string("0 unexpected of 344 (0%)"));
    // The KL-divergence expectation keeps its partitions in details for plotting.
    QVERIFY(v["results"][5]["details"]["result"]["details"].contains("observed_partition"));
}

void TestReports::greatExpectationsValidationsOverTime() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path caseDir = driftCases() / "great-expectations-0.14-validations-over-time";
    const auto counted = countGreatExpectations(caseDir);
    QCOMPARE(counted.size(), std::size_t(32));
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importers::ReportsImporter().run(caseDir, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), counted.size());
    QCOMPARE(sink.experiments.size(), std::size_t(1));
    QCOMPARE(sink.experiments.front().name, std::string("flowers-testing-suite"));
    int succeeded = 0;
    for (const auto& run : sink.runs) {
        const auto it = counted.find(run.record.externalId);
        QVERIFY2(it != counted.end(), run.record.externalId.c_str());
        QCOMPARE(run.tags.at(reports::reportTypeTag), std::string("great_expectations"));
        QCOMPARE(metricOf(run, "validation.success"), it->second.success ? 1.0 : 0.0);
        QCOMPARE(metricOf(run, "validation.evaluated"), double(it->second.evaluated));
        QCOMPARE(metricOf(run, "validation.unsuccessful"), double(it->second.failedChecks));
        QVERIFY(run.record.startMs.has_value());
        succeeded += it->second.success ? 1 : 0;
    }
    QCOMPARE(succeeded, 21);
    // Runs without a run name sit under __none__; the run is named after the file then.
    const auto* unnamed = sink.findRun("great_expectations/uncommitted/validations/flowers-testing-suite/__none__/"
                                       "20220323T154111.399464Z/e1fbab5e562b246627f315bba8f2e2c5.json");
    QVERIFY(unnamed);
    QCOMPARE(unnamed->record.name, std::string("e1fbab5e562b246627f315bba8f2e2c5"));
    // The start time is validation_time (real UTC), not run_time (local time labelled +00:00).
    const auto* failing = sink.findRun("great_expectations/uncommitted/validations/flowers-testing-suite/"
                                       "20220323-161302-flower-power/20220323T161302.474476Z/"
                                       "59b121deea2a244c85e029fac98a9341.json");
    QVERIFY(failing);
    QCOMPARE(failing->record.startMs.value(), std::int64_t(1648012382534));
    QCOMPARE(failing->record.name, std::string("20220323-161302-flower-power"));
    auto n = reports::normaliseFiles({{"r.json", *failing->artifacts.front().content}});
    QVERIFY(n.ok());
    int failed = 0;
    for (const auto& r : n->validation.front()["results"])
        if (!r["success"].get<bool>()) {
            ++failed;
            QCOMPARE(r["check"].get<std::string>(), std::string("expect_column_values_to_be_in_set"));
            QCOMPARE(r["column"].get<std::string>(), std::string("petal length (cm)"));
            QVERIFY2(r["observed"].get<std::string>().find("-1") != std::string::npos,
                     r["observed"].get<std::string>().c_str());
        }
    QCOMPARE(failed, 1);
}

void TestReports::greatExpectations1xFieldNames() {
    // GE 1.x names the expectation "type" and the suite "suite_name"; success_percent may be null.
    const std::string text = R"({"success": false, "suite_name": "orders", "id": "abc",
        "statistics": {"evaluated_expectations": 2, "successful_expectations": 1, "unsuccessful_expectations": 1,
                       "success_percent": null},
        "meta": {"validation_time": "2025-01-02T03:04:05.000000+00:00"},
        "results": [
          {"success": true, "expectation_config": {"type": "expect_column_to_exist", "kwargs": {"column": "id"}},
           "result": {}},
          {"success": false, "expectation_config": {"type": "expect_column_pair_values_to_be_equal",
             "kwargs": {"column_A": "a", "column_B": "b"}},
           "result": {}, "exception_info": {"raised_exception": true, "exception_message": "no column b"}}]})";
    auto n = reports::normaliseFiles({{"/v/orders.json", text}});
    QVERIFY2(n.ok(), n.ok() ? "" : n.error().toString().c_str());
    const json& v = n->validation.front();
    QCOMPARE(v["suite"].get<std::string>(), std::string("orders"));
    QCOMPARE(v["evaluated_at"].get<std::string>(), std::string("2025-01-02T03:04:05.000Z"));
    QCOMPARE(v["statistics"]["success_percent"].get<double>(), 50.0);
    QCOMPARE(v["results"][0]["check"].get<std::string>(), std::string("expect_column_to_exist"));
    QCOMPARE(v["results"][1]["column"].get<std::string>(), std::string("a, b"));
    QCOMPARE(v["results"][1]["observed"].get<std::string>(), std::string("exception: no column b"));
}

void TestReports::sageMakerBaselineCheckedAgainstStatistics() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path caseDir = driftCases() / "sagemaker-model-monitor-baseline-deequ";
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importers::ReportsImporter().run(caseDir, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), std::size_t(1));
    const auto& run = sink.runs.front();
    QCOMPARE(run.record.externalId, std::string("assets"));
    QCOMPARE(run.tags.at(reports::reportTypeTag), std::string("sagemaker_model_monitor"));
    QCOMPARE(run.artifacts.size(), std::size_t(2));
    QCOMPARE(metricOf(run, "dataset.item_count"), 23432.0);
    QCOMPARE(metricOf(run, "dataset.features"), 14.0);
    // Python's json: 14 data type + 14 completeness + 9 non-negativity + 2 categorical domain checks (state and
    // event_time have domains and categorical buckets; county has no buckets), all satisfied by the baseline.
    QCOMPARE(metricOf(run, "validation.evaluated"), 39.0);
    QCOMPARE(metricOf(run, "validation.unsuccessful"), 0.0);
}

void TestReports::sageMakerViolations() {
    const fs::path caseDir = test::dataDir() / "reports/sagemaker-monitoring-schedule";
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importers::ReportsImporter().run(caseDir, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), std::size_t(1));
    const auto& run = sink.runs.front();
    QCOMPARE(run.record.externalId, std::string("2024/10/28/13"));
    QCOMPARE(run.record.experimentExternalId, std::string("sagemaker-monitoring-schedule"));
    QCOMPARE(run.record.startMs.value(), std::int64_t(1730120400000));  // 2024-10-28T13:00:00Z from the folders
    QCOMPARE(metricOf(run, "validation.unsuccessful"), 3.0);
    QCOMPARE(metricOf(run, "validation.success"), 0.0);
    QVERIFY(std::isnan(metricOf(run, "validation.evaluated")));  // a violations file does not say how many ran
    auto n = reports::normaliseFiles({{"constraint_violations.json", *run.artifacts.front().content}});
    QVERIFY(n.ok());
    const json& v = n->validation.front();
    QCOMPARE(v["results"][1]["check"].get<std::string>(), std::string("categorical_values_check"));
    QCOMPARE(v["results"][1]["column"].get<std::string>(), std::string("state"));
}

void TestReports::tfxPipelineRoot() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path pipelineRoot = driftCases() / "tfx-tfdv-tfma-pipeline-root/tfx_churn_pipeline";
    const fs::path runDir = pipelineRoot / "c4524764-165e-431d-9e1f-a716fb13625c";
    auto detected = importers::detect(runDir);
    QVERIFY(detected.ok());
    QCOMPARE((*detected)->formatId(), std::string_view("data-reports"));  // not TensorBoard, despite Trainer logs
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importers::ReportsImporter().run(pipelineRoot, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), std::size_t(1));
    const auto& run = sink.runs.front();
    QCOMPARE(run.record.externalId, std::string("c4524764-165e-431d-9e1f-a716fb13625c"));
    QCOMPARE(sink.experiments.front().name, std::string("tfx_churn_pipeline"));
    QCOMPARE(run.tags.at(reports::reportTypeTag), std::string("tfdv"));
    QCOMPARE(run.tags.at("tfx.blessed"), std::string("true"));
    QCOMPARE(run.tags.at("tfx.infra_blessed"), std::string("true"));
    QCOMPARE(run.artifacts.size(), std::size_t(3));  // train and eval anomalies, the Evaluator's eval_config.json
    // TFMA metrics decoded by hand from the corpus file (Python, wire format): overall and per country.
    QCOMPARE(metricOf(run, "tfma.example_count"), 1973.0);
    QCOMPARE(metricOf(run, "tfma.binary_accuracy"), 0.8048656582832336);
    QCOMPARE(metricOf(run, "tfma.example_count/country=Spain"), 501.0);
    QCOMPARE(metricOf(run, "tfma.binary_accuracy/country=Germany"), 0.724609375);
    QCOMPARE(run.tags.at("tfma.validation_ok"), std::string("true"));
    // TFDV statistics, decoded the same way: 8,027 training examples, 12 features.
    QCOMPARE(metricOf(run, "tfdv.train.num_examples"), 8027.0);
    QCOMPARE(metricOf(run, "tfdv.train.features"), 12.0);
    QVERIFY(metricOf(run, "tfdv.eval.num_examples") > 0);

    // A damaged TFMA record fails the import with the file and the offset.
    QTemporaryDir dir;
    const fs::path copy = fs::path(dir.path().toStdString()) / "pipeline";
    test::copyTree(pipelineRoot, copy);
    const fs::path metricsFile = copy / "c4524764-165e-431d-9e1f-a716fb13625c/Evaluator/evaluation/33/metrics";
    std::string bytes = slurp(metricsFile);
    bytes[40] = static_cast<char>(bytes[40] ^ 0x55);
    fs::permissions(metricsFile, fs::perms::owner_write, fs::perm_options::add);
    test::writeFile(metricsFile, bytes);
    test::CapturingSink damagedSink;
    auto damaged = importers::ReportsImporter().run(copy, damagedSink, observer);
    QVERIFY(!damaged.ok());
    QVERIFY2(damaged.error().file.ends_with("Evaluator/evaluation/33/metrics"), damaged.error().toString().c_str());
    QCOMPARE(damaged.error().position, std::string("offset 0"));
    // 12 features in each split's baseline schema and no anomaly_info: 24 passing schema checks.
    QCOMPARE(metricOf(run, "validation.evaluated"), 24.0);
    QCOMPARE(metricOf(run, "validation.success"), 1.0);
}

void TestReports::validationDocumentsInFull_data() {
    // Each report's whole validation document, as `runlens validation --json` prints it: a changed key, type or
    // number format shows here. Counts and texts follow from the fixture by hand (2 of 3 passed: 66.67 %).
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("Evidently test suite snapshot")
        << QStringLiteral("/e/snapshot.json") << QStringLiteral(R"doc({"id": "s1", "name": "nightly",
        "timestamp": "2024-02-12T21:51:58", "tags": [],
        "metadata": {"test_presets": ["DataDriftTestPreset", "NoTargetPerformanceTestPreset"]},
        "suite": {"metric_results": [],
          "tests": [{"type": "evidently:test:TestColumnDrift", "column_name": {"name": "hum"}},
                    {"type": "evidently:test:TestShareOfDriftedColumns"}, {"type": "evidently:test:TestNumberOfRows"}],
          "test_results": [
            {"name": "Drift per Column", "description": "The drift score for the feature hum is 0.031.",
             "status": "FAIL", "group": "data_drift", "parameters": {"score": 0.031, "threshold": 0.05}},
            {"name": "Share of Drifted Columns", "description": "The drift is detected for 0 out of 11 features.",
             "status": "SUCCESS", "group": "data_drift", "parameters": null},
            {"name": "Number of Rows", "status": "SUCCESS", "parameters": {"column_name": "cnt"}}]}})doc")
        << QStringLiteral(R"doc({"tool": "evidently", "suite": "DataDriftTestPreset, NoTargetPerformanceTestPreset",
        "evaluated_at": "2024-02-12T21:51:58.000Z", "success": false,
        "statistics": {"evaluated": 3, "successful": 2, "unsuccessful": 1, "success_percent": 66.66666666666667},
        "results": [
          {"check": "Drift per Column", "column": "hum", "success": false,
           "observed": "The drift score for the feature hum is 0.031.",
           "details": {"status": "FAIL", "group": "data_drift", "parameters": {"score": 0.031, "threshold": 0.05},
                       "test_type": "TestColumnDrift"}},
          {"check": "Share of Drifted Columns", "column": null, "success": true,
           "observed": "The drift is detected for 0 out of 11 features.",
           "details": {"status": "SUCCESS", "group": "data_drift", "test_type": "TestShareOfDriftedColumns"}},
          {"check": "Number of Rows", "column": "cnt", "success": true, "observed": "",
           "details": {"status": "SUCCESS", "parameters": {"column_name": "cnt"},
                       "test_type": "TestNumberOfRows"}}]})doc");
    QTest::newRow("Evidently snapshot without a time")
        << QStringLiteral("/e/untimed.json") << QStringLiteral(R"doc({"suite": {"metric_results": [],
          "test_results": [{"name": "Number of Rows", "status": "SUCCESS"}]}})doc")
        << QStringLiteral(R"doc({"tool": "evidently", "suite": "Evidently tests", "evaluated_at": null, "success": true,
        "statistics": {"evaluated": 1, "successful": 1, "unsuccessful": 0, "success_percent": 100.0},
        "results": [{"check": "Number of Rows", "column": null, "success": true, "observed": "",
                     "details": {"status": "SUCCESS"}}]})doc");
    QTest::newRow("TFDV anomalies of a split")
        << QStringLiteral("/t/eval/anomalies.pbtxt") << QStringLiteral(R"doc(baseline {
  feature { name: "age" type: INT }
  feature { name: "country" type: BYTES }
}
anomaly_info {
  key: "country"
  value {
    description: "Examples contain values missing from the schema: Italy (<1%)."
    severity: ERROR
    short_description: "Unexpected string values"
    reason { type: ENUM_TYPE_UNEXPECTED_STRING_VALUES short_description: "Unexpected string values" }
  }
}
anomaly_name_format: SERIALIZED_PATH
)doc") << QStringLiteral(R"doc({"tool": "tfdv", "suite": "anomalies (eval)", "evaluated_at": null, "success": false,
        "statistics": {"evaluated": 2, "successful": 1, "unsuccessful": 1, "success_percent": 50.0},
        "results": [
          {"check": "ENUM_TYPE_UNEXPECTED_STRING_VALUES", "column": "country", "success": false,
           "observed": "Examples contain values missing from the schema: Italy (<1%).",
           "details": {"severity": "ERROR", "reasons": [{"type": "ENUM_TYPE_UNEXPECTED_STRING_VALUES",
                       "short_description": "Unexpected string values", "description": ""}]}},
          {"check": "schema_conformance", "column": "age", "success": true, "observed": "no anomaly",
           "details": {"type": "INT"}}]})doc");
    QTest::newRow("TFDV anomalies, nothing checked")
        << QStringLiteral("anomalies.pbtxt") << QStringLiteral("anomaly_name_format: SERIALIZED_PATH\n")
        << QStringLiteral(R"doc({"tool": "tfdv", "suite": "anomalies", "evaluated_at": null, "success": true,
        "statistics": {"evaluated": 0, "successful": 0, "unsuccessful": 0, "success_percent": 100.0},
        "results": []})doc");
}

void TestReports::validationDocumentsInFull() {
    QFETCH(QString, file);
    QFETCH(QString, text);
    QFETCH(QString, expected);
    auto n = reports::normaliseFiles({{file.toStdString(), text.toStdString()}});
    QVERIFY2(n.ok(), n.ok() ? "" : n.error().toString().c_str());
    QCOMPARE(n->validation.size(), std::size_t(1));
    // Compact text on both sides: same keys, values and number formats (3 is not 3.0) byte for byte.
    QCOMPARE(QString::fromStdString(n->validation.front().dump()),
             QString::fromStdString(json::parse(expected.toStdString()).dump()));
}

void TestReports::loaderRebuildsDocumentsFromTheCache() {
    RUNLENS_REQUIRE_CORPUS();
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    for (const char* name :
         {"great-expectations-0.14-validations-over-time", "evidently-0.4.15-double-encoded-report"}) {
        auto report = importers::importSource(*cache, driftCases() / name, observer);
        QVERIFY2(report.status == importers::ImportStatus::imported,
                 report.error ? report.error->toString().c_str() : "");
        QCOMPARE(report.format, std::string("data-reports"));
        QCOMPARE(importers::importSource(*cache, driftCases() / name, observer).status,
                 importers::ImportStatus::unchanged);
    }
    CacheReader reader(*cache);
    auto runs = reader.runs();
    QVERIFY(runs.ok());
    QCOMPARE(runs->size(), std::size_t(33));
    int validations = 0;
    int drifts = 0;
    for (const auto& run : *runs) {
        auto loaded = reports::loadRunReports(reader, run);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().toString().c_str());
        validations += static_cast<int>(loaded->validation.size());
        drifts += static_cast<int>(loaded->drift.size());
        if (loaded->reportType == "evidently_drift") {
            QCOMPARE(loaded->drift.front()["columns_drifted"].get<int>(), 5);
            QVERIFY(loaded->drift.front()["source"]["file"].get<std::string>().ends_with("data_drift_report.json"));
        }
    }
    QCOMPARE(validations, 32);
    QCOMPARE(drifts, 1);
}

void TestReports::damagedReportLeavesCacheUnchanged() {
    RUNLENS_REQUIRE_CORPUS();
    QTemporaryDir dir;
    const fs::path copy = fs::path(dir.path().toStdString()) / "ge";
    test::copyTree(driftCases() / "great-expectations-0.12-v2-api-kl-divergence", copy);
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    QCOMPARE(importers::importSource(*cache, copy, observer).status, importers::ImportStatus::imported);
    const std::string before = test::cacheSnapshot(*cache);
    // Cut the validation result in half.
    fs::path result;
    for (const auto& e : fs::recursive_directory_iterator(copy / "great_expectations/uncommitted"))
        if (e.is_regular_file())
            result = e.path();
    const std::string text = slurp(result);
    fs::permissions(result, fs::perms::owner_write, fs::perm_options::add);
    test::writeFile(result, text.substr(0, text.size() / 2));
    auto report = importers::importSource(*cache, copy, observer);
    QCOMPARE(report.status, importers::ImportStatus::failed);
    QVERIFY(report.error.has_value());
    QVERIFY2(report.error->file.ends_with(".json"), report.error->toString().c_str());
    QVERIFY2(report.error->position.starts_with("line "), report.error->toString().c_str());
    QCOMPARE(test::cacheSnapshot(*cache), before);
}

void TestReports::commandLine() {
    RUNLENS_REQUIRE_CORPUS();
    QTemporaryDir dir;
    const std::string cachePath = dir.filePath(QStringLiteral("c.runlens")).toStdString();
    auto runCli = [&](std::vector<std::string> args, std::string& out, std::string& err) {
        args.insert(args.begin(), {"runlens", "--cache", cachePath});
        std::vector<const char*> argv;
        for (const auto& a : args)
            argv.push_back(a.c_str());
        std::ostringstream o;
        std::ostringstream e;
        const int code = cli::run(static_cast<int>(argv.size()), argv.data(), o, e, false);
        out = o.str();
        err = e.str();
        return code;
    };
    std::string out;
    std::string err;
    const fs::path ge = driftCases() / "great-expectations-0.14-validations-over-time";
    const fs::path evidently = driftCases() / "evidently-0.4.15-double-encoded-report";
    QCOMPARE(runCli({"import", "--quiet", ge.string(), evidently.string()}, out, err), 0);

    // A failing validation exits 1 and prints the failed check with its observed value.
    const std::string failing = "great_expectations/uncommitted/validations/flowers-testing-suite/"
                                "20220323-161302-flower-power/20220323T161302.474476Z/"
                                "59b121deea2a244c85e029fac98a9341.json";
    QCOMPARE(runCli({"validation", failing}, out, err), 1);
    QVERIFY2(out.find("FAILED  9/10 passed") != std::string::npos, out.c_str());
    QVERIFY2(out.find("FAIL    expect_column_values_to_be_in_set") != std::string::npos, out.c_str());
    QCOMPARE(runCli({"validation", failing, "--json"}, out, err), 1);
    const json docs = json::parse(out);
    QCOMPARE(docs.size(), std::size_t(1));
    QCOMPARE(docs[0]["statistics"]["unsuccessful"].get<int>(), 1);
    QCOMPARE(docs[0]["tool"].get<std::string>(), std::string("great_expectations"));

    // The Evidently report: no dataset drift (exit 0), 15 columns.
    QCOMPARE(runCli({"report", "data_drift_report.json", "--json"}, out, err), 0);
    const json report = json::parse(out);
    QCOMPARE(report["report_type"].get<std::string>(), std::string("evidently_drift"));
    QCOMPARE(report["drift"][0]["columns"].size(), std::size_t(15));
    QCOMPARE(runCli({"validation", "data_drift_report.json"}, out, err), 1);
    QVERIFY2(err.find("has no validation results") != std::string::npos, err.c_str());
    QCOMPARE(runCli({"validation"}, out, err), 2);
    QCOMPARE(runCli({"report", "data_drift_report.json", "--csv"}, out, err), 2);
}

QTEST_GUILESS_MAIN(TestReports)
#include "tst_reports.moc"
