// SPDX-License-Identifier: MIT
// The Evaluation tab on the demo workspace, driven like a user: three runs selected in the run table, then the
// confusion matrices, their difference, calibration and ROC/PR. Every number the views show is checked against the
// analysis functions applied to the demo's own artifact files, read here independently of the cache.
#include "analysis/confusionartifact.h"
#include "analysis/evaluation.h"
#include "analysis/predictions.h"
#include "evaluation/evaluationview.h"
#include "itemmodels/runtablemodel.h"
#include "mainwindow.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTreeView>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace runlens;
using namespace runlens::ui;
namespace fs = std::filesystem;

namespace {

const QStringList visionRuns{QStringLiteral("adamw-lr1e-3-s0"), QStringLiteral("sgd-lr0.1-s0"),
                             QStringLiteral("adamw-lr1e-3-ls0.1")};
const QStringList tabularRuns{QStringLiteral("lightgbm-depth6"), QStringLiteral("lightgbm-depth8"),
                              QStringLiteral("xgboost-depth6")};

fs::path demoRoot() {
    return test::sourceDir() / "resources" / "demo" / "mlruns";
}

// The artifact file of a demo run, found by the tracker's run id.
fs::path demoArtifact(const std::string& externalId, const std::string& relative) {
    for (const auto& experiment : fs::directory_iterator(demoRoot())) {
        const fs::path candidate = experiment.path() / externalId / "artifacts" / relative;
        if (fs::exists(candidate))
            return candidate;
    }
    return {};
}

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

class TestEvaluationView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void calibrationOfThreeRunsMatchesTheAnalysis();
    void confusionMatricesAndDifferenceMatchTheArtifacts();
    void rankingCurvesOfThreeBinaryRuns();
    void everyViewExports();
    void hundredClassesBecomeAHeatMapWithTopConfusions();
    void loadsOnlyWhenTheTabIsShown();
    void aNewerSelectionDropsTheStaleLoad();
    void switchingWorkspaceWhileLoadingDropsTheLoad();
    void closingTheWindowWhileLoadingIsSafe();

private:
    // Selects the named runs in the run table and returns their tracker ids, in the order given. The evaluations
    // are read on a worker thread: when the tab is visible this waits until they are shown.
    std::vector<std::string> select(const QStringList& names);
    std::vector<std::string> selectWithoutWaiting(const QStringList& names);
    // Cache ids and names of the named runs, as the window hands them to the view.
    std::vector<std::pair<std::int64_t, QString>> runsNamed(const QStringList& names) const;
    EvaluationView* view() const { return m_window->findChild<EvaluationView*>(); }

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
    QTabWidget* m_tabs = nullptr;
};

void TestEvaluationView::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_window = std::make_unique<MainWindow>();
    QVERIFY(m_window->openWorkspace(m_dir.filePath(QStringLiteral("demo.runlens"))));
    m_window->resize(1500, 950);
    m_window->show();
    QSignalSpy finished(m_window.get(), &MainWindow::importFinished);
    m_window->importPaths({QString::fromStdString(demoRoot().string())});
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QVERIFY(view());
    auto* tabs = view()->parentWidget();
    while (tabs && !qobject_cast<QTabWidget*>(tabs))
        tabs = tabs->parentWidget();
    QVERIFY(tabs);
    auto* tabWidget = qobject_cast<QTabWidget*>(tabs);
    const int index = tabWidget->indexOf(view());
    QCOMPARE(tabWidget->tabText(index), QStringLiteral("Evaluation"));
    tabWidget->setCurrentIndex(index);
    m_tabs = tabWidget;
}

void TestEvaluationView::cleanupTestCase() {
    m_window.reset();
}

std::vector<std::string> TestEvaluationView::select(const QStringList& names) {
    auto ids = selectWithoutWaiting(names);
    if (view()->isVisible()) {
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(!view()->isLoading(), 30000);
        }();
    }
    return ids;
}

std::vector<std::pair<std::int64_t, QString>> TestEvaluationView::runsNamed(const QStringList& names) const {
    auto* model = m_window->findChild<RunTableModel*>();
    std::vector<std::pair<std::int64_t, QString>> runs;
    for (const QString& name : names)
        for (int r = 0; r < model->rowCount(); ++r)
            if (const RunRow* run = model->runAt(r); run && QString::fromStdString(run->run.name) == name)
                runs.emplace_back(run->id, name);
    return runs;
}

std::vector<std::string> TestEvaluationView::selectWithoutWaiting(const QStringList& names) {
    QTreeView* table = m_window->runTable();
    auto* model = m_window->findChild<RunTableModel*>();
    std::vector<std::string> ids(static_cast<std::size_t>(names.size()));
    table->clearSelection();
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QModelIndex index = table->model()->index(row, 0);
        const QString name = index.data().toString();
        const int at = static_cast<int>(names.indexOf(name));
        if (at < 0)
            continue;
        table->selectionModel()->select(index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
        for (int r = 0; r < model->rowCount(); ++r)
            if (const RunRow* run = model->runAt(r); run && QString::fromStdString(run->run.name) == name)
                ids[static_cast<std::size_t>(at)] = run->run.externalId;
    }
    return ids;
}

void TestEvaluationView::calibrationOfThreeRunsMatchesTheAnalysis() {
    const auto ids = select(visionRuns);
    EvaluationView* v = view();
    QCOMPARE(v->shownRuns().size(), std::size_t{3});
    QVERIFY2(v->problemsText().isEmpty(), qPrintable(v->problemsText()));
    // Both evaluations are on offer; the predictions file is preferred, it has probabilities.
    QVERIFY(v->evaluationNames().contains(QStringLiteral("eval/confusion_matrix.json")));
    QCOMPARE(v->evaluationNames().front(), QStringLiteral("predictions.csv"));
    v->showPage(2);

    std::vector<analysis::Evaluation> expected;
    for (std::size_t r = 0; r < ids.size(); ++r) {
        const fs::path file = demoArtifact(ids[r], "eval/predictions.csv");
        QVERIFY2(!file.empty(), ids[r].c_str());
        auto p = analysis::readPredictions(file.string());
        QVERIFY(p.ok());
        auto e = analysis::evaluatePredictions(*p, "predictions.csv");
        QVERIFY(e.ok());
        expected.push_back(std::move(*e));
    }
    // The shown runs come in table order; match them by name.
    auto shownIndex = [&](const QString& name) {
        for (std::size_t i = 0; i < v->shownRuns().size(); ++i)
            if (v->shownRuns()[i].runName == name)
                return i;
        return std::size_t{99};
    };
    const auto rows = v->calibration()->tableRows();
    QCOMPARE(rows.size(), std::size_t{3});
    double bestEce = 1e9;
    QString bestName;
    for (std::size_t r = 0; r < 3; ++r) {
        const std::size_t i = shownIndex(visionRuns[static_cast<int>(r)]);
        QVERIFY(i < 3);
        const auto& e = expected[r];
        QCOMPARE(rows[i][0], visionRuns[static_cast<int>(r)]);
        QCOMPARE(rows[i][1], QString::number(e.reliability->ece, 'f', 4));
        QCOMPARE(rows[i][2], QString::number(e.reliability->mce, 'f', 4));
        QCOMPARE(rows[i][3], QString::number(*e.brier, 'f', 4));
        QCOMPARE(rows[i][4], QString::number(*e.logLoss, 'f', 4));
        if (e.reliability->ece < bestEce) {
            bestEce = e.reliability->ece;
            bestName = visionRuns[static_cast<int>(r)];
        }
        // The drawn bins are the analysis' bins.
        const auto* drawn = v->calibration()->diagram(i);
        QVERIFY(drawn);
        QCOMPARE(drawn->bins.size(), e.reliability->bins.size());
        for (std::size_t b = 0; b < drawn->bins.size(); ++b)
            QCOMPARE(drawn->bins[b].count, e.reliability->bins[b].count);
    }
    const auto best = v->calibration()->bestRows();
    QVERIFY(best[0].has_value());
    QCOMPARE(rows[*best[0]][0], bestName);

    // One class against the rest: the one-vs-rest bins of that class; Brier and log loss are the model's, not shown.
    v->setCalibrationClass(QStringLiteral("cat"));
    const auto catRows = v->calibration()->tableRows();
    const std::size_t i0 = shownIndex(visionRuns[0]);
    const auto cat = *expected[0].confusion.indexOf("cat");
    QCOMPARE(catRows[i0][1], QString::number(expected[0].perClassReliability[cat].ece, 'f', 4));
    QCOMPARE(catRows[i0][3], QStringLiteral("-"));
    v->setCalibrationClass(QString());

    // Confusion of the predictions: argmax counts, as the analysis computes them.
    const auto& grid = *v->matrices();
    QCOMPARE(grid.aligned().labels, expected[0].confusion.labels);
    for (std::size_t t = 0; t < 10; ++t)
        for (std::size_t p = 0; p < 10; ++p)
            QCOMPARE(grid.cellText(i0, t, p).section(QLatin1Char('\n'), 0, 0),
                     QString::number(expected[0].confusion.at(t, p)));
    if (qEnvironmentVariableIsSet("RUNLENS_SCREENSHOTS"))
        m_window->grab().save(qEnvironmentVariable("RUNLENS_SCREENSHOTS") + QStringLiteral("/calibration.png"));
}

void TestEvaluationView::confusionMatricesAndDifferenceMatchTheArtifacts() {
    const auto ids = select(visionRuns);
    EvaluationView* v = view();
    v->setEvaluationName(QStringLiteral("eval/confusion_matrix.json"));
    v->setNormalization(analysis::Normalization::TrueRow);
    v->showPage(0);
    QCOMPARE(v->shownRuns().size(), std::size_t{3});
    std::vector<analysis::ConfusionMatrix> logged;
    for (const auto& id : ids) {
        const fs::path file = demoArtifact(id, "eval/confusion_matrix.json");
        auto m = analysis::readConfusionArtifact(readText(file), file.string());
        QVERIFY(m.ok() && m->has_value());
        logged.push_back((*m)->matrix);
    }
    const auto& grid = *v->matrices();
    QCOMPARE(grid.aligned().labels.size(), std::size_t{10});
    double maximum = 0;
    for (std::size_t r = 0; r < 3; ++r) {
        std::size_t shown = 0;
        while (v->shownRuns()[shown].runName != visionRuns[static_cast<int>(r)])
            ++shown;
        const auto rates = analysis::normalized(logged[r], analysis::Normalization::TrueRow);
        for (std::size_t t = 0; t < 10; ++t)
            for (std::size_t p = 0; p < 10; ++p) {
                // Labels are aligned by name: find the logged row and column of this cell.
                const auto lt = *logged[r].indexOf(grid.aligned().labels[t]);
                const auto lp = *logged[r].indexOf(grid.aligned().labels[p]);
                const double rate = rates[lt * 10 + lp];
                maximum = std::max(maximum, rate);
                QCOMPARE(grid.cellText(shown, t, p), QString::number(logged[r].at(lt, lp)) + QLatin1Char('\n') +
                                                         QString::number(rate * 100, 'f', 1) + QLatin1Char('%'));
            }
    }
    QCOMPARE(grid.scaleMaximum(), maximum);  // one colour scale across the runs

    // Difference B - A in counts, and a click on a cell describes it in both runs.
    v->setNormalization(analysis::Normalization::None);
    v->setDifferenceRuns(0, 1);
    v->showPage(1);
    const auto& diff = *v->difference();
    const QString nameA = v->shownRuns()[0].runName;
    const QString nameB = v->shownRuns()[1].runName;
    const auto& a = logged[static_cast<std::size_t>(visionRuns.indexOf(nameA))];
    const auto& b = logged[static_cast<std::size_t>(visionRuns.indexOf(nameB))];
    const std::size_t cat = *a.indexOf("cat");
    const std::size_t dog = *a.indexOf("dog");
    QCOMPARE(*diff.difference(cat, dog), static_cast<double>(b.at(cat, dog) - a.at(cat, dog)));
    const auto changed = diff.mostChanged(5);
    QVERIFY(!changed.empty());
    for (std::size_t i = 1; i < changed.size(); ++i)
        QVERIFY(std::fabs(*diff.difference(changed[i - 1].first, changed[i - 1].second)) >=
                std::fabs(*diff.difference(changed[i].first, changed[i].second)));
    v->clickDifferenceCell(cat, dog);
    const QString detail = v->differenceDetail();
    QVERIFY2(detail.contains(QStringLiteral("true cat, predicted dog")), qPrintable(detail));
    QVERIFY2(detail.contains(nameA + QLatin1Char(' ') + QString::number(a.at(cat, dog)) + QStringLiteral(" (")),
             qPrintable(detail));
    QVERIFY2(detail.contains(nameB + QLatin1Char(' ') + QString::number(b.at(cat, dog)) + QStringLiteral(" (")),
             qPrintable(detail));
    // A click on the painted matrix maps to a cell.
    const QRectF area(0, 0, 1000, 640);
    QVERIFY(diff.cellAt(area, QPointF(-5, -5)) == std::nullopt);
    if (qEnvironmentVariableIsSet("RUNLENS_SCREENSHOTS")) {
        m_window->grab().save(qEnvironmentVariable("RUNLENS_SCREENSHOTS") + QStringLiteral("/difference.png"));
        v->showPage(0);
        v->setNormalization(analysis::Normalization::TrueRow);
        m_window->grab().save(qEnvironmentVariable("RUNLENS_SCREENSHOTS") + QStringLiteral("/matrices.png"));
        v->grab().save(qEnvironmentVariable("RUNLENS_SCREENSHOTS") + QStringLiteral("/evaluation-tab.png"));
    }
}

void TestEvaluationView::rankingCurvesOfThreeBinaryRuns() {
    const auto ids = select(tabularRuns);
    EvaluationView* v = view();
    v->setEvaluationName(QStringLiteral("predictions.csv"));
    v->showPage(3);
    QCOMPARE(v->shownRuns().size(), std::size_t{3});
    const auto legend = v->rankingCurves()->legend(true);
    const auto prLegend = v->rankingCurves()->legend(false);
    for (std::size_t r = 0; r < 3; ++r) {
        const fs::path file = demoArtifact(ids[r], "eval/predictions.csv");
        auto p = analysis::readPredictions(file.string());
        QVERIFY(p.ok());
        std::vector<std::uint8_t> positive;
        for (auto t : p->truth)
            positive.push_back(static_cast<std::size_t>(t) == p->positiveClass ? 1 : 0);
        auto curves = analysis::binaryCurves(p->scores, positive);
        QVERIFY(curves.ok());
        std::size_t shown = 0;
        while (v->shownRuns()[shown].runName != tabularRuns[static_cast<int>(r)])
            ++shown;
        QCOMPARE(legend[shown], tabularRuns[static_cast<int>(r)] + QStringLiteral("  AUC ") +
                                    QString::number(curves->roc.auc, 'f', 4));
        QCOMPARE(prLegend[shown], tabularRuns[static_cast<int>(r)] + QStringLiteral("  AP ") +
                                      QString::number(curves->pr.averagePrecision, 'f', 4));
    }
    if (qEnvironmentVariableIsSet("RUNLENS_SCREENSHOTS"))
        m_window->grab().save(qEnvironmentVariable("RUNLENS_SCREENSHOTS") + QStringLiteral("/roc.png"));

    // Multi-class runs: one class against the rest, picked with the class selector.
    const auto visionIds = select(visionRuns);
    v->setEvaluationName(QStringLiteral("predictions.csv"));
    QVERIFY(v->rankingCurves()->legend(true).front().endsWith(QStringLiteral("(multi-class: pick a class)")));
    v->setCalibrationClass(QStringLiteral("dog"));
    const auto dogLegend = v->rankingCurves()->legend(true);
    for (std::size_t r = 0; r < 3; ++r) {
        auto p = analysis::readPredictions(demoArtifact(visionIds[r], "eval/predictions.csv").string());
        QVERIFY(p.ok());
        const std::size_t dog =
            static_cast<std::size_t>(std::find(p->classes.begin(), p->classes.end(), "dog") - p->classes.begin());
        std::vector<double> column;
        std::vector<std::uint8_t> positive;
        for (std::size_t row = 0; row < p->rows(); ++row) {
            column.push_back(p->scores[row * p->classes.size() + dog]);
            positive.push_back(static_cast<std::size_t>(p->truth[row]) == dog ? 1 : 0);
        }
        auto curves = analysis::binaryCurves(column, positive);
        QVERIFY(curves.ok());
        std::size_t shown = 0;
        while (v->shownRuns()[shown].runName != visionRuns[static_cast<int>(r)])
            ++shown;
        QCOMPARE(dogLegend[shown],
                 visionRuns[static_cast<int>(r)] + QStringLiteral("  AUC ") + QString::number(curves->roc.auc, 'f', 4));
    }
    v->setCalibrationClass(QString());
}

void TestEvaluationView::everyViewExports() {
    select(visionRuns);
    EvaluationView* v = view();
    v->setEvaluationName(QStringLiteral("predictions.csv"));
    for (int page = 0; page < 4; ++page) {
        if (page == 3)
            select(tabularRuns);  // ROC/PR needs binary scores
        v->showPage(page);
        const auto figure = v->currentFigure();
        QVERIFY(figure);
        for (const char* suffix : {"png", "svg", "pdf", "csv"}) {
            const QString path = m_dir.filePath(v->exportBaseName() + QLatin1Char('.') + QLatin1String(suffix));
            const auto status = exportFigure(*figure, path);
            QVERIFY2(status.ok(), status.ok() ? "" : status.error().toString().c_str());
            QVERIFY2(QFileInfo(path).size() > 100, qPrintable(path));
        }
        // The PNG is not blank: the figure painted something besides the background.
        const QImage image(m_dir.filePath(v->exportBaseName() + QStringLiteral(".png")));
        QVERIFY(!image.isNull());
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 10);
    }
    QVERIFY(v->matrices()->csv().startsWith(QStringLiteral("run,evaluation,true,predicted,count,rate")));
}

void TestEvaluationView::hundredClassesBecomeAHeatMapWithTopConfusions() {
    // Two runs over 100 classes; the second never saw class "c099". Labels are long, as real class names are.
    auto make = [](std::size_t classes, std::int64_t seed) {
        analysis::ConfusionMatrix m;
        for (std::size_t c = 0; c < classes; ++c)
            m.labels.push_back("c" + std::string(c < 10 ? "00" : "0") + std::to_string(c) +
                               " a rather long class name");
        m.counts.assign(classes * classes, 0);
        for (std::size_t t = 0; t < classes; ++t) {
            m.counts[t * classes + t] = 50;
            m.counts[t * classes + (t + 1) % classes] = static_cast<std::int64_t>((t * 7 + seed) % 13);
        }
        return analysis::evaluateConfusion(m, "cm.json", "cm.json", "labels+matrix");
    };
    std::vector<RunEvaluation> runs{{1, QStringLiteral("A"), make(100, 1)}, {2, QStringLiteral("B"), make(99, 5)}};
    ConfusionGridFigure grid(runs, analysis::Normalization::None);
    QCOMPARE(grid.aligned().labels.size(), std::size_t{100});
    QCOMPARE(grid.cellText(1, 99, 99), QStringLiteral("missing"));
    QCOMPARE(grid.cellText(0, 99, 99).section(QLatin1Char('\n'), 0, 0), QStringLiteral("50"));
    QCOMPARE(grid.scaleMaximum(), 50.0);
    const auto top = grid.topConfusions(0, 5);
    QCOMPARE(top.size(), std::size_t{5});
    for (std::size_t i = 0; i < top.size(); ++i) {
        QVERIFY(std::get<0>(top[i]) != std::get<1>(top[i]));
        QCOMPARE(std::get<2>(top[i]), std::int64_t{12});  // (7t + 1) mod 13 peaks at 12
    }
    // It paints (a heat map: no per-cell text) at its preferred size and at a small one.
    for (const QSizeF size : {grid.preferredSize(), QSizeF(600, 400)}) {
        QImage image(size.toSize(), QImage::Format_RGB32);
        QPainter painter(&image);
        grid.paint(painter, QRectF(QPointF(0, 0), size), FigureStyle::forPrint());
    }
    QVERIFY(grid.preferredSize().width() > 1000);
    // Hover: points of the painted area map to cells of both panels, described with the full labels.
    const QRectF area(QPointF(0, 0), grid.preferredSize());
    const auto style = FigureStyle::forPrint();
    QVERIFY(!grid.cellAt(area, style, QPointF(1, 1)).has_value());
    std::set<std::size_t> panels;
    for (qreal x = 0; x < area.width(); x += 3) {
        if (auto cell = grid.cellAt(area, style, QPointF(x, area.height() / 2))) {
            panels.insert(std::get<0>(*cell));
            QVERIFY(std::get<1>(*cell) < 100 && std::get<2>(*cell) < 100);
        }
    }
    QCOMPARE(panels.size(), std::size_t{2});
    QVERIFY(grid.describe(1, 99, 3).contains(QStringLiteral("true: c099 a rather long class name")));
    QVERIFY(grid.describe(1, 99, 3).contains(QStringLiteral("missing")));
    // The difference view aligns by name, and a missing label is no difference.
    ConfusionDifferenceFigure diff(runs[0], runs[1], analysis::Normalization::None);
    QVERIFY(!diff.difference(99, 99).has_value());
    QVERIFY(diff.difference(0, 0).has_value());
    QVERIFY(diff.detail(99, 0).contains(QStringLiteral("missing")));
}

void TestEvaluationView::loadsOnlyWhenTheTabIsShown() {
    select(visionRuns);
    QCOMPARE(view()->shownRuns().front().evaluation.confusion.labels.size(), std::size_t{10});
    const int evaluationTab = m_tabs->indexOf(view());
    m_tabs->setCurrentIndex(evaluationTab == 0 ? 1 : 0);
    select(tabularRuns);  // while hidden: nothing is read yet
    QVERIFY(!view()->isLoading());
    QCOMPARE(view()->shownRuns().front().evaluation.confusion.labels.size(), std::size_t{10});
    QSignalSpy loaded(view(), &EvaluationView::evaluationsLoaded);
    m_tabs->setCurrentIndex(evaluationTab);
    // Shown, it reads on a worker thread: the bar says so and the previous figures stay until the new ones come.
    QVERIFY(view()->isLoading());
    QCOMPARE(view()->loadingText(), QStringLiteral("Loading the evaluations of 3 runs..."));
    QCOMPARE(view()->shownRuns().front().evaluation.confusion.labels.size(), std::size_t{10});
    if (qEnvironmentVariableIsSet("RUNLENS_SCREENSHOTS"))
        view()->grab().save(qEnvironmentVariable("RUNLENS_SCREENSHOTS") + QStringLiteral("/evaluation-loading.png"));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QVERIFY(view()->loadingText().isEmpty());
    QCOMPARE(view()->shownRuns().size(), std::size_t{3});
    QCOMPARE(view()->shownRuns().front().evaluation.confusion.labels.size(), std::size_t{2});
}

void TestEvaluationView::aNewerSelectionDropsTheStaleLoad() {
    EvaluationView* v = view();
    select(visionRuns);
    const int droppedBefore = v->droppedLoads();
    QSignalSpy loaded(v, &EvaluationView::evaluationsLoaded);
    v->setRuns(runsNamed(tabularRuns));
    QVERIFY(v->isLoading());
    // The tabular load finishes on its worker; its result waits in the event queue while the selection changes.
    QThreadPool::globalInstance()->waitForDone();
    v->setRuns(runsNamed({visionRuns[1]}));
    QTRY_VERIFY_WITH_TIMEOUT(!v->isLoading(), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(v->droppedLoads(), droppedBefore + 1, 5000);
    QCOMPARE(loaded.count(), 1);  // only the second selection's evaluations were applied
    QCOMPARE(v->shownRuns().size(), std::size_t{1});
    QCOMPARE(v->shownRuns().front().runName, visionRuns[1]);
    QCOMPARE(v->shownRuns().front().evaluation.confusion.labels.size(), std::size_t{10});
}

void TestEvaluationView::switchingWorkspaceWhileLoadingDropsTheLoad() {
    EvaluationView* v = view();
    select(tabularRuns);
    const int droppedBefore = v->droppedLoads();
    selectWithoutWaiting(visionRuns);
    QVERIFY(v->isLoading());
    QThreadPool::globalInstance()->waitForDone();
    QSignalSpy loaded(m_window.get(), &MainWindow::runsLoaded);
    QVERIFY(m_window->openWorkspace(m_dir.filePath(QStringLiteral("other.runlens"))));
    QTRY_VERIFY_WITH_TIMEOUT(!v->isLoading(), 30000);
    // The demo's result was dropped (and so was a load of the old selection from the new file, begun before the
    // window cleared the selection).
    QTRY_VERIFY_WITH_TIMEOUT(v->droppedLoads() > droppedBefore, 5000);
    QVERIFY(v->shownRuns().empty());  // the demo's evaluations never reach the empty workspace's view
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QVERIFY(v->shownRuns().empty());
}

void TestEvaluationView::closingTheWindowWhileLoadingIsSafe() {
    QSignalSpy loaded(m_window.get(), &MainWindow::runsLoaded);
    QVERIFY(m_window->openWorkspace(m_dir.filePath(QStringLiteral("demo.runlens"))));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QVERIFY(m_window->runTable()->model()->rowCount() > 3);
    selectWithoutWaiting(visionRuns);
    QVERIFY(view()->isLoading());
    m_window->close();
    m_window.reset();  // the workers keep only copies; their results reach no one
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
}

QTEST_MAIN(TestEvaluationView)
#include "tst_evaluationview.moc"
