// SPDX-License-Identifier: MIT
#include "cache/cache.h"
#include "importrunner.h"
#include "kubeflow/kubeflowimporter.h"
#include "registry.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

// Counted with Qt's JSON parser: folders holding a metrics or UI-metadata JSON file, metric entries, UI outputs.
struct Counted {
    std::set<std::string> runs;
    std::int64_t points = 0;
    std::int64_t outputs = 0;
    std::int64_t metadataFiles = 0;
};

Counted countByWalking(const fs::path& root) {
    Counted out;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json")
            continue;
        QFile f(QString::fromStdString(entry.path().string()));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        const std::string rel = entry.path().parent_path().lexically_relative(root).generic_string();
        if (o.value(QLatin1String("metrics")).isArray()) {
            out.runs.insert(rel);
            out.points += o.value(QLatin1String("metrics")).toArray().size();
        } else if (o.value(QLatin1String("outputs")).isArray()) {
            out.runs.insert(rel);
            ++out.metadataFiles;
            out.outputs += o.value(QLatin1String("outputs")).toArray().size();
        } else if (o.contains(QLatin1String("type")) && o.contains(QLatin1String("source"))) {
            out.runs.insert(rel);
            ++out.metadataFiles;
            ++out.outputs;
        }
    }
    return out;
}

void writeHandmadeStep(const fs::path& dir) {
    test::writeFile(
        dir / "mlpipeline-metrics.json",
        "{\"metrics\": [{\"name\": \"accuracy-score\", \"numberValue\": 0.91, \"format\": \"PERCENTAGE\"},\n"
        "                                    {\"name\": \"loss\", \"number_value\": NaN},\n"
        "                                    {\"name\": \"auc\", \"numberValue\": \"0.75\", \"format\": \"RAW\"}]}");
    test::writeFile(
        dir / "mlpipeline-ui-metadata.json",
        "{\"version\": 1, \"outputs\": [\n"
        "        {\"type\": \"confusion_matrix\", \"format\": \"csv\", \"storage\": \"inline\",\n"
        "         \"schema\": [{\"name\": \"target\", \"type\": \"CATEGORY\"}, {\"name\": \"predicted\", \"type\": "
        "\"CATEGORY\"},\n"
        "                    {\"name\": \"count\", \"type\": \"NUMBER\"}],\n"
        "         \"labels\": [\"a\", \"b\"], \"source\": \"a,a,5\\na,b,1\\nb,a,2\\nb,b,7\\n\"},\n"
        "        {\"type\": \"roc\", \"format\": \"csv\", \"source\": \"gs://bucket/run-1/roc.csv\",\n"
        "         \"schema\": [{\"name\": \"fpr\", \"type\": \"NUMBER\"}, {\"name\": \"tpr\", \"type\": \"NUMBER\"},\n"
        "                    {\"name\": \"thresholds\", \"type\": \"NUMBER\"}]},\n"
        "        {\"type\": \"table\", \"format\": \"csv\", \"header\": [\"x\"], \"source\": "
        "\"s3://elsewhere/missing.csv\"},\n"
        "        {\"type\": \"tensorboard\", \"source\": \"gs://bucket/logs\"}]}");
    test::writeFile(dir / "roc.csv", "0,0,1\n0.5,0.8,0.5\n1,1,0\n");
}

}  // namespace

class TestKubeflow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void corpusImportsEverything();
    void corpusSourcesResolveLocally();
    void handmadeStep();
    void detectionDoesNotStealOtherFormats();
    void reimportAndCancellation();
    void badInput_data();
    void badInput();
};

void TestKubeflow::corpusImportsEverything() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path caseDir = test::corpusDir() / "kubeflow/kfp-v1-output-viewer-fixtures-2018";
    const Counted counted = countByWalking(caseDir);
    QCOMPARE(counted.runs.size(), 4u);  // PROVENANCE.md: confusionmatrix, roc, eval-output, model-output

    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::KubeflowImporter importer;
    auto outcome = importer.run(caseDir, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), counted.runs.size());
    std::int64_t points = 0;
    std::int64_t artifacts = 0;
    for (const auto& run : sink.runs) {
        QVERIFY(counted.runs.contains(run.record.externalId));
        for (const auto& [k, p] : run.metrics)
            points += static_cast<std::int64_t>(p.size());
        artifacts += static_cast<std::int64_t>(run.artifacts.size());
    }
    QCOMPARE(points, counted.points);
    QCOMPARE(artifacts, counted.outputs + counted.metadataFiles);  // each output plus each metadata file itself

    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    auto report = importers::importSource(*cache, caseDir, observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("kubeflow"));
    QCOMPARE(report.runsTotal, static_cast<std::int64_t>(counted.runs.size()));
    QCOMPARE(report.pointsTotal, counted.points);
    QCOMPARE(importers::importSource(*cache, caseDir, observer).status, importers::ImportStatus::unchanged);
}

void TestKubeflow::corpusSourcesResolveLocally() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path caseDir = test::corpusDir() / "kubeflow/kfp-v1-output-viewer-fixtures-2018";
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::KubeflowImporter importer;
    QVERIFY(importer.run(caseDir, sink, observer).ok());
    const auto find = [&](const char* run, std::string_view suffix) -> const ArtifactRecord* {
        for (const auto& a : sink.findRun(run)->artifacts)
            if (a.path.ends_with(suffix))
                return &a;
        return nullptr;
    };
    // "./confusionmatrix/confusion_matrix.csv" next to the metadata: 400 headerless rows.
    const auto* cm = find("confusionmatrix", "confusion_matrix.csv");
    QVERIFY(cm && cm->content);
    QCOMPARE(std::count(cm->content->begin(), cm->content->end(), '\n'), 400);
    QVERIFY(find("confusionmatrix", "metadata.json")->content->find("\"labels\"") != std::string::npos);
    // gs://bucket/roc/roc.csv resolves to roc/roc.csv under the source root.
    QVERIFY(find("eval-output", "roc.csv") && find("eval-output", "roc.csv")->content);
    // Unresolvable: recorded by URI without content, with a warning naming the metadata file.
    const auto* roc2 = find("eval-output", "gs://bucket/roc/roc2.csv");
    QVERIFY(roc2 && !roc2->content);
    bool warned = false;
    for (const auto& w : observer.warnings)
        warned = warned || (w.file.ends_with("eval-output/metadata2.json") && w.position == "outputs[0]");
    QVERIFY(warned);
    // Inline markdown keeps its text.
    const auto* md = find("model-output", "inline.md");
    QVERIFY(md && md->content == std::string("# Title\n[some link here](http://example.com)"));
}

void TestKubeflow::handmadeStep() {
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "pipeline";
    writeHandmadeStep(root / "train-step");
    importers::KubeflowImporter importer;
    QCOMPARE(importer.sniff(root / "train-step/mlpipeline-metrics.json"), 85);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importer.run(root, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), 1u);
    const auto& run = sink.runs[0];
    QCOMPARE(run.record.externalId, std::string("train-step"));
    QCOMPARE(run.metrics.at("accuracy-score").at(0).value, 0.91);
    QVERIFY(std::isnan(run.metrics.at("loss").at(0).value));
    QCOMPARE(run.metrics.at("auc").at(0).value, 0.75);
    QCOMPARE(run.tags.at("kubeflow.metric_format.accuracy-score"), std::string("PERCENTAGE"));
    std::map<std::string, const ArtifactRecord*> byPath;
    for (const auto& a : run.artifacts)
        byPath[a.path] = &a;
    QCOMPARE(byPath.size(), 5u);
    QCOMPARE(*byPath.at("outputs/mlpipeline-ui-metadata/0-confusion_matrix/inline.csv")->content,
             std::string("a,a,5\na,b,1\nb,a,2\nb,b,7\n"));
    QCOMPARE(*byPath.at("outputs/mlpipeline-ui-metadata/1-roc/roc.csv")->content,
             std::string("0,0,1\n0.5,0.8,0.5\n1,1,0\n"));
    QVERIFY(!byPath.at("s3://elsewhere/missing.csv")->content);
    QVERIFY(!byPath.at("gs://bucket/logs")->content);
    QCOMPARE(observer.warnings.size(), 1u);  // the table only; tensorboard is not an evaluation view
}

void TestKubeflow::detectionDoesNotStealOtherFormats() {
    RUNLENS_REQUIRE_CORPUS();
    importers::KubeflowImporter importer;
    for (const auto& format : fs::directory_iterator(test::corpusDir())) {
        if (!format.is_directory() || format.path().filename() == "kubeflow")
            continue;
        for (const auto& entry : fs::directory_iterator(format.path()))
            QVERIFY2(importer.sniff(entry.path()) == 0, entry.path().string().c_str());
    }
    auto detected = importers::detect(test::corpusDir() / "kubeflow/kfp-v1-output-viewer-fixtures-2018");
    QVERIFY(detected.ok());
    QCOMPARE((*detected)->formatId(), std::string_view("kubeflow"));
}

void TestKubeflow::reimportAndCancellation() {
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "pipeline";
    writeHandmadeStep(root / "a");
    writeHandmadeStep(root / "b");
    auto cache = Cache::open((fs::path(dir.path().toStdString()) / "c.runlens").string());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    QCOMPARE(importers::importSource(*cache, root, observer).status, importers::ImportStatus::imported);
    test::writeFile(root / "b/mlpipeline-metrics.json", "{\"metrics\": [{\"name\": \"x\", \"numberValue\": 1}]}");
    auto report = importers::importSource(*cache, root, observer);
    QCOMPARE(report.status, importers::ImportStatus::imported);
    QCOMPARE(report.runsWritten, 1);
    QCOMPARE(report.runsUnchanged, 1);
    QCOMPARE(report.pointsTotal, 4);

    test::CapturingSink sink;
    test::RecordingObserver cancelling;
    cancelling.cancelAfter = 1;
    importers::KubeflowImporter importer;
    auto outcome = importer.run(root, sink, cancelling);
    QVERIFY(outcome.ok());
    QCOMPARE(*outcome, importers::Outcome::cancelled);
    QCOMPARE(sink.runs.size(), 1u);
}

void TestKubeflow::badInput_data() {
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("position");
    QTest::addColumn<QString>("reason");
    QTest::addRow("truncated metrics") << QStringLiteral("mlpipeline-metrics.json")
                                       << QByteArray("{\"metrics\": [{\"name\": \"acc\", \"numberValue\": 0.9")
                                       << QStringLiteral("line 1, column") << QStringLiteral("ends early");
    QTest::addRow("truncated ui metadata") << QStringLiteral("mlpipeline-ui-metadata.json")
                                           << QByteArray("{\"outputs\": [\n  {\"type\": \"roc\",\n   \"sour")
                                           << QStringLiteral("line 3, column") << QStringLiteral("ends early");
    QTest::addRow("wrong extension: csv named .json")
        << QStringLiteral("mlpipeline-metrics.json") << QByteArray("name,numberValue\nacc,0.9\n")
        << QStringLiteral("line 1, column 1") << QStringLiteral("malformed JSON");
    QTest::addRow("wrong extension: ui metadata under the metrics name")
        << QStringLiteral("mlpipeline-metrics.json") << QByteArray("{\"outputs\": [{\"type\": \"roc\"}]}")
        << QStringLiteral("line 1") << QStringLiteral("expected {\"metrics\"");
    QTest::addRow("empty metrics") << QStringLiteral("mlpipeline-metrics.json") << QByteArray()
                                   << QStringLiteral("line 1") << QStringLiteral("the file is empty");
    QTest::addRow("empty ui metadata") << QStringLiteral("mlpipeline-ui-metadata.json") << QByteArray(" \n")
                                       << QStringLiteral("line 1") << QStringLiteral("the file is empty");
    QTest::addRow("malformed json") << QStringLiteral("mlpipeline-metrics.json")
                                    << QByteArray("{\"metrics\": [\n  {\"name\": \"acc\" \"numberValue\": 1}]}")
                                    << QStringLiteral("line 2, column 18") << QStringLiteral("malformed JSON");
    QTest::addRow("metric value not a number")
        << QStringLiteral("mlpipeline-metrics.json")
        << QByteArray(
               "{\"metrics\": [{\"name\": \"a\", \"numberValue\": 1}, {\"name\": \"b\", \"numberValue\": true}]}")
        << QStringLiteral("metrics[1]") << QStringLiteral("not a number");
    QTest::addRow("output without type") << QStringLiteral("mlpipeline-ui-metadata.json")
                                         << QByteArray("{\"outputs\": [{\"type\": \"roc\", \"source\": \"x\"}, {}]}")
                                         << QStringLiteral("outputs[1]") << QStringLiteral("without a type");
}

void TestKubeflow::badInput() {
    QFETCH(QString, fileName);
    QFETCH(QByteArray, content);
    QFETCH(QString, position);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "pipeline";
    writeHandmadeStep(root / "good");
    const fs::path file = root / "bad" / fileName.toStdString();
    test::writeFile(file, std::string_view(content.constData(), static_cast<std::size_t>(content.size())));
    for (const fs::path& source : {root, file}) {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        importers::KubeflowImporter importer;
        auto outcome = importer.run(source, sink, observer);
        QVERIFY(!outcome.ok());
        const Error& e = outcome.error();
        QVERIFY2(QString::fromStdString(e.file).endsWith(QStringLiteral("bad/") + fileName), e.toString().c_str());
        QVERIFY2(QString::fromStdString(e.position).startsWith(position), e.toString().c_str());
        QVERIFY2(QString::fromStdString(e.message).contains(reason), e.toString().c_str());
    }
}

QTEST_GUILESS_MAIN(TestKubeflow)
#include "tst_kubeflow.moc"
