// SPDX-License-Identifier: MIT
#include "cache/cache.h"
#include "dvc/dvcimporter.h"
#include "importrunner.h"
#include "registry.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <set>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

// Counted without the importer: data rows of every DVCLive TSV below plots/metrics, plus the numeric (and boolean)
// leaves of the metrics files whose '/'-joined key has no TSV series (top-level "step" excluded), read with Qt's
// JSON parser.
struct Counted {
    std::int64_t points = 0;
    std::set<std::string> keys;
};

void countJsonLeaves(const QJsonValue& value, const QString& prefix, const std::set<std::string>& tsvKeys,
                     Counted& out) {
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (prefix.isEmpty() && it.key() == QLatin1String("step"))
                continue;
            countJsonLeaves(it.value(), prefix.isEmpty() ? it.key() : prefix + QLatin1Char('/') + it.key(), tsvKeys,
                            out);
        }
        return;
    }
    if ((value.isDouble() || value.isBool()) && !tsvKeys.contains(prefix.toStdString()) &&
        out.keys.insert(prefix.toStdString()).second)
        ++out.points;
}

Counted countByWalking(const fs::path& repo, const std::vector<std::string>& metricsFiles) {
    Counted out;
    std::set<std::string> tsvKeys;
    for (const auto& entry : fs::recursive_directory_iterator(repo)) {
        const std::string rel = entry.path().lexically_relative(repo).generic_string();
        const auto at = rel.find("plots/metrics/");
        if (!entry.is_regular_file() || entry.path().extension() != ".tsv" || at == std::string::npos)
            continue;
        std::string key = rel.substr(at + 14);
        key.resize(key.size() - 4);
        tsvKeys.insert(key);
        out.keys.insert(key);
        std::ifstream in(entry.path());
        std::string line;
        bool header = true;
        while (std::getline(in, line)) {
            if (header) {
                header = false;
                continue;
            }
            if (!line.empty())
                ++out.points;
        }
    }
    for (const auto& m : metricsFiles) {
        QFile f(QString::fromStdString((repo / m).string()));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        countJsonLeaves(QJsonDocument::fromJson(f.readAll()).object(), {}, tsvKeys, out);
    }
    return out;
}

std::int64_t points(const test::CapturingSink::Run& run) {
    std::int64_t n = 0;
    for (const auto& [key, p] : run.metrics)
        n += static_cast<std::int64_t>(p.size());
    return n;
}

// >= 2.55 array form: workspace + one commit with two experiments (one failed, one queued).
constexpr const char* expShowArray = R"([
 {"rev": "workspace", "name": null, "error": null, "experiments": null,
  "data": {"rev": "workspace", "timestamp": null,
           "params": {"params.yaml": {"data": {"train": {"lr": 0.1, "layers": [8, 16]}, "seed": 1}}},
           "metrics": {"metrics.json": {"data": {"loss": 0.5, "acc": {"train": 0.9}, "ok": true, "note": "x"}}},
           "deps": {}, "outs": {}, "meta": {}}},
 {"rev": "1111111111111111111111111111111111111111", "name": "main", "error": null,
  "data": {"rev": "1111111111111111111111111111111111111111", "timestamp": "2023-05-01T10:00:00",
           "params": {"params.yaml": {"data": {"train": {"lr": 0.1}}},
                      "other.yaml": {"data": {"train": {"lr": 0.2}, "extra": "y"}}},
           "metrics": {"metrics.json": {"data": {"loss": 0.4}},
                       "bad.json": {"error": {"type": "FileNotFoundError", "msg": "missing"}}}},
  "experiments": [
   {"name": "exp-a", "executor": {"state": "success", "name": null, "local": null},
    "revs": [{"rev": "2222222222222222222222222222222222222222", "name": "exp-a", "error": null,
              "data": {"rev": "2222222222222222222222222222222222222222", "timestamp": "2023-05-01T11:00:00",
                       "params": {"params.yaml": {"data": {"train": {"lr": 0.01}}}},
                       "metrics": {"metrics.json": {"data": {"loss": NaN, "acc": {"train": Infinity}}}}}}]},
   {"name": "exp-b", "executor": {"state": "queued", "name": null, "local": null},
    "revs": [{"rev": "3333333333333333333333333333333333333333", "name": "exp-b", "error": null,
              "data": {"rev": "3333333333333333333333333333333333333333", "params": {}, "metrics": {}}}]}
  ]}
])";

// Before 2.55: an object keyed by baseline revision.
constexpr const char* expShowObject = R"({
 "workspace": {"baseline": {"data": {"timestamp": null, "params": {"params.yaml": {"data": {"epochs": 5}}},
                                      "metrics": {"summary.json": {"data": {"loss": 2.0, "step": 4}}},
                                      "queued": false, "running": false, "executor": null}}},
 "53c3851f46955fa3e2b8f6e1c52999acc8c9ea77": {
   "baseline": {"data": {"timestamp": "2020-12-29T15:27:02", "name": "main",
                         "params": {"params.yaml": {"data": {"epochs": 5}}},
                         "metrics": {"summary.json": {"data": {"loss": 2.1}}}, "queued": false, "running": false}},
   "4fb124aebddb2adf1545030907687fa9a4c80e70": {"data": {"timestamp": "2020-12-29T15:31:52", "name": "exp-e7a67",
                         "params": {"params.yaml": {"data": {"epochs": 2}}},
                         "metrics": {"summary.json": {"data": {"loss": 2.2}}}, "queued": false, "running": true,
                         "executor": "workspace", "checkpoint_tip": null}}}
})";

}  // namespace

class TestDvc : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void corpusImportsEveryPoint_data();
    void corpusImportsEveryPoint();
    void evaluationPlotsKeepContent();
    void dvcliveSeriesAndParams();
    void expShowArrayForm();
    void expShowObjectForm();
    void detectionDoesNotStealOtherFormats();
    void reimportAndCancellation();
    void badInput_data();
    void badInput();
};

void TestDvc::corpusImportsEveryPoint_data() {
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<QStringList>("metricsFiles");  // from PROVENANCE.md / dvc.yaml
    QTest::addColumn<int>("expectedArtifacts");     // plot files present in the case
    QTest::addColumn<int>("expectedParams");
    QTest::addRow("2.10 evaluation plots") << QStringLiteral("dvc-2.10-example-get-started-evaluation-plots")
                                           << QStringList{QStringLiteral("evaluation.json")} << 3 << 7;
    QTest::addRow("3.x dvclive cm roc prc") << QStringLiteral("dvc-3.x-dvclive-eval-cm-roc-prc")
                                            << QStringList{QStringLiteral("eval/live/metrics.json")} << 3 << 7;
    QTest::addRow("dvclive keras tsv") << QStringLiteral("dvclive-keras-stress-eda-train-eval-tsv")
                                       << QStringList{QStringLiteral("dvclive/metrics.json")} << 0 << 15;
}

void TestDvc::corpusImportsEveryPoint() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(QString, caseName);
    QFETCH(QStringList, metricsFiles);
    QFETCH(int, expectedArtifacts);
    QFETCH(int, expectedParams);
    const fs::path caseDir = test::corpusDir() / "dvc" / caseName.toStdString();
    std::vector<std::string> files;
    for (const auto& m : metricsFiles)
        files.push_back(m.toStdString());
    const Counted counted = countByWalking(caseDir, files);
    QVERIFY(counted.points > 0);

    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::DvcImporter importer;
    auto outcome = importer.run(caseDir, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), 1u);
    const auto& run = sink.runs[0];
    QCOMPARE(run.record.externalId, std::string("workspace"));
    QCOMPARE(points(run), counted.points);
    QCOMPARE(run.metrics.size(), counted.keys.size());
    QCOMPARE(static_cast<int>(run.artifacts.size()), expectedArtifacts);
    for (const auto& a : run.artifacts)
        QVERIFY2(a.content.has_value() && static_cast<std::int64_t>(a.content->size()) == a.size, a.path.c_str());
    QCOMPARE(static_cast<int>(run.params.size()), expectedParams);

    // Through the cache: detection, totals, unchanged re-import.
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    auto report = importers::importSource(*cache, caseDir, observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("dvc"));
    QCOMPARE(report.runsTotal, 1);
    QCOMPARE(report.pointsTotal, counted.points);
    QCOMPARE(importers::importSource(*cache, caseDir, observer).status, importers::ImportStatus::unchanged);
}

void TestDvc::evaluationPlotsKeepContent() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path caseDir = test::corpusDir() / "dvc/dvc-3.x-dvclive-eval-cm-roc-prc";
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::DvcImporter importer;
    QVERIFY(importer.run(caseDir, sink, observer).ok());
    const auto& run = sink.runs.at(0);
    std::map<std::string, const ArtifactRecord*> byPath;
    for (const auto& a : run.artifacts)
        byPath[a.path] = &a;
    QVERIFY(byPath.contains("eval/live/plots/sklearn/roc/test.json"));
    QVERIFY(byPath.at("eval/live/plots/sklearn/roc/test.json")->content->find("Infinity") != std::string::npos);
    QVERIFY(byPath.contains("eval/live/plots/sklearn/cm/test.json"));
    QVERIFY(byPath.contains("eval/prc/test.json"));
    QCOMPARE(run.metrics.at("roc_auc/test").at(0).value, 0.9619097316125981);
    QCOMPARE(run.params.at("train.min_split"), std::string("0.01"));
    // Declared but not committed: the train twins and importance.png, each a warning naming the file.
    QVERIFY(!observer.warnings.empty());
    bool sawImportance = false;
    for (const auto& w : observer.warnings)
        sawImportance = sawImportance || w.file.ends_with("eval/importance.png");
    QVERIFY(sawImportance);

    test::CapturingSink sink2;
    QVERIFY(
        importer.run(test::corpusDir() / "dvc/dvc-2.10-example-get-started-evaluation-plots", sink2, observer).ok());
    QCOMPARE(sink2.runs.at(0).params.at("prepare.split"), std::string("0.20"));  // as written
    QCOMPARE(sink2.runs.at(0).metrics.at("avg_prec").at(0).value, 0.9202028276794669);
}

void TestDvc::dvcliveSeriesAndParams() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path caseDir = test::corpusDir() / "dvc/dvclive-keras-stress-eda-train-eval-tsv";
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::DvcImporter importer;
    QVERIFY(importer.run(caseDir, sink, observer).ok());
    const auto& run = sink.runs.at(0);
    QCOMPARE(run.metrics.at("train/loss").size(), 30u);
    QCOMPARE(run.metrics.at("train/loss").front().step, 0);
    QCOMPARE(run.metrics.at("test_1_auc").size(), 1u);
    QCOMPARE(run.metrics.at("test_1_auc").front().step, 30);  // from the TSV, not metrics.json's step 29
    QVERIFY(!run.metrics.contains("step"));
    QCOMPARE(run.params.at("model.metrics"), std::string(R"(["EDA","BVP","TEMP","ACC"])"));
    QCOMPARE(run.params.at("model.input_shapes.BVP"), std::string("256"));
}

void TestDvc::expShowArrayForm() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "exp.json";
    test::writeFile(file, expShowArray);
    importers::DvcImporter importer;
    QCOMPARE(importer.sniff(file), 90);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importer.run(file, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), 4u);
    const auto* ws = sink.findRun("workspace");
    QCOMPARE(ws->params.at("train.lr"), std::string("0.1"));
    QCOMPARE(ws->params.at("train.layers"), std::string("[8,16]"));
    QCOMPARE(ws->metrics.at("acc/train").at(0).value, 0.9);
    QCOMPARE(ws->metrics.at("ok").at(0).value, 1.0);  // bools as 0/1
    QVERIFY(!ws->metrics.contains("note"));           // strings are not metrics
    const auto* main = sink.findRun("1111111111111111111111111111111111111111");
    QCOMPARE(main->record.status, std::string(run_status::finished));
    QCOMPARE(main->params.at("train.lr"), std::string("0.1"));
    QCOMPARE(main->params.at("other.yaml:train.lr"), std::string("0.2"));  // clash keeps the file
    QCOMPARE(main->params.at("extra"), std::string("y"));
    QVERIFY(main->record.startMs.has_value());
    const auto* a = sink.findRun("2222222222222222222222222222222222222222");
    QCOMPARE(a->record.experimentExternalId, std::string("1111111111111111111111111111111111111111"));
    QCOMPARE(a->record.name, std::string("exp-a"));
    QVERIFY(std::isnan(a->metrics.at("loss").at(0).value));
    QVERIFY(std::isinf(a->metrics.at("acc/train").at(0).value));
    QCOMPARE(sink.findRun("3333333333333333333333333333333333333333")->record.status,
             std::string(run_status::scheduled));
    std::int64_t n = 0;
    for (const auto& run : sink.runs)
        n += points(run);
    QCOMPARE(n, 3 + 1 + 2);
    // bad.json's DVC error is a warning naming the file.
    QCOMPARE(observer.warnings.size(), 1u);
    QVERIFY(observer.warnings[0].message.find("bad.json") != std::string::npos);
}

void TestDvc::expShowObjectForm() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "exp-old.json";
    test::writeFile(file, expShowObject);
    importers::DvcImporter importer;
    auto detected = importers::detect(file);
    QVERIFY(detected.ok());
    QCOMPARE((*detected)->formatId(), std::string_view("dvc"));
    test::CapturingSink sink;
    test::RecordingObserver observer;
    QVERIFY(importer.run(file, sink, observer).ok());
    QCOMPARE(sink.runs.size(), 3u);
    QCOMPARE(sink.findRun("workspace")->metrics.at("loss").at(0).value, 2.0);
    QVERIFY(!sink.findRun("workspace")->metrics.contains("step"));
    const auto* exp = sink.findRun("4fb124aebddb2adf1545030907687fa9a4c80e70");
    QCOMPARE(exp->record.name, std::string("exp-e7a67"));
    QCOMPARE(exp->record.status, std::string(run_status::running));
    QCOMPARE(exp->record.experimentExternalId, std::string("53c3851f46955fa3e2b8f6e1c52999acc8c9ea77"));
    QCOMPARE(exp->params.at("epochs"), std::string("2"));
}

void TestDvc::detectionDoesNotStealOtherFormats() {
    RUNLENS_REQUIRE_CORPUS();
    importers::DvcImporter importer;
    for (const auto& format : fs::directory_iterator(test::corpusDir())) {
        if (!format.is_directory() || format.path().filename() == "dvc")
            continue;
        for (const auto& entry : fs::directory_iterator(format.path()))
            QVERIFY2(importer.sniff(entry.path()) == 0, entry.path().string().c_str());
    }
    for (const auto& entry : fs::directory_iterator(test::corpusDir() / "dvc")) {
        auto detected = importers::detect(entry.path());
        QVERIFY(detected.ok());
        QCOMPARE((*detected)->formatId(), std::string_view("dvc"));
    }
}

void TestDvc::reimportAndCancellation() {
    RUNLENS_REQUIRE_CORPUS();
    QTemporaryDir dir;
    const fs::path repo = fs::path(dir.path().toStdString()) / "repo";
    test::copyTree(test::corpusDir() / "dvc/dvc-2.10-example-get-started-evaluation-plots", repo);
    fs::permissions(repo, fs::perms::owner_all, fs::perm_options::add);
    auto cache = Cache::open((fs::path(dir.path().toStdString()) / "c.runlens").string());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    QCOMPARE(importers::importSource(*cache, repo, observer).status, importers::ImportStatus::imported);
    fs::permissions(repo / "evaluation.json", fs::perms::owner_write, fs::perm_options::add);
    test::writeFile(repo / "evaluation.json", "{\"avg_prec\": 0.5, \"roc_auc\": 0.6, \"new\": 1}");
    auto report = importers::importSource(*cache, repo, observer);
    QCOMPARE(report.status, importers::ImportStatus::imported);
    QCOMPARE(report.runsWritten, 1);
    QCOMPARE(report.pointsTotal, 3);

    test::CapturingSink sink;
    test::RecordingObserver cancelling;
    cancelling.cancelAfter = 0;
    importers::DvcImporter importer;
    auto outcome = importer.run(repo, sink, cancelling);
    QVERIFY(outcome.ok());
    QCOMPARE(*outcome, importers::Outcome::cancelled);
    QVERIFY(sink.runs.empty());
}

using Mutation = std::function<void(const fs::path& repo)>;
Q_DECLARE_METATYPE(Mutation)

void TestDvc::badInput_data() {
    QTest::addColumn<Mutation>("mutate");
    QTest::addColumn<QString>("source");  // relative to the temporary folder
    QTest::addColumn<QString>("fileInMessage");
    QTest::addColumn<QString>("position");
    QTest::addColumn<QString>("reason");
    const auto write = [](const char* rel, std::string text) {
        return Mutation([rel, text](const fs::path& repo) { test::writeFile(repo / rel, text); });
    };
    QTest::addRow("truncated metrics json")
        << write("repo/evaluation.json", "{\n  \"avg_prec\": 0.92,\n  \"roc") << QStringLiteral("repo")
        << QStringLiteral("evaluation.json") << QStringLiteral("line 3, column") << QStringLiteral("ends early");
    QTest::addRow("truncated exp show") << write("exp.json", std::string(expShowArray).substr(0, 400))
                                        << QStringLiteral("exp.json") << QStringLiteral("exp.json")
                                        << QStringLiteral("line") << QStringLiteral("ends early");
    QTest::addRow("wrong extension: csv in metrics .json")
        << write("repo/evaluation.json", "avg_prec,roc_auc\n0.9,0.8\n") << QStringLiteral("repo")
        << QStringLiteral("evaluation.json") << QStringLiteral("line 1, column 1") << QStringLiteral("malformed JSON");
    QTest::addRow("wrong extension: yaml given as exp show .json")
        << write("exp.json", "stages:\n  train: {}\n") << QStringLiteral("exp.json") << QStringLiteral("exp.json")
        << QStringLiteral("line 1, column 1") << QStringLiteral("malformed JSON");
    QTest::addRow("empty metrics file") << write("repo/evaluation.json", "") << QStringLiteral("repo")
                                        << QStringLiteral("evaluation.json") << QStringLiteral("line 1")
                                        << QStringLiteral("the file is empty");
    QTest::addRow("empty exp show") << write("exp.json", "") << QStringLiteral("exp.json") << QStringLiteral("exp.json")
                                    << QStringLiteral("line 1") << QStringLiteral("the file is empty");
    QTest::addRow("malformed plot json") << write("repo/evaluation/plots/roc.json", "{\"roc\": [{\"fpr\": 0.0,, }]}")
                                         << QStringLiteral("repo") << QStringLiteral("evaluation/plots/roc.json")
                                         << QStringLiteral("line 1, column 22") << QStringLiteral("malformed JSON");
    QTest::addRow("malformed dvc.yaml") << write("repo/dvc.yaml", "stages:\n  a: [unclosed\n") << QStringLiteral("repo")
                                        << QStringLiteral("dvc.yaml") << QStringLiteral("line") << QString();
    QTest::addRow("malformed dvclive tsv")
        << write("repo/dvclive/plots/metrics/loss.tsv", "step\tloss\n0\t0.5\n1\tabc\n2\t0.3\n")
        << QStringLiteral("repo") << QStringLiteral("dvclive/plots/metrics/loss.tsv")
        << QStringLiteral("line 3, column 'loss'") << QStringLiteral("'abc' is not a number");
    QTest::addRow("exp show not an exp show")
        << write("exp.json", "{\"metrics\": [1, 2]}") << QStringLiteral("exp.json") << QStringLiteral("exp.json")
        << QStringLiteral("line 1") << QStringLiteral("not `dvc exp show");
}

void TestDvc::badInput() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(Mutation, mutate);
    QFETCH(QString, source);
    QFETCH(QString, fileInMessage);
    QFETCH(QString, position);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    test::copyTree(test::corpusDir() / "dvc/dvc-2.10-example-get-started-evaluation-plots", base / "repo");
    for (const auto& entry : fs::recursive_directory_iterator(base / "repo"))
        fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
    fs::permissions(base / "repo", fs::perms::owner_write, fs::perm_options::add);
    mutate(base);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::DvcImporter importer;
    auto outcome = importer.run(base / source.toStdString(), sink, observer);
    QVERIFY(!outcome.ok());
    const Error& e = outcome.error();
    QVERIFY2(QString::fromStdString(e.file).endsWith(fileInMessage), e.toString().c_str());
    QVERIFY2(QString::fromStdString(e.position).startsWith(position), e.toString().c_str());
    QVERIFY2(QString::fromStdString(e.message).contains(reason), e.toString().c_str());
}

QTEST_GUILESS_MAIN(TestDvc)
#include "tst_dvc.moc"
