// SPDX-License-Identifier: MIT
#include "curves/curvechart.h"
#include "curveview.h"
#include "handmadestore.h"
#include "itemmodels/rungroupproxymodel.h"
#include "mainwindow.h"
#include "testsupport.h"
#include "views/metricsummaryview.h"
#include "views/paramdiffview.h"

#include <QAction>
#include <QChart>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

using runlens::ui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void emptyWorkspaceSaysWhatToDo();
    void importShowsRunsAndFilterNarrowsThem();
    void failedImportGoesToProblemsPanel();
    void rendersSomethingOnScreen();
    void demoGroupedByExperimentAsATree();

private:
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("RunLensTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    QSettings().clear();  // no grouping or column choice left over from an earlier run
    runlens::test::writeHandmadeStore(m_dir.filePath(QStringLiteral("mlruns")).toStdString());
}

void TestMainWindow::emptyWorkspaceSaysWhatToDo() {
    MainWindow window;
    QVERIFY(window.openWorkspace(m_dir.filePath(QStringLiteral("empty.runlens"))));
    window.show();
    QCOMPARE(window.runTable()->model()->rowCount(), 0);
    QVERIFY(!window.runTable()->isVisible());  // the empty-state page is shown instead of an empty table
}

void TestMainWindow::importShowsRunsAndFilterNarrowsThem() {
    MainWindow window;
    QVERIFY(window.openWorkspace(m_dir.filePath(QStringLiteral("a.runlens"))));
    window.show();
    QSignalSpy finished(&window, &MainWindow::importFinished);
    window.importPaths({m_dir.filePath(QStringLiteral("mlruns"))});
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    QTreeView* table = window.runTable();
    QVERIFY(table->isVisible());
    QCOMPARE(table->model()->rowCount(), 3);

    QLineEdit* filter = nullptr;  // the run filter, not the curve view's metric filter
    for (auto* edit : window.findChildren<QLineEdit*>())
        if (!filter && !window.curveView()->isAncestorOf(edit))
            filter = edit;
    QVERIFY(filter);
    QTest::keyClicks(filter, QStringLiteral("killed"));
    QCOMPARE(table->model()->rowCount(), 1);
    bool countShown = false;  // the status bar says how many of the runs the filter shows
    for (auto* label : window.findChildren<QLabel*>())
        countShown = countShown || label->text().startsWith(QStringLiteral("1 of 3 runs shown"));
    QVERIFY(countShown);
    filter->clear();
    QCOMPARE(table->model()->rowCount(), 3);
    // An expression filters on params and metrics; a bad one says where, and keeps the last good filter.
    filter->setText(QStringLiteral("params.alpha == 0.5 and metrics.train/loss <= 0"));
    QCOMPARE(table->model()->rowCount(), 1);
    filter->setText(QStringLiteral("params.alpha == 0.5 and"));
    QCOMPARE(table->model()->rowCount(), 1);
    QLabel* error = nullptr;
    for (auto* label : window.findChildren<QLabel*>())
        if (label->text().startsWith(QStringLiteral("Filter not applied")))
            error = label;
    QVERIFY(error && error->isVisible());
    QVERIFY(error->text().contains(QStringLiteral("column 24")));
    filter->clear();
    QVERIFY(!error->isVisible());
    QCOMPARE(table->model()->rowCount(), 3);

    // Selecting runs overlays their curves: raw and smoothed series per run, fed whole.
    QSignalSpy shown(window.curveView(), &runlens::ui::CurveView::curvesShown);
    window.curveView()->setSmoothing(0.5);
    table->selectAll();
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, 10000);
    QCOMPARE(window.curveView()->metric(), QStringLiteral("train/loss"));
    const auto* chart = window.curveView()->chartFor(QStringLiteral("train/loss"));
    QVERIFY(chart && chart->scene());
    QCOMPARE(chart->scene()->runs.size(), std::size_t{1});  // only run A has train/loss
    QVERIFY(chart->scene()->runs.front().raw.size() >= 4);  // steps 1..4 each a column: finite lows and highs drawn
    QVERIFY(!chart->scene()->runs.front().smooth.empty());
    table->clearSelection();

    // Selecting a run fills the details with its params, shown as plain text.
    table->setCurrentIndex(table->model()->index(0, 0));
    auto detailsFilled = [&window] {
        bool filled = false;
        for (auto* tree : window.findChildren<QTreeWidget*>())
            filled = filled || (tree != window.problemsList() && tree->topLevelItemCount() >= 4);
        return filled;
    };
    QTRY_VERIFY_WITH_TIMEOUT(detailsFilled(), 5000);  // selection changes reach the tabs in one batch
}

void TestMainWindow::failedImportGoesToProblemsPanel() {
    MainWindow window;
    QVERIFY(window.openWorkspace(m_dir.filePath(QStringLiteral("b.runlens"))));
    window.show();
    QSignalSpy finished(&window, &MainWindow::importFinished);
    const QString missing = m_dir.filePath(QStringLiteral("does-not-exist"));
    window.importPaths({missing});
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    QTreeWidget* problems = window.problemsList();
    QCOMPARE(problems->topLevelItemCount(), 1);
    QCOMPARE(problems->topLevelItem(0)->text(1), missing);
    QVERIFY(problems->topLevelItem(0)->text(3).contains(QStringLiteral("no such file")));
    QVERIFY(problems->isVisible());
}

void TestMainWindow::rendersSomethingOnScreen() {
    MainWindow window;
    QSignalSpy loaded(&window, &MainWindow::runsLoaded);
    QVERIFY(window.openWorkspace(m_dir.filePath(QStringLiteral("a.runlens"))));
    QVERIFY(loaded.wait(10000));  // runs are read on a worker thread
    window.resize(1200, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QImage image = window.grab().toImage();
    QVERIFY(!image.isNull());
    // Not blank: the table's text draws many distinct colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 8, qPrintable(QString::number(colours.size())));
    const QString out = QString::fromStdString((runlens::test::binaryDir() / "mainwindow.png").string());
    QVERIFY(image.save(out));
}

// The demo grouped by experiment: group rows open by default, one closed with the keyboard stays closed through a
// filter and a re-sync, and clicking a group row selects its runs for the compare tabs.
void TestMainWindow::demoGroupedByExperimentAsATree() {
    MainWindow window;
    QVERIFY(window.openWorkspace(m_dir.filePath(QStringLiteral("demo.runlens"))));
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy finished(&window, &MainWindow::importFinished);
    window.importPaths({QString::fromStdString((runlens::test::sourceDir() / "resources/demo/mlruns").string())});
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QTreeView* tree = window.runTable();
    QAbstractItemModel* model = tree->model();
    const int runs = model->rowCount();
    QVERIFY(runs >= 10);
    QVERIFY(!model->hasChildren(model->index(0, 0)));  // no grouping: the runs are the rows

    window.setRunGrouping(runlens::RunGrouping::experiment);
    QCOMPARE(model->rowCount(), 2);
    auto group = [model](int row) {
        return model->index(row, 0);
    };
    QVERIFY(group(0).data().toString().startsWith(QStringLiteral("cifar10-resnet18  (")));
    QVERIFY(group(1).data().toString().startsWith(QStringLiteral("credit-default-gbm  (")));
    const int cifarRuns = model->rowCount(group(0));
    const int creditRuns = model->rowCount(group(1));
    QCOMPARE(cifarRuns + creditRuns, runs);
    QVERIFY(group(1).data().toString().endsWith(QStringLiteral("(%1 runs)").arg(creditRuns)));
    QVERIFY(tree->isExpanded(group(0)) && tree->isExpanded(group(1)));  // open by default
    QVERIFY(tree->isFirstColumnSpanned(1, {}));                         // the name and count across the row

    // Left on a group row closes it.
    tree->setFocus();
    tree->setCurrentIndex(group(1));
    QTest::keyClick(tree, Qt::Key_Left);
    QVERIFY(!tree->isExpanded(group(1)));
    QVERIFY(tree->isExpanded(group(0)));
    // A filter that hides the closed group, then shows it again, and a re-sync: it stays closed.
    window.filterEdit()->setText(QStringLiteral("cifar10"));
    QCOMPARE(model->rowCount(), 1);
    QVERIFY(group(0).data().toString().endsWith(QStringLiteral("(%1 runs)").arg(cifarRuns)));
    window.filterEdit()->clear();
    QCOMPARE(model->rowCount(), 2);
    QVERIFY(tree->isExpanded(group(0)) && !tree->isExpanded(group(1)));
    window.resyncAll();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
    QCOMPARE(model->rowCount(), 2);
    QVERIFY(tree->isExpanded(group(0)) && !tree->isExpanded(group(1)));

    // Clicking the closed group's row selects its runs (never the group row), and the compare tabs get them.
    tree->clearSelection();
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(group(1)).center());
    QTRY_COMPARE_WITH_TIMEOUT(window.paramDiffView()->model()->runCount(), creditRuns, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(window.metricSummaryView()->model()->runCount(), creditRuns, 5000);
    QVERIFY(!tree->isExpanded(group(1)));
    std::vector<std::int64_t> ids = window.selectedRunIds();
    QCOMPARE(ids.size(), static_cast<std::size_t>(creditRuns));
    for (const std::int64_t id : ids) {
        const runlens::RunRow* run = window.runModel()->runAt(window.runModel()->rowOfRun(id));
        QVERIFY(run && run->experimentName == "credit-default-gbm");
    }
    const QImage image = window.grab().toImage();
    QVERIFY(image.save(QString::fromStdString((runlens::test::binaryDir() / "mainwindow-grouped.png").string())));

    // Ctrl+click on the other group adds its runs; table order reads the tree top to bottom.
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::ControlModifier, tree->visualRect(group(0)).center());
    QTRY_COMPARE_WITH_TIMEOUT(window.metricSummaryView()->model()->runCount(), runs, 5000);
    ids = window.selectedRunIds();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const runlens::RunRow* run = window.runModel()->runAt(window.runModel()->rowOfRun(ids[i]));
        QCOMPARE(run->experimentName,
                 std::string(i < static_cast<std::size_t>(cifarRuns) ? "cifar10-resnet18" : "credit-default-gbm"));
    }

    // View > Collapse All Groups and Expand All Groups.
    QAction* collapseAll = nullptr;
    QAction* expandAll = nullptr;
    for (QAction* action : window.findChildren<QAction*>()) {
        if (action->text() == QStringLiteral("C&ollapse All Groups"))
            collapseAll = action;
        if (action->text() == QStringLiteral("&Expand All Groups"))
            expandAll = action;
    }
    QVERIFY(collapseAll && expandAll && collapseAll->isEnabled());
    collapseAll->trigger();
    QVERIFY(!tree->isExpanded(group(0)) && !tree->isExpanded(group(1)));
    expandAll->trigger();
    QVERIFY(tree->isExpanded(group(0)) && tree->isExpanded(group(1)));

    window.setRunGrouping(runlens::RunGrouping::none);
    QCOMPARE(model->rowCount(), runs);
    QVERIFY(!collapseAll->isEnabled());
    QCOMPARE(window.selectedRunIds().size(), static_cast<std::size_t>(runs));  // the selection stays
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
