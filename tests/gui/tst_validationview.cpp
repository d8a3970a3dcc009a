// SPDX-License-Identifier: MIT
#include "cache/cachereader.h"
#include "figure/figure.h"
#include "importrunner.h"
#include "mainwindow.h"
#include "testsupport.h"
#include "validation/validationfigure.h"
#include "validation/validationview.h"

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTreeView>

#include <algorithm>
#include <memory>
#include <set>

using namespace runlens;
using namespace runlens::ui;
using nlohmann::json;

namespace {

json check(const std::string& name, const std::string& column, bool success, const std::string& observed) {
    return {{"check", name},
            {"column", column.empty() ? json() : json(column)},
            {"success", success},
            {"observed", observed}};
}

json document(const std::string& suite, std::vector<json> results) {
    bool ok = std::all_of(results.begin(), results.end(), [](const json& r) { return r["success"].get<bool>(); });
    return {{"tool", "tfdv"}, {"suite", suite}, {"success", ok}, {"results", results}};
}

std::string corpusCase() {
    return (test::corpusDir() / "drift-validation/great-expectations-0.14-validations-over-time").string();
}

}  // namespace

class TestValidationView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void gridOrdersRunsAndLinesUpChecks();
    void validationsOverTimeFromTheCorpus();
    void mainWindowTabShowsSelectedRuns();
    void aNewerSelectionDropsTheStaleLoad();
    void unreadableReportNamesRunAndFile();
    void closingWhileLoadingIsSafe();

private:
    QTemporaryDir m_dir;
    std::string m_cachePath;
    std::vector<std::int64_t> m_runIds;
};

void TestValidationView::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
}

void TestValidationView::gridOrdersRunsAndLinesUpChecks() {
    std::vector<ValidationRun> runs;
    runs.push_back({3, QStringLiteral("late"), 3000, {document("train", {check("schema", "age", true, "ok")})}});
    runs.push_back(
        {1, QStringLiteral("undated"), std::nullopt, {document("train", {check("schema", "age", false, "x")})}});
    runs.push_back({2,
                    QStringLiteral("early"),
                    1000,
                    {document("train", {check("schema", "age", true, "ok"), check("schema", "age", false, "second")}),
                     document("eval", {check("schema", "", true, "table")})}});
    const ValidationGrid grid = buildValidationGrid(std::move(runs));
    QCOMPARE(grid.columns.size(), std::size_t(3));
    QCOMPARE(grid.columns[0].name, QStringLiteral("early"));  // by time, runs without one last
    QCOMPARE(grid.columns[1].name, QStringLiteral("late"));
    QCOMPARE(grid.columns[2].name, QStringLiteral("undated"));
    QVERIFY(grid.severalSuites);
    QCOMPARE(grid.rows.size(), std::size_t(3));  // age, age (second occurrence), eval's table check
    QCOMPARE(grid.rows[0].failures, 1);
    QVERIFY(grid.rows[1].cells[0].present && !grid.rows[1].cells[0].success);
    QVERIFY(!grid.rows[1].cells[1].present);  // the late run has one age check only
    QCOMPARE(grid.rows[2].suite, QStringLiteral("eval"));
    QVERIFY(grid.rows[2].column.isEmpty());
    QVERIFY(!grid.columns[0].success && grid.columns[1].success);
    ValidationFigure figure(grid);
    const QStringList lines = figure.csv().trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 4);
    QVERIFY2(lines[1].startsWith(QStringLiteral("train,schema,age,pass: ok,pass: ok,FAIL: x")), qPrintable(lines[1]));
}

void TestValidationView::validationsOverTimeFromTheCorpus() {
    RUNLENS_REQUIRE_CORPUS();
    m_cachePath = m_dir.filePath(QStringLiteral("ge.runlens")).toStdString();
    {
        auto cache = Cache::open(m_cachePath);
        QVERIFY(cache.ok());
        test::RecordingObserver observer;
        auto report = importers::importSource(*cache, corpusCase(), observer);
        QVERIFY2(report.status == importers::ImportStatus::imported,
                 report.error ? report.error->toString().c_str() : "");
        CacheReader reader(*cache);
        auto runs = reader.runs(false);
        QVERIFY(runs.ok());
        for (const auto& run : runs.value())
            m_runIds.push_back(run.id);
    }
    QCOMPARE(m_runIds.size(), std::size_t(32));
    ValidationView view;
    view.resize(1200, 700);
    QSignalSpy loaded(&view, &ValidationView::validationLoaded);
    view.setRuns(m_cachePath, m_runIds);
    QVERIFY(loaded.isEmpty());  // hidden: nothing is read until it shows
    QVERIFY(!view.isLoading());
    view.show();
    QVERIFY(view.isLoading());  // read on a worker thread; the view says so meanwhile
    QVERIFY2(view.message().startsWith(QStringLiteral("Loading the validation results of 32 runs")),
             qPrintable(view.message()));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QVERIFY(!view.isLoading());
    QVERIFY(view.message().isEmpty());
    QVERIFY(view.figure());
    const ValidationGrid& grid = view.figure()->grid();
    QCOMPARE(grid.columns.size(), std::size_t(32));
    for (std::size_t i = 1; i < grid.columns.size(); ++i)
        QVERIFY(*grid.columns[i - 1].timeMs <= *grid.columns[i].timeMs);
    QCOMPARE(std::count_if(grid.columns.begin(), grid.columns.end(), [](const auto& c) { return c.success; }), 21);
    QCOMPARE(grid.rows.size(), std::size_t(10));
    for (const auto& row : grid.rows) {
        const bool flipping = row.check == QStringLiteral("expect_column_values_to_be_in_set") &&
                              row.column == QStringLiteral("petal length (cm)");
        QCOMPARE(row.failures, flipping ? 11 : 0);
    }
    QCOMPARE(view.figure()->title(), QStringLiteral("Validation results: flowers-testing-suite"));

    // Every export format through the shared painter; the PNG shows failed cells in the fail colour.
    for (const char* suffix : {"png", "svg", "pdf", "csv"}) {
        const QString path = m_dir.filePath(QStringLiteral("validation.") + QLatin1String(suffix));
        const Status s = exportFigure(*view.currentFigure(), path);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().toString().c_str());
        QVERIFY(QFile(path).size() > 100);
    }
    const QImage png(m_dir.filePath(QStringLiteral("validation.png")));
    QVERIFY(!png.isNull());
    int failPixels = 0;
    for (int y = 0; y < png.height(); y += 2)
        for (int x = 0; x < png.width(); x += 2)
            failPixels += png.pixelColor(x, y) == QColor(0xf8, 0xd7, 0xda) ? 1 : 0;
    QVERIFY2(failPixels > 100, qPrintable(QString::number(failPixels)));
    QFile csv(m_dir.filePath(QStringLiteral("validation.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(csv.readAll()).trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 11);
    QCOMPARE(lines[0].count(QLatin1Char(',')), 2 + 32);
    const QImage shot = view.grab().toImage();
    QVERIFY(!shot.isNull());
    if (const QByteArray dir = qgetenv("RUNLENS_SCREENSHOT_DIR"); !dir.isEmpty())
        shot.save(QString::fromLocal8Bit(dir) + QStringLiteral("/validationview.png"));

    // Runs that are not validation reports leave the view saying what to select.
    view.setRuns(m_cachePath, {});
    QVERIFY(!view.figure());
    QVERIFY(view.message().contains(QStringLiteral("Great Expectations")));
}

void TestValidationView::mainWindowTabShowsSelectedRuns() {
    RUNLENS_REQUIRE_CORPUS();
    if (m_cachePath.empty())
        QSKIP("needs the workspace of validationsOverTimeFromTheCorpus");
    MainWindow window;
    // The runs are read on a worker thread and arrive with runsLoaded.
    QSignalSpy loaded(&window, &MainWindow::runsLoaded);
    QVERIFY(window.openWorkspace(QString::fromStdString(m_cachePath)));
    window.resize(1400, 900);
    window.show();
    QVERIFY(!loaded.isEmpty() || loaded.wait(10000));
    QCOMPARE(window.runTable()->model()->rowCount(), 32);
    auto* view = window.findChild<ValidationView*>();
    QVERIFY(view);
    window.compareTabs()->setCurrentWidget(view);
    window.runTable()->clearSelection();
    QVERIFY(!view->figure());
    window.runTable()->selectAll();
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), 20000);
    QVERIFY(view->figure());
    QCOMPARE(view->figure()->grid().columns.size(), std::size_t(32));
    window.runTable()->setCurrentIndex(window.runTable()->model()->index(0, 0));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), 20000);
    QCOMPARE(view->figure()->grid().columns.size(), std::size_t(1));

    // Hidden behind another tab it reads nothing; shown again it catches up with the selection.
    window.compareTabs()->setCurrentIndex(0);
    window.runTable()->selectAll();
    QVERIFY(!view->isLoading());
    QCOMPARE(view->figure()->grid().columns.size(), std::size_t(1));
    window.compareTabs()->setCurrentWidget(view);
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), 20000);
    QCOMPARE(view->figure()->grid().columns.size(), std::size_t(32));
}

void TestValidationView::aNewerSelectionDropsTheStaleLoad() {
    RUNLENS_REQUIRE_CORPUS();
    if (m_cachePath.empty())
        QSKIP("needs the workspace of validationsOverTimeFromTheCorpus");
    ValidationView view;
    view.show();
    QSignalSpy loaded(&view, &ValidationView::validationLoaded);
    view.setRuns(m_cachePath, m_runIds);
    QVERIFY(view.isLoading());
    // The first load finishes on its worker; its result waits in the event queue while the selection changes.
    QThreadPool::globalInstance()->waitForDone();
    view.setRuns(m_cachePath, {m_runIds[3], m_runIds[5]});
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(view.droppedLoads(), 1, 5000);  // the 32-run result arrived and was dropped
    QCOMPARE(loaded.count(), 1);
    QVERIFY(view.figure());
    QCOMPARE(view.figure()->grid().columns.size(), std::size_t(2));
    std::set<std::int64_t> shown;
    for (const auto& column : view.figure()->grid().columns)
        shown.insert(column.runId);
    QCOMPARE(shown, (std::set<std::int64_t>{m_runIds[3], m_runIds[5]}));
}

void TestValidationView::unreadableReportNamesRunAndFile() {
    RUNLENS_REQUIRE_CORPUS();
    if (m_cachePath.empty())
        QSKIP("needs the workspace of validationsOverTimeFromTheCorpus");
    // A copy of the workspace whose first run's report files are cut short.
    const QString damaged = m_dir.filePath(QStringLiteral("damaged.runlens"));
    QVERIFY(QFile::copy(QString::fromStdString(m_cachePath), damaged));
    std::string runName;
    std::vector<std::string> files;
    {
        auto cache = Cache::open(damaged.toStdString());
        QVERIFY(cache.ok());
        CacheReader reader(*cache);
        auto runs = reader.findRuns(std::to_string(m_runIds.front()));
        QVERIFY(runs.ok() && !runs->empty());
        runName = runs->front().run.name.empty() ? runs->front().run.externalId : runs->front().run.name;
        auto artifacts = reader.artifacts(m_runIds.front());
        QVERIFY(artifacts.ok());
        for (const auto& a : *artifacts)
            if (a.hasContent)
                files.push_back(a.path);
        QVERIFY(!files.empty());
        QVERIFY(cache->db()
                    .exec("UPDATE artifacts SET content = CAST('{\"results\": [' AS BLOB) WHERE content IS NOT NULL "
                          "AND run_id = " +
                          std::to_string(m_runIds.front()))
                    .ok());
    }
    ValidationView view;
    view.show();
    view.setRuns(damaged.toStdString(), {m_runIds.front()});
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);
    QVERIFY(!view.figure());
    const QString message = view.message();
    QVERIFY2(message.startsWith(QString::fromStdString(runName) + QStringLiteral(": ")), qPrintable(message));
    bool namesAFile = false;
    for (const auto& file : files)
        namesAFile = namesAFile || message.contains(QFileInfo(QString::fromStdString(file)).fileName());
    QVERIFY2(namesAFile, qPrintable(message));
    // With a readable run beside it the grid shows and the message stays above it.
    view.setRuns(damaged.toStdString(), {m_runIds.front(), m_runIds[1]});
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);
    QVERIFY(view.figure());
    QCOMPARE(view.figure()->grid().columns.size(), std::size_t(1));
    QVERIFY2(view.message().startsWith(QString::fromStdString(runName) + QStringLiteral(": ")),
             qPrintable(view.message()));
}

void TestValidationView::closingWhileLoadingIsSafe() {
    RUNLENS_REQUIRE_CORPUS();
    if (m_cachePath.empty())
        QSKIP("needs the workspace of validationsOverTimeFromTheCorpus");
    auto view = std::make_unique<ValidationView>();
    view->show();
    view->setRuns(m_cachePath, m_runIds);
    QVERIFY(view->isLoading());
    view.reset();  // the worker keeps only copies; its result reaches no one
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    // A missing workspace file is a message naming it, not a crash.
    ValidationView other;
    other.show();
    const std::string missing = m_dir.filePath(QStringLiteral("gone.runlens")).toStdString();
    other.setRuns(missing, m_runIds);
    QTRY_VERIFY_WITH_TIMEOUT(!other.isLoading(), 20000);
    QVERIFY(!other.figure());
    QVERIFY2(other.message().contains(QStringLiteral("gone.runlens")), qPrintable(other.message()));
}

QTEST_MAIN(TestValidationView)
#include "tst_validationview.moc"
