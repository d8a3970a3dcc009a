// SPDX-License-Identifier: MIT
#include "itemmodels/metricsummarymodel.h"
#include "itemmodels/tabletext.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <limits>

using namespace runlens;

class TestMetricSummaryModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void infersDirectionFromTheName_data();
    void infersDirectionFromTheName();
    void statsFromPoints();
    void passesModelTester();
    void highlightsTheBestRunPerRow();
    void switchingDirectionMovesTheHighlight();
};

void TestMetricSummaryModel::infersDirectionFromTheName_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("higher");
    QTest::addColumn<bool>("recognised");
    QTest::newRow("loss") << "val/loss" << false << true;
    QTest::newRow("train_loss") << "train_loss" << false << true;
    QTest::newRow("valloss") << "valloss" << false << true;
    QTest::newRow("error") << "test-error" << false << true;
    QTest::newRow("mae") << "MAE" << false << true;
    QTest::newRow("rmse") << "eval/rmse" << false << true;
    QTest::newRow("perplexity") << "perplexity" << false << true;
    QTest::newRow("accuracy") << "val/accuracy" << true << true;
    QTest::newRow("acc") << "val_acc" << true << true;
    QTest::newRow("top1") << "top1" << true << true;
    QTest::newRow("f1") << "macro_f1" << true << true;
    QTest::newRow("auc") << "roc_auc" << true << true;
    QTest::newRow("precision") << "precision" << true << true;
    QTest::newRow("recall") << "Recall" << true << true;
    QTest::newRow("last word decides") << "loss/accuracy" << true << true;
    QTest::newRow("unknown") << "lr" << false << false;
    QTest::newRow("empty") << "" << false << false;
}

void TestMetricSummaryModel::infersDirectionFromTheName() {
    QFETCH(QString, key);
    QFETCH(bool, higher);
    QFETCH(bool, recognised);
    bool known = !recognised;
    const MetricDirection direction = inferMetricDirection(key.toStdString(), &known);
    QCOMPARE(direction == MetricDirection::higherIsBetter, higher);
    QCOMPARE(known, recognised);
}

void TestMetricSummaryModel::statsFromPoints() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const MetricStats s =
        metricStatsFromPoints({{0, 0, 3.0}, {1, 0, nan}, {2, 0, 1.0}, {3, 0, 1.0}, {4, 0, 5.0}, {5, 0, 2.0}});
    QCOMPARE(s.count, 6);
    QCOMPARE(*s.min, 1.0);
    QCOMPARE(s.minStep, 2);  // the first step reaching it
    QCOMPARE(*s.max, 5.0);
    QCOMPARE(s.maxStep, 4);
    QCOMPARE(s.last, 2.0);
    QCOMPARE(s.lastStep, 5);
    const MetricStats allNan = metricStatsFromPoints({{0, 0, nan}});
    QVERIFY(!allNan.min && !allNan.max);
    QCOMPARE(metricStatsFromPoints({}).count, 0);
}

namespace {

MetricStats stats(double last, double min, std::int64_t minStep, double max, std::int64_t maxStep) {
    MetricStats s;
    s.count = 10;
    s.last = last;
    s.lastStep = 9;
    s.min = min;
    s.minStep = minStep;
    s.max = max;
    s.maxStep = maxStep;
    return s;
}

std::vector<MetricSummaryRun> twoRuns() {
    return {
        {1,
         QStringLiteral("a"),
         {{"val/loss", stats(0.5, 0.4, 7, 2.0, 0)}, {"val/acc", stats(0.8, 0.1, 0, 0.85, 8)}},
         {}},
        {2, QStringLiteral("b"), {{"val/loss", stats(0.3, 0.3, 9, 2.2, 0)}}, {}},
    };
}

}  // namespace

void TestMetricSummaryModel::passesModelTester() {
    MetricSummaryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns(twoRuns());
    QCOMPARE(model.rowCount(), 2 * MetricSummaryModel::StatisticCount);
    QCOMPARE(model.columnCount(), MetricSummaryModel::FirstRunColumn + 2);
    model.toggleDirection(0);
    model.setRuns({});
    QCOMPARE(model.rowCount(), 0);
}

void TestMetricSummaryModel::highlightsTheBestRunPerRow() {
    MetricSummaryModel model;
    model.setRuns(twoRuns());
    const int a = MetricSummaryModel::FirstRunColumn;
    const int b = a + 1;
    // val/loss: lower is better.
    const int last = model.rowOf(QStringLiteral("val/loss"), MetricSummaryModel::Last);
    QCOMPARE(model.index(last, MetricSummaryModel::MetricColumn).data().toString(), QStringLiteral("val/loss"));
    QVERIFY(
        model.index(last, MetricSummaryModel::DirectionColumn).data().toString().startsWith(QStringLiteral("lower")));
    QCOMPARE(model.index(last, a).data().toString(), QStringLiteral("0.5"));
    QCOMPARE(model.bestColumn(last), b);
    QVERIFY(model.index(last, b).data(MetricSummaryModel::IsBestRole).toBool());
    QCOMPARE(model.index(last, b).data(Qt::BackgroundRole).value<QColor>(), MetricSummaryModel::bestColour());
    QVERIFY(!model.index(last, a).data(Qt::BackgroundRole).isValid());
    QCOMPARE(model.bestColumn(model.rowOf(QStringLiteral("val/loss"), MetricSummaryModel::Max)), a);  // 2.0 < 2.2
    const int bestStep = model.rowOf(QStringLiteral("val/loss"), MetricSummaryModel::BestStep);
    QCOMPARE(model.index(bestStep, a).data().toString(), QStringLiteral("7"));
    QCOMPARE(model.index(bestStep, b).data().toString(), QStringLiteral("9"));
    QCOMPARE(model.bestColumn(bestStep), b);  // b reached the lower loss
    // val/acc: higher is better; b has no such metric.
    const int accLast = model.rowOf(QStringLiteral("val/acc"), MetricSummaryModel::Last);
    QVERIFY(model.index(accLast, MetricSummaryModel::DirectionColumn)
                .data()
                .toString()
                .startsWith(QStringLiteral("higher")));
    QCOMPARE(model.index(accLast, b).data().toString(), QStringLiteral("\u2014"));
    QCOMPARE(model.bestColumn(accLast), a);
    QCOMPARE(model.index(model.rowOf(QStringLiteral("val/acc"), MetricSummaryModel::BestStep), a).data().toString(),
             QStringLiteral("8"));
}

void TestMetricSummaryModel::switchingDirectionMovesTheHighlight() {
    MetricSummaryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns(twoRuns());
    QSignalSpy changed(&model, &MetricSummaryModel::directionChanged);
    const int last = model.rowOf(QStringLiteral("val/loss"), MetricSummaryModel::Last);
    const int bestStep = model.rowOf(QStringLiteral("val/loss"), MetricSummaryModel::BestStep);
    model.toggleDirection(bestStep);  // any row of the key switches the key
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.direction(QStringLiteral("val/loss")), MetricDirection::higherIsBetter);
    QCOMPARE(model.bestColumn(last), MetricSummaryModel::FirstRunColumn);  // 0.5 > 0.3 now wins
    QCOMPARE(model.index(bestStep, MetricSummaryModel::FirstRunColumn).data().toString(), QStringLiteral("0"));
    // A new selection keeps the switched direction.
    model.setRuns(twoRuns());
    QCOMPARE(model.direction(QStringLiteral("val/loss")), MetricDirection::higherIsBetter);
    QVERIFY(tableAsTsv(model).startsWith(QStringLiteral("Metric\tStatistic\tDirection\ta\tb\n")));
}

QTEST_GUILESS_MAIN(TestMetricSummaryModel)
#include "tst_metricsummarymodel.moc"
