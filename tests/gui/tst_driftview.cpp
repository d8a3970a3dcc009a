// SPDX-License-Identifier: MIT
// The drift view on the demo dataset pair, offscreen: summary, columns by severity, figures and their export, the
// columns model, and the demo's first open storing its reports.
#include "analysis/driftpolicy.h"
#include "cache/analysisstore.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "datasets/datasetdrift.h"
#include "drift/demodrift.h"
#include "drift/driftfigures.h"
#include "drift/driftview.h"
#include "importrunner.h"
#include "itemmodels/driftcolumnsmodel.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QFile>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

using namespace runlens;
using nlohmann::json;

namespace {

QString demoDatasets() {
    return QString::fromStdString((test::sourceDir() / "resources" / "demo" / "datasets").string());
}

json demoReport(const char* current) {
    const auto dir = test::sourceDir() / "resources" / "demo" / "datasets";
    auto document = datasets::computeDatasetDrift((dir / "reference.csv").string(), (dir / current).string(),
                                                  analysis::DriftPolicy::defaults());
    return document ? *document : json();
}

class NullObserver final : public ImportObserver {
public:
    bool progress(std::string_view, std::int64_t, std::int64_t) override { return true; }
    void warning(const Error&) override {}
};

}  // namespace

class TestDriftView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void modelSortsBySeverityAndPassesTheTester();
    void viewShowsTheDriftedPair();
    void viewShowsTheStablePair();
    void figuresExportEveryFormat();
    void legendMovesBelowTheTestLineWhenNarrow();
    void importedDocumentWithoutEcdfPaints();
    void demoStoresReportsOnFirstOpen();
    void compareButtonPathStoresWithTheRun();
    void importedEvidentlyReportShowsForItsRun();
    void aNewerRunDropsTheStaleLoad();
    void unreadableStoredReportNamesItsRun();
    void hiddenViewLoadsWhenShownAndCloses();

private:
    QTemporaryDir m_dir;
    json m_drifted;
    json m_stable;
};

void TestDriftView::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_drifted = demoReport("current_drifted.csv");
    m_stable = demoReport("current_stable.csv");
    QVERIFY2(m_drifted.is_object() && m_stable.is_object(), "the demo datasets are missing or unreadable");
}

void TestDriftView::modelSortsBySeverityAndPassesTheTester() {
    DriftColumnsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDocument(m_drifted);
    QCOMPARE(model.rowCount(), 8);
    QCOMPARE(model.columnCount(), static_cast<int>(DriftColumnsModel::ColumnCount));
    // Drifted first, then by severity; the identifier column is not compared.
    bool seenCalm = false;
    double previous = 1e300;
    for (int row = 0; row < model.rowCount(); ++row) {
        const bool drift = model.index(row, 0).data(DriftColumnsModel::DriftRole).toBool();
        const double severity = model.index(row, 0).data(DriftColumnsModel::SeverityRole).toDouble();
        QVERIFY(!(drift && seenCalm));
        if (!drift && !seenCalm) {
            seenCalm = true;
            previous = 1e300;
        }
        QVERIFY(severity <= previous);
        previous = severity;
        QVERIFY(model.index(row, DriftColumnsModel::NameColumn).data().toString() != QStringLiteral("customer_id"));
    }
    QCOMPARE(model.index(0, DriftColumnsModel::StatusColumn).data().toString(), QStringLiteral("drift"));
    QVERIFY(model.index(0, DriftColumnsModel::StatusColumn).data(Qt::BackgroundRole).value<QColor>().isValid());
    model.setDocument(json::object());
    QCOMPARE(model.rowCount(), 0);
}

void TestDriftView::viewShowsTheDriftedPair() {
    ui::DriftView view;
    view.resize(1300, 600);
    view.show();
    view.setDocument(m_drifted);
    QCOMPARE(view.summaryText(), QStringLiteral("Drift: 5 of 8 columns drifted (62.5 %) under policy default"));
    auto* table = view.columnsTable();
    QCOMPARE(table->model()->rowCount(), 8);
    // Most severe first in the table; the first row is selected and drawn.
    QCOMPARE(table->model()->index(0, DriftColumnsModel::StatusColumn).data().toString(), QStringLiteral("drift"));
    QVERIFY(view.currentFigure());
    // A numeric column's figure: histograms and ECDFs.
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        if (table->model()->index(row, DriftColumnsModel::NameColumn).data().toString() == QStringLiteral("income"))
            table->selectRow(row);
    }
    QVERIFY(view.currentFigure()->title().contains(QStringLiteral("income")));
    QVERIFY(view.currentFigure()->csv().startsWith(QStringLiteral("bin_lower,bin_upper,reference,current\n")));
    QCOMPARE(view.exportBaseName(), QStringLiteral("drift-income"));
    const QImage shot = view.grab().toImage();
    QVERIFY(!shot.isNull());
    // The figure paints the current side's colour somewhere (the bars and the ECDF).
    bool currentColourSeen = false;
    const QRgb wanted = ui::driftCurrentColor().rgb();
    for (int y = 0; y < shot.height() && !currentColourSeen; y += 2)
        for (int x = shot.width() / 3; x < shot.width() && !currentColourSeen; x += 2)
            currentColourSeen = shot.pixel(x, y) == wanted;
    QVERIFY(currentColourSeen);
    shot.save(m_dir.filePath(QStringLiteral("driftview.png")));
}

void TestDriftView::viewShowsTheStablePair() {
    ui::DriftView view;
    view.setDocument(m_stable);
    QCOMPARE(view.summaryText(), QStringLiteral("No drift: 0 of 8 columns drifted (0.0 %) under policy default"));
    QCOMPARE(view.columnsTable()->model()->index(0, DriftColumnsModel::StatusColumn).data().toString() !=
                 QStringLiteral("drift"),
             true);
}

void TestDriftView::figuresExportEveryFormat() {
    const ui::DriftSummaryFigure summary(m_drifted);
    QVERIFY(summary.csv().startsWith(QStringLiteral("column,type,test,statistic,p_value,threshold,drift\n")));
    QCOMPARE(summary.csv().count(u'\n'), 9);
    json categorical;
    for (const auto& c : m_drifted["columns"])
        if (c["column"] == "region")
            categorical = c;
    const ui::DriftColumnFigure bars(categorical, QStringLiteral("reference"), QStringLiteral("current"));
    QVERIFY(bars.csv().startsWith(QStringLiteral("category,reference,current\n")));
    for (const char* suffix : {"png", "svg", "pdf", "csv"}) {
        for (const ui::Figure* figure :
             {static_cast<const ui::Figure*>(&summary), static_cast<const ui::Figure*>(&bars)}) {
            const QString path =
                m_dir.filePath(QStringLiteral("export-%1.%2")
                                   .arg(figure == &summary ? QStringLiteral("summary") : QStringLiteral("region"),
                                        QLatin1String(suffix)));
            const auto status = ui::exportFigure(*figure, path);
            QVERIFY2(status.ok(), status.ok() ? "" : status.error().toString().c_str());
            QVERIFY(QFile(path).size() > 50);
        }
    }
}

void TestDriftView::legendMovesBelowTheTestLineWhenNarrow() {
    // The legend sits right of the test line when there is room, else on its own line below it; it never overlaps
    // the test line. Its top is the first pixel of the reference colour (the histogram comes below it).
    json numeric;
    for (const auto& c : m_drifted["columns"])
        if (c["type"] == "numeric" && !numeric.is_object())
            numeric = c;
    QVERIFY(numeric.is_object());
    const ui::DriftColumnFigure figure(numeric, QStringLiteral("reference_customers_2026_q3.csv"),
                                       QStringLiteral("current_customers_2026_q4.csv"));
    const auto style = ui::FigureStyle::forPrint();
    const double lineTop = 10 + QFontMetricsF(style.titleFont).height() + 2;
    const double lineBottom = lineTop + QFontMetricsF(style.font).height();
    const auto legendTop = [&](int width) {
        QImage image(width, 460, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            figure.paint(painter, QRectF(0, 0, width, 460), style);
        }
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (image.pixelColor(x, y).rgb() == ui::driftReferenceColor().rgb())
                    return y;
        return -1;
    };
    const int wide = legendTop(1400);
    QVERIFY2(wide >= lineTop && wide < lineBottom, qPrintable(QString::number(wide)));
    const int narrow = legendTop(520);
    QVERIFY2(narrow >= lineBottom, qPrintable(QStringLiteral("%1 < %2").arg(narrow).arg(lineBottom)));
}

void TestDriftView::importedDocumentWithoutEcdfPaints() {
    // What an imported Evidently report normalises to: no ECDF, counts per bin only, no severity.
    const json imported = {
        {"verdict", "drift"},
        {"policy", "evidently"},
        {"columns_drifted", 1},
        {"columns_total", 1},
        {"columns",
         {{{"column", "age"},
           {"type", "numeric"},
           {"test", "wasserstein"},
           {"statistic", 0.3},
           {"p_value", nullptr},
           {"threshold", 0.1},
           {"drift", true},
           {"histogram", {{"edges", {0, 10, 20, 30}}, {"reference", {5, 10, 5}}, {"current", {1, 5, 14}}}}}}}};
    ui::DriftView view;
    view.resize(1000, 500);
    view.setDocument(imported);
    QCOMPARE(view.columnsTable()->model()->rowCount(), 1);
    QVERIFY(view.currentFigure());
    QImage image(900, 420, QImage::Format_ARGB32);
    QPainter painter(&image);
    view.currentFigure()->paint(painter, QRectF(0, 0, 900, 420), ui::FigureStyle::forPrint());
    painter.end();
    QVERIFY(view.currentFigure()->csv().contains(QStringLiteral("20,30,5,14")));
}

void TestDriftView::demoStoresReportsOnFirstOpen() {
    const QString cachePath = m_dir.filePath(QStringLiteral("demo.runlens"));
    {
        auto cache = Cache::open(cachePath.toStdString());
        QVERIFY(cache.ok());
        NullObserver observer;
        const auto store = test::sourceDir() / "resources" / "demo" / "mlruns";
        const auto report = importers::importSource(*cache, store.string(), observer, {});
        QVERIFY(!report.error);
    }
    QVERIFY(ui::ensureDemoDriftReports(cachePath, demoDatasets()).ok());
    QVERIFY(ui::ensureDemoDriftReports(cachePath, demoDatasets()).ok());  // a second open adds nothing
    auto cache = Cache::openExisting(cachePath.toStdString());
    QVERIFY(cache.ok());
    auto all = analysesOfKind(*cache, analysis_kind::drift);
    QVERIFY(all.ok());
    QCOMPARE(all->size(), std::size_t{2});

    // The view with no run selected lists the workspace's reports, newest (the drifted pair) first.
    ui::DriftView view;
    view.show();
    QSignalSpy loaded(&view, &ui::DriftView::reportsLoaded);
    view.setWorkspace(cachePath);
    view.setRun(0, {});
    QVERIFY(view.isLoading());  // read on a worker thread; the bar says so meanwhile
    QCOMPARE(view.loadingText(), QStringLiteral("Loading drift reports..."));
    if (qEnvironmentVariableIsSet("RUNLENS_SCREENSHOTS"))
        view.grab().save(qEnvironmentVariable("RUNLENS_SCREENSHOTS") + QStringLiteral("/drift-loading.png"));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QVERIFY(view.loadingText().isEmpty());
    QCOMPARE(view.reportCount(), 2);
    QVERIFY(view.summaryText().startsWith(QStringLiteral("Drift: 5 of 8")));
    CacheReader reader(*cache);
    auto runs = reader.findRuns(ui::demoDriftRunId);
    QVERIFY(runs.ok() && runs->size() == 1);
    view.setRun(runs->front().id, QStringLiteral("lightgbm-depth8"));
    QCOMPARE(view.loadingText(), QStringLiteral("Loading the drift reports of lightgbm-depth8..."));
    QVERIFY(view.summaryText().startsWith(QStringLiteral("Drift: 5 of 8")));  // the report shown stays meanwhile
    if (qEnvironmentVariableIsSet("RUNLENS_SCREENSHOTS"))
        view.grab().save(qEnvironmentVariable("RUNLENS_SCREENSHOTS") + QStringLiteral("/drift-reloading.png"));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 20000);
    QCOMPARE(view.reportCount(), 2);
}

void TestDriftView::compareButtonPathStoresWithTheRun() {
    const QString cachePath = m_dir.filePath(QStringLiteral("demo.runlens"));
    auto cache = Cache::openExisting(cachePath.toStdString());
    QVERIFY(cache.ok());
    CacheReader reader(*cache);
    auto runs = reader.findRuns(ui::demoDriftRunId);
    QVERIFY(runs.ok() && !runs->empty());
    ui::DriftView view;
    view.show();
    view.setWorkspace(cachePath);
    view.setRun(runs->front().id, QStringLiteral("lightgbm-depth8"));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);
    QCOMPARE(view.reportCount(), 2);
    QSignalSpy finished(&view, &ui::DriftView::comparisonFinished);
    view.compareDatasets(demoDatasets() + QStringLiteral("/current_stable.csv"),
                         demoDatasets() + QStringLiteral("/current_drifted.csv"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QVERIFY(finished.front().front().toBool());
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);  // the stored report is read back with the others
    QCOMPARE(view.reportCount(), 3);
    view.compareDatasets(demoDatasets() + QStringLiteral("/missing.csv"), demoDatasets());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
    QVERIFY(!finished.back().front().toBool());
    QVERIFY(view.summaryText().contains(QStringLiteral("missing.csv")));
}

void TestDriftView::importedEvidentlyReportShowsForItsRun() {
    RUNLENS_REQUIRE_CORPUS();
    // Evidently 0.5 bins some columns over different ranges per side; the view re-bins them onto shared edges.
    const auto report = test::corpusDir() / "drift-validation" / "evidently-0.5-report-and-ui-workspace-snapshots" /
                        "data_drift_report.json";
    QTemporaryDir folder;
    QVERIFY(QFile::copy(QString::fromStdString(report.string()), folder.filePath(QStringLiteral("report.json"))));
    const QString cachePath = m_dir.filePath(QStringLiteral("evidently.runlens"));
    auto cache = Cache::open(cachePath.toStdString());
    QVERIFY(cache.ok());
    NullObserver observer;
    const auto imported = importers::importSource(*cache, folder.path().toStdString(), observer, {});
    QVERIFY2(!imported.error, imported.error ? imported.error->message.c_str() : "");
    CacheReader reader(*cache);
    auto runs = reader.runs();
    QVERIFY(runs.ok());
    QCOMPARE(runs->size(), std::size_t{1});

    ui::DriftView view;
    view.resize(1100, 600);
    view.show();
    view.setWorkspace(cachePath);
    view.setRun(runs->front().id, QStringLiteral("report"));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);
    QCOMPARE(view.reportCount(), 1);
    QVERIFY2(view.summaryText().contains(QStringLiteral("5 of 15")), qPrintable(view.summaryText()));
    QCOMPARE(view.columnsTable()->model()->rowCount(), 15);
    int withHistogram = 0;
    for (int row = 0; row < view.columnsTable()->model()->rowCount(); ++row) {
        view.columnsTable()->selectRow(row);
        QVERIFY(view.currentFigure());
        QImage image(900, 420, QImage::Format_ARGB32);
        QPainter painter(&image);
        view.currentFigure()->paint(painter, QRectF(0, 0, 900, 420), ui::FigureStyle::forPrint());
        painter.end();
        const QString csv = view.currentFigure()->csv();
        if (csv.startsWith(QStringLiteral("bin_lower")))
            ++withHistogram;
    }
    QVERIFY(withHistogram > 0);
}

void TestDriftView::aNewerRunDropsTheStaleLoad() {
    const QString cachePath = m_dir.filePath(QStringLiteral("demo.runlens"));
    auto cache = Cache::openExisting(cachePath.toStdString());
    QVERIFY(cache.ok());
    CacheReader reader(*cache);
    auto withReports = reader.findRuns(ui::demoDriftRunId);
    QVERIFY(withReports.ok() && withReports->size() == 1);
    auto all = reader.runs();
    QVERIFY(all.ok());
    const RunRow* without = nullptr;
    for (const auto& run : *all)
        if (run.id != withReports->front().id && !without)
            without = &run;
    QVERIFY(without);

    ui::DriftView view;
    view.show();
    view.setWorkspace(cachePath);
    view.setRun(withReports->front().id, QStringLiteral("lightgbm-depth8"));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);
    const int droppedBefore = view.droppedLoads();
    QSignalSpy loaded(&view, &ui::DriftView::reportsLoaded);
    view.setRun(withReports->front().id, QStringLiteral("lightgbm-depth8"));
    // That load finishes on its worker; its result waits in the event queue while another run is selected.
    QThreadPool::globalInstance()->waitForDone();
    view.setRun(without->id, QStringLiteral("other-run"));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(view.droppedLoads(), droppedBefore + 1, 5000);
    QCOMPARE(loaded.count(), 1);
    // The second run's content: it has no report, so the workspace's are listed and the line says so.
    QVERIFY2(view.detailsText().startsWith(QStringLiteral("other-run has no drift report")),
             qPrintable(view.detailsText()));
}

void TestDriftView::unreadableStoredReportNamesItsRun() {
    const QString cachePath = m_dir.filePath(QStringLiteral("damaged.runlens"));
    QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("demo.runlens")), cachePath));
    std::int64_t runId = 0;
    int readable = 0;
    {
        auto cache = Cache::open(cachePath.toStdString());
        QVERIFY(cache.ok());
        auto runs = CacheReader(*cache).findRuns(ui::demoDriftRunId);
        QVERIFY(runs.ok() && runs->size() == 1);
        runId = runs->front().id;
        auto stored = runAnalyses(*cache, runId, analysis_kind::drift);
        QVERIFY(stored.ok());
        readable = static_cast<int>(stored->size());
        AnalysisRow row;
        row.runId = runId;
        row.kind = std::string(analysis_kind::drift);
        row.name = "broken.csv vs other.csv";
        row.resultJson = "{\"verdict\": \"dri";  // cut short
        QVERIFY(saveAnalysis(*cache, row).ok());
    }
    ui::DriftView view;
    view.show();
    view.setWorkspace(cachePath);
    view.setRun(runId, QStringLiteral("lightgbm-depth8"));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);
    QCOMPARE(view.reportCount(), readable);  // the readable ones are still listed
    QVERIFY2(view.detailsText().contains(QStringLiteral(
                 "lightgbm-depth8: the stored drift report \"broken.csv vs other.csv\" is not a JSON object")),
             qPrintable(view.detailsText()));
    // A workspace that cannot be opened says which file.
    view.setWorkspace(m_dir.filePath(QStringLiteral("gone.runlens")));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading(), 20000);
    QCOMPARE(view.reportCount(), 0);
    QVERIFY2(view.detailsText().contains(QStringLiteral("gone.runlens")), qPrintable(view.detailsText()));
}

void TestDriftView::hiddenViewLoadsWhenShownAndCloses() {
    const QString cachePath = m_dir.filePath(QStringLiteral("demo.runlens"));
    auto view = std::make_unique<ui::DriftView>();
    QSignalSpy loaded(view.get(), &ui::DriftView::reportsLoaded);
    view->setWorkspace(cachePath);
    view->setRun(0, {});
    QVERIFY(!view->isLoading());  // hidden: nothing is read
    view->show();
    QVERIFY(view->isLoading());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QCOMPARE(view->reportCount(), 3);
    view->setRun(0, {});
    QVERIFY(view->isLoading());
    view.reset();  // closed mid-load: the worker keeps only copies and its result reaches no one
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
}

QTEST_MAIN(TestDriftView)
#include "tst_driftview.moc"
