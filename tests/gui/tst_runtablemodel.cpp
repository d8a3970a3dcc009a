// SPDX-License-Identifier: MIT
#include "itemmodels/runtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace runlens;

namespace {

RunRow row(std::int64_t id, const std::string& name, std::int64_t startMs, std::optional<std::int64_t> endMs) {
    RunRow r;
    r.id = id;
    r.run.name = name;
    r.run.externalId = "run" + std::to_string(id);
    r.run.status = run_status::finished;
    r.run.startMs = startMs;
    r.run.endMs = endMs;
    r.experimentName = "exp";
    r.metrics.push_back({"loss", {}});
    return r;
}

}  // namespace

class TestRunTableModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void passesModelTester();
    void chosenParamAndMetricColumns();
    void preparedOffTheGuiThreadThenSet();
    void sortsOnRawValuesNotText();
    void namesAreShownAsGiven();
};

void TestRunTableModel::passesModelTester() {
    RunTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns({row(1, "a", 1000, 2000), row(2, "b", 500, std::nullopt)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), static_cast<int>(RunTableModel::FixedColumnCount));
    model.setExtraColumns({{RunExtraColumn::Kind::param, "lr"}, {RunExtraColumn::Kind::metricMin, "loss"}});
    QCOMPARE(model.columnCount(), RunTableModel::FixedColumnCount + 2);
    model.setRuns({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), RunTableModel::FixedColumnCount + 2);
}

void TestRunTableModel::chosenParamAndMetricColumns() {
    RunTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    RunRow a = row(1, "a", 0, 1);
    a.params = {{"batch", "64"}, {"lr", "0.01"}};
    a.metrics = {{"loss", {}}};
    a.metrics[0].summary.last = 0.25;
    a.metrics[0].summary.min = 0.125;
    a.metrics[0].summary.max = 2.5;
    RunRow b = row(2, "b", 0, 1);
    b.params = {{"lr", "0.1"}};
    b.metrics = {};
    model.setRuns({a, b});
    QCOMPARE(model.paramKeys(), QStringList({QStringLiteral("batch"), QStringLiteral("lr")}));
    QCOMPARE(model.metricKeys(), QStringList({QStringLiteral("loss")}));
    model.setExtraColumns({{RunExtraColumn::Kind::param, "lr"},
                           {RunExtraColumn::Kind::metricLast, "loss"},
                           {RunExtraColumn::Kind::metricMin, "loss"},
                           {RunExtraColumn::Kind::metricMax, "loss"}});
    const int first = RunTableModel::FixedColumnCount;
    QCOMPARE(model.headerData(first, Qt::Horizontal).toString(), QStringLiteral("lr"));
    QCOMPARE(model.headerData(first + 2, Qt::Horizontal).toString(), QStringLiteral("loss (min)"));
    QCOMPARE(model.index(0, first).data().toString(), QStringLiteral("0.01"));
    QCOMPARE(model.index(0, first).data(RunTableModel::SortRole).toDouble(), 0.01);  // sorts as a number
    QCOMPARE(model.index(0, first + 1).data().toString(), QStringLiteral("0.25"));
    QCOMPARE(model.index(0, first + 2).data().toString(), QStringLiteral("0.125"));
    QCOMPARE(model.index(0, first + 3).data().toString(), QStringLiteral("2.5"));
    QCOMPARE(model.index(1, first).data().toString(), QStringLiteral("0.1"));
    QVERIFY(model.index(1, first + 1).data().toString().isEmpty());  // b has no loss
    QVERIFY(!model.index(1, first + 1).data(RunTableModel::SortRole).isValid());
    // Suggested before any choice: the param that differs (lr, not batch), then a metric named for its direction.
    const auto suggested = model.suggestedColumns(3, 2);
    QCOMPARE(suggested.size(), std::size_t(2));
    QCOMPARE(suggested[0].id(), QStringLiteral("param:lr"));
    QCOMPARE(suggested[1].id(), QStringLiteral("last:loss"));
    // Column ids round-trip through settings.
    for (const auto& column : model.extraColumns())
        QCOMPARE(RunExtraColumn::fromId(column.id()), std::optional<RunExtraColumn>(column));
    QVERIFY(!RunExtraColumn::fromId(QStringLiteral("bogus:x")));
    QCOMPARE(RunExtraColumn::fromId(QStringLiteral("param:a:b"))->key, std::string("a:b"));
}

void TestRunTableModel::preparedOffTheGuiThreadThenSet() {
    RunTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<RunRow> runs;
    for (int i = 0; i < 500; ++i)
        runs.push_back(row(i, "run" + std::to_string(i), i * 1000, i * 1000 + 500));
    auto data = RunTableModel::prepare(std::move(runs));
    model.setTableData(data);
    QCOMPARE(model.rowCount(), 500);
    QCOMPARE(model.rowOfRun(499), 499);
    QCOMPARE(model.rowOfRun(12345), -1);
    QCOMPARE(model.index(499, RunTableModel::NameColumn).data().toString(), QStringLiteral("run499"));
}

void TestRunTableModel::sortsOnRawValuesNotText() {
    RunTableModel model;
    // Durations 9 s and 10 min: as text "9 s" sorts after "10 min".
    model.setRuns({row(1, "slow", 0, 600'000), row(2, "fast", 0, 9'000)});
    QSortFilterProxyModel proxy;
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    proxy.setSortRole(RunTableModel::SortRole);
    proxy.sort(RunTableModel::DurationColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, RunTableModel::NameColumn).data().toString(), QStringLiteral("fast"));
    QCOMPARE(proxy.index(0, RunTableModel::DurationColumn).data().toString(), QStringLiteral("9 s"));
    QCOMPARE(proxy.index(1, RunTableModel::DurationColumn).data().toString(), QStringLiteral("10 min 0 s"));
    QCOMPARE(proxy.index(1, 0).data(RunTableModel::CacheIdRole).toLongLong(), 1);
}

void TestRunTableModel::namesAreShownAsGiven() {
    RunTableModel model;
    model.setRuns({row(1, "<b>bold?</b>", 0, 1), row(2, "", 0, 1)});
    QCOMPARE(model.index(0, RunTableModel::NameColumn).data().toString(), QStringLiteral("<b>bold?</b>"));
    QCOMPARE(model.index(1, RunTableModel::NameColumn).data().toString(), QStringLiteral("(unnamed)"));
    QCOMPARE(model.index(1, RunTableModel::NameColumn).data(RunTableModel::SortRole).toString(), QString());
}

QTEST_GUILESS_MAIN(TestRunTableModel)
#include "tst_runtablemodel.moc"
