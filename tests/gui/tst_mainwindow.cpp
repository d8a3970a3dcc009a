// SPDX-License-Identifier: MIT
#include "curves/curvechart.h"
#include "curveview.h"
#include "handmadestore.h"
#include "mainwindow.h"
#include "testsupport.h"

#include <QChart>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
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

private:
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
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
    QTableView* table = window.runTable();
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
    table->selectRow(0);
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

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
