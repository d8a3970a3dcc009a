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
    void sortsOnRawValuesNotText();
    void namesAreShownAsGiven();
};

void TestRunTableModel::passesModelTester() {
    RunTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns({row(1, "a", 1000, 2000), row(2, "b", 500, std::nullopt)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), static_cast<int>(RunTableModel::ColumnCount));
    model.setRuns({});
    QCOMPARE(model.rowCount(), 0);
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
