// SPDX-License-Identifier: MIT
#include "itemmodels/paramdiffmodel.h"
#include "itemmodels/tabletext.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QTest>

using namespace runlens;

class TestParamDiffModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void passesModelTester();
    void rowsAreKeysAndRunsAreColumns();
    void onlyDifferencesHidesEqualRows();
    void highlightsCellsThatDifferFromTheCommonValue();
    void copiesAsTsvAndMarkdown();
};

namespace {

std::vector<ParamDiffRun> threeRuns() {
    return {
        {1, QStringLiteral("a"), {{"batch", "64"}, {"lr", "0.01"}, {"optim", "adam"}}, {}},
        {2, QStringLiteral("b"), {{"batch", "64"}, {"lr", "0.1"}, {"optim", "adam"}}, {}},
        {3, QStringLiteral("c"), {{"batch", "64"}, {"lr", "0.01"}, {"note", "line1\nline2|x"}, {"optim", "adam"}}, {}},
    };
}

}  // namespace

void TestParamDiffModel::passesModelTester() {
    ParamDiffModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns(threeRuns());
    model.setOnlyDifferences(true);
    model.setOnlyDifferences(false);
    model.setRuns({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), 0);
}

void TestParamDiffModel::rowsAreKeysAndRunsAreColumns() {
    ParamDiffModel model;
    model.setRuns(threeRuns());
    QCOMPARE(model.columnCount(), 4);
    QCOMPARE(model.rowCount(), 4);  // batch, lr, note, optim
    QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Parameter"));
    QCOMPARE(model.headerData(3, Qt::Horizontal).toString(), QStringLiteral("c"));
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("lr"));
    QCOMPARE(model.index(1, 2).data().toString(), QStringLiteral("0.1"));
    // A missing param is a dash, a multi-line one is shown on one line; the tooltip has the value whole.
    QCOMPARE(model.index(2, 1).data().toString(), QStringLiteral("\u2014"));
    QCOMPARE(model.index(2, 3).data().toString(), QStringLiteral("line1 \u21b5 line2|x"));
    QCOMPARE(model.index(2, 3).data(Qt::ToolTipRole).toString(), QStringLiteral("line1\nline2|x"));
    QCOMPARE(model.index(2, 3).data(ParamDiffModel::FullTextRole).toString(), QStringLiteral("line1\nline2|x"));
    QCOMPARE(model.differingKeyCount(), 2);
}

void TestParamDiffModel::onlyDifferencesHidesEqualRows() {
    ParamDiffModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns(threeRuns());
    model.setOnlyDifferences(true);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("lr"));
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("note"));
    // One run alone never differs.
    model.setRuns({threeRuns().front()});
    QCOMPARE(model.rowCount(), 0);
    model.setOnlyDifferences(false);
    QCOMPARE(model.rowCount(), 3);
}

void TestParamDiffModel::highlightsCellsThatDifferFromTheCommonValue() {
    ParamDiffModel model;
    model.setRuns(threeRuns());
    // lr: 0.01 twice, 0.1 once: only run b's cell differs.
    QVERIFY(!model.index(1, 1).data(ParamDiffModel::DiffersRole).toBool());
    QVERIFY(model.index(1, 2).data(ParamDiffModel::DiffersRole).toBool());
    QVERIFY(!model.index(1, 3).data(ParamDiffModel::DiffersRole).toBool());
    QCOMPARE(model.index(1, 2).data(Qt::BackgroundRole).value<QColor>(), ParamDiffModel::differenceColour());
    QVERIFY(!model.index(1, 1).data(Qt::BackgroundRole).isValid());
    // note: absent twice, present once: the run that has it differs.
    QVERIFY(model.index(2, 3).data(ParamDiffModel::DiffersRole).toBool());
    QVERIFY(!model.index(0, 1).data(ParamDiffModel::RowDiffersRole).toBool());
    QVERIFY(model.index(1, 1).data(ParamDiffModel::RowDiffersRole).toBool());
    // A tie goes to the first run's value: with two runs, the second one is the odd one out.
    model.setRuns({{1, QStringLiteral("a"), {{"lr", "1"}}, {}}, {2, QStringLiteral("b"), {{"lr", "2"}}, {}}});
    QVERIFY(!model.index(0, 1).data(ParamDiffModel::DiffersRole).toBool());
    QVERIFY(model.index(0, 2).data(ParamDiffModel::DiffersRole).toBool());
}

void TestParamDiffModel::copiesAsTsvAndMarkdown() {
    ParamDiffModel model;
    model.setRuns(threeRuns());
    model.setOnlyDifferences(true);
    QCOMPARE(tableAsTsv(model), QStringLiteral("Parameter\ta\tb\tc\n"
                                               "lr\t0.01\t0.1\t0.01\n"
                                               "note\t\u2014\t\u2014\tline1 \u21b5 line2|x\n"));
    QCOMPARE(tableAsMarkdown(model), QStringLiteral("| Parameter | a | b | c |\n"
                                                    "| --- | --- | --- | --- |\n"
                                                    "| lr | 0.01 | 0.1 | 0.01 |\n"
                                                    "| note | \u2014 | \u2014 | line1 \u21b5 line2\\|x |\n"));
}

QTEST_GUILESS_MAIN(TestParamDiffModel)
#include "tst_paramdiffmodel.moc"
