// SPDX-License-Identifier: MIT
#include "comparestore.h"
#include "handmadestore.h"
#include "itemmodels/runfilterproxymodel.h"
#include "mainwindow.h"
#include "recentworkspaces.h"
#include "sourcewatcher.h"
#include "testsupport.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QFile>
#include <QHeaderView>
#include <QMenu>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUrl>

using runlens::RunTableModel;
using runlens::ui::MainWindow;
using runlens::ui::RecentWorkspaces;

class TestWorkspace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void recentWorkspacesKeepTenAndDropMissingFiles();
    void openRecentMenuReopensAWorkspace();
    void runsAreReadOffTheGuiThread();
    void resyncReadsNewRuns();
    void watcherSignalsOnceAfterABurstOfWrites();
    void autoResyncImportsARunWrittenLater();
    void groupingKeepsExperimentsTogether();
    void columnChooserAddsParamAndMetricColumnsAndRemembersThem();
    void droppingAFolderImportsIt();

private:
    QString importInto(MainWindow& window, const QString& workspace, const QString& source);
    QTemporaryDir m_dir;
};

void TestWorkspace::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("RunLensTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_workspace"));
    runlens::test::writeHandmadeStore(m_dir.filePath(QStringLiteral("mlruns")).toStdString());
}

void TestWorkspace::init() {
    QSettings().clear();
}

QString TestWorkspace::importInto(MainWindow& window, const QString& workspace, const QString& source) {
    if (!window.openWorkspace(workspace))
        return QStringLiteral("cannot open workspace");
    QSignalSpy finished(&window, &MainWindow::importFinished);
    window.importPaths({source});
    if (!finished.wait(20000) && finished.isEmpty())
        return QStringLiteral("import did not finish");
    return {};
}

void TestWorkspace::recentWorkspacesKeepTenAndDropMissingFiles() {
    QStringList files;
    for (int i = 0; i < 12; ++i) {
        const QString path = m_dir.filePath(QStringLiteral("recent%1.runlens").arg(i));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        files << path;
        RecentWorkspaces::add(path);
    }
    QStringList recent = RecentWorkspaces::list();
    QCOMPARE(recent.size(), RecentWorkspaces::maxEntries);
    QCOMPARE(recent.front(), files.last());  // newest first
    QVERIFY(!recent.contains(files.front()));
    RecentWorkspaces::add(files[5]);  // opening again moves it to the top, once
    recent = RecentWorkspaces::list();
    QCOMPARE(recent.front(), files[5]);
    QCOMPARE(recent.count(files[5]), 1);
    QVERIFY(QFile::remove(files[11]));
    recent = RecentWorkspaces::list();
    QVERIFY(!recent.contains(files[11]));
    QCOMPARE(QSettings().value(QStringLiteral("workspace/recent")).toStringList(), recent);  // pruned for good
}

void TestWorkspace::openRecentMenuReopensAWorkspace() {
    MainWindow window;
    const QString first = m_dir.filePath(QStringLiteral("first.runlens"));
    const QString second = m_dir.filePath(QStringLiteral("second.runlens"));
    QVERIFY(window.openWorkspace(first));
    QVERIFY(window.openWorkspace(second));
    QCOMPARE(QSettings().value(QStringLiteral("workspace/last")).toString(), second);  // reopened on next start
    QMenu* recent = window.recentMenu();
    Q_EMIT recent->aboutToShow();
    QAction* firstAction = nullptr;
    for (QAction* action : recent->actions())
        if (action->data().toString() == QFileInfo(first).absoluteFilePath())
            firstAction = action;
    QVERIFY(firstAction);
    QCOMPARE(recent->actions().front()->data().toString(), QFileInfo(second).absoluteFilePath());
    firstAction->trigger();
    QCOMPARE(QFileInfo(window.workspacePath()).fileName(), QStringLiteral("first.runlens"));
}

void TestWorkspace::runsAreReadOffTheGuiThread() {
    MainWindow window;
    QCOMPARE(
        importInto(window, m_dir.filePath(QStringLiteral("async.runlens")), m_dir.filePath(QStringLiteral("mlruns"))),
        QString());
    MainWindow second;
    QSignalSpy loaded(&second, &MainWindow::runsLoaded);
    QVERIFY(second.openWorkspace(m_dir.filePath(QStringLiteral("async.runlens"))));
    // openWorkspace returns before the runs are read; they arrive with runsLoaded.
    QCOMPARE(second.runModel()->rowCount(), 0);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(second.runModel()->rowCount(), 3);
    QVERIFY(second.runTable()->selectionModel()->hasSelection());  // the first run is selected for the tabs
}

void TestWorkspace::resyncReadsNewRuns() {
    const QString store = m_dir.filePath(QStringLiteral("growing"));
    runlens::test::writeCompareStore(store.toStdString());
    MainWindow window;
    QCOMPARE(importInto(window, m_dir.filePath(QStringLiteral("resync.runlens")), store), QString());
    QCOMPARE(window.runModel()->rowCount(), 3);
    // Keep a selection across the re-sync.
    window.runTable()->selectAll();
    const auto selected = window.selectedRunIds();
    QCOMPARE(selected.size(), std::size_t(3));

    runlens::test::writeCompareRun(store.toStdString(), 4, "0.5", 0.9, 0.5);
    QSignalSpy finished(&window, &MainWindow::importFinished);
    window.resyncAll();
    QVERIFY(finished.wait(20000));
    QCOMPARE(window.runModel()->rowCount(), 4);
    auto after = window.selectedRunIds();
    std::sort(after.begin(), after.end());
    auto before = selected;
    std::sort(before.begin(), before.end());
    QCOMPARE(after, before);  // the same runs stay selected (ids are stable across re-imports)
}

void TestWorkspace::watcherSignalsOnceAfterABurstOfWrites() {
    QTemporaryDir dir;
    runlens::test::writeFile((std::filesystem::path(dir.path().toStdString()) / "run/metrics/loss"), "1 0.5 0\n");
    runlens::ui::SourceWatcher watcher;
    watcher.setQuietPeriod(300);
    watcher.setSources({dir.path()});
    QSignalSpy changed(&watcher, &runlens::ui::SourceWatcher::changed);
    watcher.setEnabled(true);
    QVERIFY(watcher.watchedPathCount() >= 3);  // the root, its folders and the metric file
    const QString metric = dir.filePath(QStringLiteral("run/metrics/loss"));
    for (int i = 0; i < 3; ++i) {  // a training appending to a metric file
        QFile file(metric);
        QVERIFY(file.open(QIODevice::Append));
        file.write(QByteArray::number(i + 1) + " 0.4 " + QByteArray::number(i + 1) + "\n");
        file.close();
        QTest::qWait(50);
    }
    QVERIFY(changed.wait(5000));
    QTest::qWait(600);
    QCOMPARE(changed.count(), 1);
    // Switched off, nothing is reported.
    watcher.setEnabled(false);
    QCOMPARE(watcher.watchedPathCount(), 0);
    QFile file(metric);
    QVERIFY(file.open(QIODevice::Append));
    file.write("9 0.1 9\n");
    file.close();
    QTest::qWait(600);
    QCOMPARE(changed.count(), 1);
}

void TestWorkspace::autoResyncImportsARunWrittenLater() {
    const QString store = m_dir.filePath(QStringLiteral("live"));
    runlens::test::writeCompareStore(store.toStdString());
    MainWindow window;
    QCOMPARE(importInto(window, m_dir.filePath(QStringLiteral("live.runlens")), store), QString());
    QCOMPARE(window.runModel()->rowCount(), 3);
    window.sourceWatcher()->setQuietPeriod(200);
    window.setAutoResync(true);
    QVERIFY(QSettings().value(QStringLiteral("workspace/autoResync")).toBool());
    QSignalSpy finished(&window, &MainWindow::importFinished);
    runlens::test::writeCompareRun(store.toStdString(), 5, "0.2", 0.2, 0.9);
    QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->rowCount(), 4, 20000);
    QVERIFY(finished.count() >= 1);
    window.setAutoResync(false);
}

void TestWorkspace::groupingKeepsExperimentsTogether() {
    MainWindow window;
    QCOMPARE(
        importInto(window, m_dir.filePath(QStringLiteral("group.runlens")), m_dir.filePath(QStringLiteral("mlruns"))),
        QString());
    const QString second = m_dir.filePath(QStringLiteral("sweep"));
    runlens::test::writeCompareStore(second.toStdString());
    QSignalSpy finished(&window, &MainWindow::importFinished);
    window.importPaths({second});
    QVERIFY(finished.wait(20000));
    QTreeView* table = window.runTable();
    QAbstractItemModel* tree = table->model();
    QCOMPARE(tree->rowCount(), 6);
    // Grouping by source gives a group row per source with its runs inside, whatever column sorts.
    window.groupingBox()->setCurrentIndex(
        window.groupingBox()->findData(static_cast<int>(runlens::RunGrouping::source)));
    auto runsPerGroup = [tree] {
        QList<int> counts;
        for (int row = 0; row < tree->rowCount(); ++row)
            counts << tree->rowCount(tree->index(row, 0));
        return counts;
    };
    QCOMPARE(runsPerGroup(), QList<int>({3, 3}));
    table->sortByColumn(RunTableModel::NameColumn, Qt::AscendingOrder);
    QCOMPARE(runsPerGroup(), QList<int>({3, 3}));
    QCOMPARE(QSettings().value(QStringLiteral("runs/grouping")).toInt(),
             static_cast<int>(runlens::RunGrouping::source));
    window.setRunGrouping(runlens::RunGrouping::none);
    QCOMPARE(window.groupingBox()->currentData().toInt(), static_cast<int>(runlens::RunGrouping::none));
    QCOMPARE(tree->rowCount(), 6);
}

void TestWorkspace::columnChooserAddsParamAndMetricColumnsAndRemembersThem() {
    const QString store = m_dir.filePath(QStringLiteral("columns"));
    runlens::test::writeCompareStore(store.toStdString());
    {
        MainWindow window;
        QCOMPARE(importInto(window, m_dir.filePath(QStringLiteral("columns.runlens")), store), QString());
        RunTableModel* model = window.runModel();
        // Before any choice: a few params and metrics are shown.
        QVERIFY(model->columnCount() > RunTableModel::FixedColumnCount);
        std::unique_ptr<QMenu> menu(window.makeColumnMenu());
        QAction* userColumn = nullptr;
        QMenu* params = nullptr;
        QMenu* metrics = nullptr;
        for (QAction* action : menu->actions()) {
            if (action->text() == QStringLiteral("User"))
                userColumn = action;
            if (action->menu() && action->text() == QStringLiteral("Parameters"))
                params = action->menu();
            if (action->menu() && action->text() == QStringLiteral("Metrics"))
                metrics = action->menu();
        }
        QVERIFY(userColumn && params && metrics);
        userColumn->setChecked(false);
        QVERIFY(window.runTable()->header()->isSectionHidden(RunTableModel::UserColumn));
        // Reset the extra columns to none by unticking all, then pick lr and val/loss (min).
        for (QAction* action : params->actions())
            action->setChecked(false);
        for (QAction* keyAction : metrics->actions())
            for (QAction* stat : keyAction->menu()->actions())
                stat->setChecked(false);
        QCOMPARE(model->columnCount(), RunTableModel::FixedColumnCount);
        for (QAction* action : params->actions())
            if (action->text() == QStringLiteral("lr"))
                action->setChecked(true);
        for (QAction* keyAction : metrics->actions())
            if (keyAction->text() == QStringLiteral("val/loss"))
                for (QAction* stat : keyAction->menu()->actions())
                    if (stat->text() == QStringLiteral("Min"))
                        stat->setChecked(true);
        QCOMPARE(model->columnCount(), RunTableModel::FixedColumnCount + 2);
        QCOMPARE(model->headerData(RunTableModel::FixedColumnCount + 1, Qt::Horizontal).toString(),
                 QStringLiteral("val/loss (min)"));
        // Sorting on the metric column sorts by value: the lowest minimum first.
        window.runTable()->sortByColumn(RunTableModel::FixedColumnCount + 1, Qt::AscendingOrder);
        QCOMPARE(window.runTable()->model()->index(0, RunTableModel::NameColumn).data().toString(),
                 QStringLiteral("run-2"));
        // A width the user gives a column is kept.
        window.runTable()->header()->resizeSection(RunTableModel::FixedColumnCount, 177);
        window.close();
    }
    // A new window remembers the choice.
    MainWindow window;
    QSignalSpy loaded(&window, &MainWindow::runsLoaded);
    QVERIFY(window.openWorkspace(m_dir.filePath(QStringLiteral("columns.runlens"))));
    QVERIFY(loaded.wait(10000));
    QCOMPARE(window.runModel()->columnCount(), RunTableModel::FixedColumnCount + 2);
    QCOMPARE(window.runModel()->headerData(RunTableModel::FixedColumnCount, Qt::Horizontal).toString(),
             QStringLiteral("lr"));
    QVERIFY(window.runTable()->header()->isSectionHidden(RunTableModel::UserColumn));
    QCOMPARE(window.runTable()->header()->sectionSize(RunTableModel::FixedColumnCount), 177);
}

void TestWorkspace::droppingAFolderImportsIt() {
    const QString store = m_dir.filePath(QStringLiteral("dropped"));
    runlens::test::writeCompareStore(store.toStdString());
    MainWindow window;
    QVERIFY(window.openWorkspace(m_dir.filePath(QStringLiteral("drop.runlens"))));
    window.show();
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(store)});
    QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QSignalSpy finished(&window, &MainWindow::importFinished);
    QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QVERIFY(finished.wait(20000));
    QCOMPARE(window.runModel()->rowCount(), 3);
}

QTEST_MAIN(TestWorkspace)
#include "tst_workspace.moc"
