// SPDX-License-Identifier: MIT
#include "comparestore.h"
#include "figure/figure.h"
#include "itemmodels/metricsummarymodel.h"
#include "itemmodels/paramdiffmodel.h"
#include "mainwindow.h"
#include "testsupport.h"
#include "views/metricsummaryview.h"
#include "views/paramdiffview.h"
#include "views/tablefigure.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFile>
#include <QIcon>
#include <QImage>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using runlens::MetricSummaryModel;
using runlens::ParamDiffModel;
using runlens::ui::MainWindow;

class TestCompareViews : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void paramDiffShowsOnlyDifferencesAndCopies();
    void metricSummaryHighlightsBestAndSwitchesDirection();
    void keyboardAndFilterDriveTheSelection();
    void currentTabExportsItsFigure();
    void followsADarkPalette();

private:
    QPushButton* button(QWidget* parent, const QString& text);
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;
};

void TestCompareViews::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("RunLensTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_compareviews"));
    runlens::test::writeCompareStore(m_dir.filePath(QStringLiteral("mlruns")).toStdString());
}

void TestCompareViews::init() {
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    QVERIFY(m_window->openWorkspace(
        m_dir.filePath(QStringLiteral("w%1.runlens").arg(QString::fromLatin1(QTest::currentTestFunction())))));
    m_window->show();
    QSignalSpy finished(m_window.get(), &MainWindow::importFinished);
    m_window->importPaths({m_dir.filePath(QStringLiteral("mlruns"))});
    QVERIFY(finished.wait(20000));
    QCOMPARE(m_window->runTable()->model()->rowCount(), 3);
}

void TestCompareViews::cleanup() {
    m_window.reset();
}

QPushButton* TestCompareViews::button(QWidget* parent, const QString& text) {
    for (auto* b : parent->findChildren<QPushButton*>())
        if (b->text() == text)
            return b;
    return nullptr;
}

void TestCompareViews::paramDiffShowsOnlyDifferencesAndCopies() {
    runlens::ui::ParamDiffView* view = m_window->paramDiffView();
    m_window->compareTabs()->setCurrentWidget(view);
    QSignalSpy applied(m_window.get(), &MainWindow::selectionApplied);
    m_window->runTable()->selectAll();
    QVERIFY(applied.wait(5000));
    ParamDiffModel* model = view->model();
    QCOMPARE(model->runCount(), 3);
    QCOMPARE(model->rowCount(), 3);  // batch, lr, optim
    // Runs appear in table order (newest first), each with its colour from the curves.
    QCOMPARE(model->headerData(1, Qt::Horizontal).toString(), QStringLiteral("run-3"));
    const QColor colour3 = model->headerData(1, Qt::Horizontal, Qt::DecorationRole).value<QColor>();
    const QColor colour2 = model->headerData(2, Qt::Horizontal, Qt::DecorationRole).value<QColor>();
    QVERIFY(colour3.isValid() && colour2.isValid() && colour3 != colour2);
    // On screen the header shows it as a swatch icon.
    QVERIFY(!view->table()->model()->headerData(1, Qt::Horizontal, Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(view->table()->isVisible());

    // The differing cell (run-2's lr 0.1) is highlighted on screen.
    QCOMPARE(model->index(1, 0).data().toString(), QStringLiteral("lr"));
    QVERIFY(model->index(1, 2).data(ParamDiffModel::DiffersRole).toBool());

    QCheckBox* only = view->onlyDifferencesToggle();
    QTest::mouseClick(only, Qt::LeftButton, {}, QPoint(8, only->height() / 2));
    QVERIFY(only->isChecked());
    QCOMPARE(model->rowCount(), 1);
    QVERIFY(QSettings().value(QStringLiteral("params/onlyDifferences")).toBool());

    QPushButton* tsv = button(view, QStringLiteral("Copy TSV"));
    QVERIFY(tsv);
    QTest::mouseClick(tsv, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(),
             QStringLiteral("Parameter\trun-3\trun-2\trun-1\nlr\t0.01\t0.1\t0.01\n"));
    QPushButton* markdown = button(view, QStringLiteral("Copy Markdown"));
    QVERIFY(markdown);
    QTest::mouseClick(markdown, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("| Parameter | run-3 | run-2 | run-1 |\n"
                                                               "| --- | --- | --- | --- |\n"
                                                               "| lr | 0.01 | 0.1 | 0.01 |\n"));
    // The context menu offers the same.
    QStringList actions;
    for (QAction* action : view->table()->actions())
        actions << action->text();
    QVERIFY(actions.contains(QStringLiteral("Copy as TSV")));
    QVERIFY(actions.contains(QStringLiteral("Copy as Markdown")));

    // Long values are elided on screen and whole in the tooltip.
    QVERIFY(view->table()->textElideMode() == Qt::ElideMiddle);
    QTest::mouseClick(only, Qt::LeftButton, {}, QPoint(8, only->height() / 2));
    QCOMPARE(model->rowCount(), 3);

    // One run: nothing differs; with only differences on, the empty state says so.
    m_window->runTable()->setCurrentIndex(m_window->runTable()->model()->index(0, 0));
    QVERIFY(applied.wait(5000));
    view->setOnlyDifferences(true);
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(!view->table()->isVisible());
}

void TestCompareViews::metricSummaryHighlightsBestAndSwitchesDirection() {
    runlens::ui::MetricSummaryView* view = m_window->metricSummaryView();
    m_window->compareTabs()->setCurrentWidget(view);
    QSignalSpy shown(view, &runlens::ui::MetricSummaryView::summaryShown);
    m_window->runTable()->selectAll();
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->runCount() == 3, 10000);
    MetricSummaryModel* model = view->model();
    QCOMPARE(model->keyCount(), 2);  // val/accuracy, val/loss
    const int lossLast = model->rowOf(QStringLiteral("val/loss"), MetricSummaryModel::Last);
    const int accLast = model->rowOf(QStringLiteral("val/accuracy"), MetricSummaryModel::Last);
    const int lossBestStep = model->rowOf(QStringLiteral("val/loss"), MetricSummaryModel::BestStep);
    const int first = MetricSummaryModel::FirstRunColumn;
    // Columns: run-3 (loss 0.5, acc 0.7), run-2 (0.3, 0.85), run-1 (0.4, 0.8).
    QCOMPARE(model->index(lossLast, first + 1).data().toString(), QStringLiteral("0.3"));
    QCOMPARE(model->bestColumn(lossLast), first + 1);  // lowest loss
    QCOMPARE(model->bestColumn(accLast), first + 1);   // highest accuracy
    QCOMPARE(model->index(lossBestStep, first + 1).data().toString(), QStringLiteral("10"));
    QVERIFY(model->index(lossLast, first + 1).data(MetricSummaryModel::IsBestRole).toBool());

    // Clicking the Direction cell switches val/loss to higher is better: the highest loss is now best.
    QTableView* table = view->table();
    QVERIFY(table->isVisible());
    const QModelIndex direction = table->model()->index(lossLast, MetricSummaryModel::DirectionColumn);
    table->scrollTo(direction);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(direction).center());
    QCOMPARE(model->direction(QStringLiteral("val/loss")), runlens::MetricDirection::higherIsBetter);
    QCOMPARE(model->bestColumn(lossLast), first);  // run-3's 0.5
    QVERIFY(model->index(lossLast, MetricSummaryModel::DirectionColumn)
                .data()
                .toString()
                .startsWith(QStringLiteral("higher")));
    // The highest val/loss of run-3 was reached at step 0 (2.0).
    QCOMPARE(model->index(lossBestStep, first).data().toString(), QStringLiteral("0"));

    // Space on a Direction cell switches it back from the keyboard.
    table->setFocus();
    table->setCurrentIndex(direction);
    QTest::keyClick(table, Qt::Key_Space);
    QCOMPARE(model->direction(QStringLiteral("val/loss")), runlens::MetricDirection::lowerIsBetter);
    QTest::keyClick(table, Qt::Key_Space);
    QCOMPARE(model->direction(QStringLiteral("val/loss")), runlens::MetricDirection::higherIsBetter);

    // The choice is remembered for the next selection and session.
    m_window->runTable()->setCurrentIndex(m_window->runTable()->model()->index(0, 0));
    QTRY_VERIFY_WITH_TIMEOUT(model->runCount() == 1, 10000);
    QCOMPARE(model->direction(QStringLiteral("val/loss")), runlens::MetricDirection::higherIsBetter);
    runlens::ui::MetricSummaryView fresh;
    fresh.setWorkspace(m_window->workspacePath());
    QSignalSpy freshShown(&fresh, &runlens::ui::MetricSummaryView::summaryShown);
    runlens::ui::MetricSummaryRequest request;
    request.cacheId = m_window->selectedRunIds().front();
    request.name = QStringLiteral("x");
    request.metrics = m_window->runModel()->runAt(m_window->runModel()->rowOfRun(request.cacheId))->metrics;
    fresh.setRuns({request});
    QVERIFY(freshShown.wait(10000));
    QCOMPARE(fresh.model()->direction(QStringLiteral("val/loss")), runlens::MetricDirection::higherIsBetter);

    // Copy works from the buttons here too.
    QPushButton* tsv = button(view, QStringLiteral("Copy TSV"));
    QVERIFY(tsv);
    QTest::mouseClick(tsv, Qt::LeftButton);
    QVERIFY(QApplication::clipboard()->text().startsWith(QStringLiteral("Metric\tStatistic\tDirection\t")));
}

void TestCompareViews::keyboardAndFilterDriveTheSelection() {
    QTreeView* table = m_window->runTable();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    table->setFocus();
    table->setCurrentIndex(table->model()->index(0, 0));
    QSignalSpy applied(m_window.get(), &MainWindow::selectionApplied);
    QTest::keyClick(table, Qt::Key_Down, Qt::ShiftModifier);
    QVERIFY(applied.wait(5000));
    QCOMPARE(m_window->selectedRunIds().size(), std::size_t(2));
    QCOMPARE(m_window->paramDiffView()->model()->runCount(), 2);

    // Ctrl+F jumps to the filter.
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(m_window->filterEdit()->hasFocus());
    QTest::keyClicks(m_window->filterEdit(), QStringLiteral("params.lr == 0.1"));
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, 0).data().toString(), QStringLiteral("run-2"));
}

void TestCompareViews::currentTabExportsItsFigure() {
    m_window->runTable()->selectAll();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->metricSummaryView()->model()->runCount() == 3, 10000);
    for (QWidget* tab :
         {static_cast<QWidget*>(m_window->paramDiffView()), static_cast<QWidget*>(m_window->metricSummaryView())}) {
        m_window->compareTabs()->setCurrentWidget(tab);
        auto* source = dynamic_cast<runlens::ui::FigureSource*>(m_window->compareTabs()->currentWidget());
        QVERIFY(source);
        auto figure = source->currentFigure();
        QVERIFY(figure);
        const QString png = m_dir.filePath(source->exportBaseName() + QStringLiteral(".png"));
        const QString csv = m_dir.filePath(source->exportBaseName() + QStringLiteral(".csv"));
        const QString pdf = m_dir.filePath(source->exportBaseName() + QStringLiteral(".pdf"));
        QVERIFY(runlens::ui::exportFigure(*figure, png));
        QVERIFY(runlens::ui::exportFigure(*figure, csv));
        QVERIFY(runlens::ui::exportFigure(*figure, pdf));
        QImage image(png);
        QVERIFY(!image.isNull());
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 8, qPrintable(QString::number(colours.size())));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(text.contains(QStringLiteral("run-2")));
        QVERIFY(QFileInfo(pdf).size() > 500);
    }
    // Ctrl+E on a tab with nothing to export says so in the status bar instead of opening a dialog.
    m_window->compareTabs()->setCurrentIndex(m_window->compareTabs()->count() - 1);  // Details
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QTest::keyClick(m_window.get(), Qt::Key_E, Qt::ControlModifier);
    QVERIFY2(m_window->statusBar()->currentMessage().startsWith(QStringLiteral("Nothing to export in the Details tab")),
             qPrintable(m_window->statusBar()->currentMessage()));

    // The table figure keeps the highlight: run-2's lr cell is coloured.
    auto figure = std::dynamic_pointer_cast<const runlens::ui::TableFigure>(m_window->paramDiffView()->currentFigure());
    QVERIFY(figure);
    QCOMPARE(figure->cell(1, 0).text, QStringLiteral("lr"));
    QVERIFY(figure->cell(1, 2).background.isValid());
    QVERIFY(!figure->cell(1, 1).background.isValid());
}

void TestCompareViews::followsADarkPalette() {
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    const QPalette before = QApplication::palette();
    QApplication::setPalette(dark);
    m_window->compareTabs()->setCurrentWidget(m_window->paramDiffView());
    QSignalSpy applied(m_window.get(), &MainWindow::selectionApplied);
    m_window->runTable()->selectAll();
    QVERIFY(applied.wait(5000));
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTableView* table = m_window->paramDiffView()->table();
    const QImage image = table->viewport()->grab().toImage();
    QApplication::setPalette(before);
    // The background is dark, the text is light, and the differing cell stands out from both.
    const QRect differing = table->visualRect(table->model()->index(1, 2));
    const QRect same = table->visualRect(table->model()->index(0, 2));
    const QColor background = image.pixelColor(same.right() - 2, same.center().y());
    const QColor highlighted = image.pixelColor(differing.right() - 2, differing.center().y());
    QVERIFY2(background.lightnessF() < 0.35, qPrintable(background.name()));
    QVERIFY2(highlighted != background, qPrintable(highlighted.name()));
    bool lightText = false;
    for (int x = same.left(); x < same.right(); ++x)
        lightText = lightText || image.pixelColor(x, same.center().y()).lightnessF() > 0.6;
    QVERIFY(lightText);
    const QString out = QString::fromStdString((runlens::test::binaryDir() / "paramdiff-dark.png").string());
    QVERIFY(m_window->grab().save(out));
}

QTEST_MAIN(TestCompareViews)
#include "tst_compareviews.moc"
