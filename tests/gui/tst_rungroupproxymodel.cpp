// SPDX-License-Identifier: MIT
#include "itemmodels/runfilterproxymodel.h"
#include "itemmodels/rungroupproxymodel.h"
#include "itemmodels/runtablemodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace runlens;

namespace {

RunRow run(std::int64_t id, const std::string& name, const std::string& source, const std::string& experiment) {
    RunRow r;
    r.id = id;
    r.run.name = name;
    r.run.externalId = "x" + std::to_string(id);
    r.run.status = run_status::finished;
    r.run.startMs = 1000 * id;
    r.sourcePath = source;
    r.experimentName = experiment;
    return r;
}

// Two sources; "b" holds an experiment named like one of "a".
std::vector<RunRow> sweep() {
    return {run(1, "r1", "/data/a/mlruns", "cifar"),   run(2, "r2", "/data/b/mlruns", "tabular"),
            run(3, "r3", "/data/a/mlruns", "tabular"), run(4, "r4", "/data/a/mlruns", "cifar"),
            run(5, "r5", "/data/b/mlruns", "tabular"), run(6, "r6", "/data/a/mlruns", "cifar")};
}

struct Stack {
    RunTableModel table;
    RunFilterProxyModel filter;
    RunGroupProxyModel groups;
    Stack() {
        filter.setSourceModel(&table);
        groups.setSourceModel(&filter);
    }
};

QString name(const QModelIndex& index) {
    return index.siblingAtColumn(RunTableModel::NameColumn).data().toString();
}

// The tree as text: groups as "[label (count)]" followed by their children, runs by name.
QString dump(const RunGroupProxyModel& model, const QModelIndex& parent = {}) {
    QString out;
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        if (model.isGroup(index))
            out +=
                QLatin1Char('[') + index.data().toString() + QLatin1Char(' ') + dump(model, index) + QLatin1Char(']');
        else
            out += name(index) + QLatin1Char(' ');
    }
    return out.trimmed();
}

}  // namespace

class TestRunGroupProxyModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void passesModelTesterThroughFilterSortAndResets();
    void noGroupingIsTheFlatTable();
    void groupsAndCounts();
    void sortsRunsWithinGroupsAndGroupsByName();
    void sourceThenExperiment();
    void mapsBothWays();
    void persistentIndexesFollowRunsAndGroups();
    void selectingAGroupSelectsItsRuns();
};

void TestRunGroupProxyModel::passesModelTesterThroughFilterSortAndResets() {
    Stack s;
    QAbstractItemModelTester tester(&s.groups, QAbstractItemModelTester::FailureReportingMode::QtTest);
    s.table.setRuns(sweep());
    for (const RunGrouping grouping : {RunGrouping::experiment, RunGrouping::sourceAndExperiment, RunGrouping::source,
                                       RunGrouping::none, RunGrouping::sourceAndExperiment}) {
        s.groups.setGrouping(grouping);
        s.groups.sort(RunTableModel::NameColumn, Qt::DescendingOrder);
        QVERIFY(!s.filter.setFilterText(QStringLiteral("r1")));
        QVERIFY(!s.filter.setFilterText(QStringLiteral("nothing matches this")));
        QCOMPARE(s.groups.rowCount(), 0);
        QVERIFY(!s.filter.setFilterText(QString()));
        s.groups.sort(RunTableModel::StartColumn, Qt::AscendingOrder);
        s.table.setExtraColumns({{RunExtraColumn::Kind::param, "lr"}});
        s.table.setRuns(sweep());
    }
    s.table.setRuns({});
    QCOMPARE(s.groups.rowCount(), 0);
    QCOMPARE(s.groups.columnCount(), RunTableModel::FixedColumnCount + 1);
}

void TestRunGroupProxyModel::noGroupingIsTheFlatTable() {
    Stack s;
    s.table.setRuns(sweep());
    s.groups.sort(RunTableModel::NameColumn, Qt::AscendingOrder);
    QCOMPARE(dump(s.groups), QStringLiteral("r1 r2 r3 r4 r5 r6"));
    QVERIFY(s.groups.groupIndexes().isEmpty());
    for (int row = 0; row < s.filter.rowCount(); ++row) {
        QCOMPARE(s.groups.index(row, 3).data(), s.filter.index(row, 3).data());
        QVERIFY(!s.groups.hasChildren(s.groups.index(row, 0)));
    }
    QCOMPARE(s.groups.headerData(RunTableModel::NameColumn, Qt::Horizontal), QVariant(QStringLiteral("Run")));
}

void TestRunGroupProxyModel::groupsAndCounts() {
    Stack s;
    s.table.setRuns(sweep());
    s.groups.sort(RunTableModel::NameColumn, Qt::AscendingOrder);
    s.groups.setGrouping(RunGrouping::experiment);
    // "tabular" is in both sources: each of those groups says which source it is from.
    QCOMPARE(dump(s.groups), QStringLiteral("[cifar  (3 runs) r1 r4 r6][tabular \u2014 /data/a/mlruns  (1 run) r3]"
                                            "[tabular \u2014 /data/b/mlruns  (2 runs) r2 r5]"));
    const QModelIndex cifar = s.groups.index(0, 0);
    QCOMPARE(cifar.data(RunGroupProxyModel::GroupKeyRole).toString(), QStringLiteral("E\x1f/data/a/mlruns\x1f"
                                                                                     "cifar"));
    QCOMPARE(cifar.data(RunGroupProxyModel::ShownRunCountRole).toInt(), 3);
    QVERIFY(cifar.data(Qt::ToolTipRole).toString().contains(QStringLiteral("/data/a/mlruns")));
    // Group rows hold nothing in the per-run columns, nor a cache id or sort value.
    for (int column = 1; column < s.groups.columnCount(); ++column)
        QVERIFY(!s.groups.index(0, column).data().isValid());
    QVERIFY(!cifar.data(RunTableModel::CacheIdRole).isValid());
    QVERIFY(!cifar.data(RunTableModel::SortRole).isValid());
    QVERIFY(!s.groups.mapToSource(cifar).isValid());

    // A filter shows how many of each group's runs it lets through; a group it empties goes away.
    QVERIFY(!s.filter.setFilterText(QStringLiteral("r4")));
    QCOMPARE(dump(s.groups), QStringLiteral("[cifar  (1 of 3 runs) r4]"));
    QCOMPARE(s.groups.index(0, 0).data(RunGroupProxyModel::TotalRunCountRole).toInt(), 3);
    QVERIFY(!s.filter.setFilterText(QString()));
    QCOMPARE(s.groups.rowCount(), 3);

    s.groups.setGrouping(RunGrouping::source);
    QCOMPARE(dump(s.groups), QStringLiteral("[/data/a/mlruns  (4 runs) r1 r3 r4 r6][/data/b/mlruns  (2 runs) r2 r5]"));
    // Imported names are data: a label with markup is kept as given, to be shown as plain text.
    std::vector<RunRow> runs = sweep();
    runs[0].experimentName = "<b>bold</b>";
    s.table.setRuns(runs);
    s.groups.setGrouping(RunGrouping::experiment);
    QCOMPARE(s.groups.index(0, 0).data().toString(), QStringLiteral("<b>bold</b>  (1 run)"));
    QVERIFY(s.groups.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("&lt;b&gt;bold")));
}

void TestRunGroupProxyModel::sortsRunsWithinGroupsAndGroupsByName() {
    Stack s;
    s.table.setRuns(sweep());
    s.groups.setGrouping(RunGrouping::source);
    s.groups.sort(RunTableModel::NameColumn, Qt::DescendingOrder);
    // Groups keep ascending order; the runs inside follow the sorted column.
    QCOMPARE(dump(s.groups), QStringLiteral("[/data/a/mlruns  (4 runs) r6 r4 r3 r1][/data/b/mlruns  (2 runs) r5 r2]"));
    s.groups.sort(RunTableModel::StartColumn, Qt::AscendingOrder);
    QCOMPARE(dump(s.groups), QStringLiteral("[/data/a/mlruns  (4 runs) r1 r3 r4 r6][/data/b/mlruns  (2 runs) r2 r5]"));
    // Table order reads the tree top to bottom.
    QStringList ordered(6);
    for (int row = 0; row < s.filter.rowCount(); ++row) {
        const QModelIndex index = s.groups.mapFromSource(s.filter.index(row, 0));
        ordered[s.groups.runOrder(index)] = name(index);
    }
    QCOMPARE(ordered.join(QLatin1Char(' ')), QStringLiteral("r1 r3 r4 r6 r2 r5"));
    QCOMPARE(name(s.groups.firstRun()), QStringLiteral("r1"));
    QCOMPARE(s.groups.runOrder(s.groups.index(0, 0)), -1);
}

void TestRunGroupProxyModel::sourceThenExperiment() {
    Stack s;
    s.table.setRuns(sweep());
    s.groups.sort(RunTableModel::NameColumn, Qt::AscendingOrder);
    s.groups.setGrouping(RunGrouping::sourceAndExperiment);
    QCOMPARE(dump(s.groups), QStringLiteral("[/data/a/mlruns  (4 runs) [cifar  (3 runs) r1 r4 r6][tabular  (1 run) r3]]"
                                            "[/data/b/mlruns  (2 runs) [tabular  (2 runs) r2 r5]]"));
    QCOMPARE(static_cast<int>(s.groups.groupIndexes().size()), 5);
    QCOMPARE(name(s.groups.firstRun()), QStringLiteral("r1"));
    // The runs under a source: one range per experiment.
    const QItemSelection runs = s.groups.runsUnder(s.groups.index(0, 0));
    QCOMPARE(static_cast<int>(runs.size()), 2);
    QCOMPARE(static_cast<int>(runs.indexes().size()), 4 * s.groups.columnCount());
    QVERIFY(s.groups.runsUnder(s.groups.index(0, 0, s.groups.index(0, 0))).size() == 1);
    QVERIFY(s.groups.runsUnder(QModelIndex()).isEmpty());
}

void TestRunGroupProxyModel::mapsBothWays() {
    Stack s;
    std::vector<RunRow> runs;
    for (int i = 0; i < 200; ++i)
        runs.push_back(run(i + 1, "run" + std::to_string((i * 37) % 200), "/s" + std::to_string(i % 3),
                           "e" + std::to_string(i % 7)));
    s.table.setRuns(runs);
    for (const RunGrouping grouping :
         {RunGrouping::none, RunGrouping::source, RunGrouping::experiment, RunGrouping::sourceAndExperiment}) {
        s.groups.setGrouping(grouping);
        for (const auto& [column, sortOrder] : {std::pair{RunTableModel::NameColumn, Qt::AscendingOrder},
                                                std::pair{RunTableModel::StartColumn, Qt::DescendingOrder}}) {
            s.groups.sort(column, sortOrder);
            QVERIFY(!s.filter.setFilterText(QStringLiteral("run1")));  // run1, run10..run19, run100..run199
            int total = 0;
            std::vector<bool> seen(static_cast<std::size_t>(s.filter.rowCount()));
            for (int row = 0; row < s.filter.rowCount(); ++row) {
                const QModelIndex source = s.filter.index(row, RunTableModel::RunIdColumn);
                const QModelIndex proxy = s.groups.mapFromSource(source);
                QVERIFY(proxy.isValid());
                QCOMPARE(s.groups.mapToSource(proxy), source);
                QCOMPARE(proxy.data(), source.data());
                QCOMPARE(s.groups.index(proxy.row(), proxy.column(), proxy.parent()), proxy);
                const int order = s.groups.runOrder(proxy);
                QVERIFY(order >= 0 && order < s.filter.rowCount() && !seen[static_cast<std::size_t>(order)]);
                seen[static_cast<std::size_t>(order)] = true;
                ++total;
            }
            QCOMPARE(total, 111);
            // Within each group, runs keep the source's (sorted) order.
            for (const QModelIndex& group : s.groups.groupIndexes()) {
                int previous = -1;
                int count = 0;
                for (int row = 0; row < s.groups.rowCount(group); ++row) {
                    const QModelIndex child = s.groups.index(row, 0, group);
                    if (s.groups.isGroup(child))
                        continue;
                    const int sourceRow = s.groups.mapToSource(child).row();
                    QVERIFY(sourceRow > previous);
                    previous = sourceRow;
                    ++count;
                }
                QVERIFY(count == 0 || count == group.data(RunGroupProxyModel::ShownRunCountRole).toInt());
            }
            QVERIFY(!s.filter.setFilterText(QString()));
        }
    }
}

void TestRunGroupProxyModel::persistentIndexesFollowRunsAndGroups() {
    Stack s;
    s.table.setRuns(sweep());
    s.groups.sort(RunTableModel::NameColumn, Qt::AscendingOrder);
    s.groups.setGrouping(RunGrouping::experiment);
    const QPersistentModelIndex r6 = s.groups.mapFromSource(s.filter.index(5, 0));
    QCOMPARE(name(r6), QStringLiteral("r6"));
    const QPersistentModelIndex tabularA = s.groups.index(1, 0);
    const QString tabularKey = tabularA.data(RunGroupProxyModel::GroupKeyRole).toString();
    s.groups.sort(RunTableModel::NameColumn, Qt::DescendingOrder);
    QCOMPARE(name(r6), QStringLiteral("r6"));
    QCOMPARE(r6.row(), 0);  // first in its group now
    const QPersistentModelIndex cifar = s.groups.index(0, 0);
    QVERIFY(!s.filter.setFilterText(QStringLiteral("r3")));
    QVERIFY(!r6.isValid());     // filtered out
    QVERIFY(!cifar.isValid());  // its group is gone with its runs
    QCOMPARE(tabularA.row(), 0);
    QCOMPARE(tabularA.data(RunGroupProxyModel::GroupKeyRole).toString(), tabularKey);
    const QPersistentModelIndex r3 = s.groups.index(0, 0, tabularA);
    QCOMPARE(name(r3), QStringLiteral("r3"));
    QVERIFY(!s.filter.setFilterText(QStringLiteral("r")));
    QCOMPARE(name(r3), QStringLiteral("r3"));
    QCOMPARE(tabularA.row(), 1);
    s.groups.setGrouping(RunGrouping::sourceAndExperiment);
    QCOMPARE(name(r3), QStringLiteral("r3"));  // a new grouping keeps runs (and their selection)
    QCOMPARE(r3.parent().data(RunGroupProxyModel::GroupKeyRole).toString(), tabularKey);
    s.groups.setGrouping(RunGrouping::none);
    QCOMPARE(name(r3), QStringLiteral("r3"));
    QVERIFY(!r3.parent().isValid());
}

void TestRunGroupProxyModel::selectingAGroupSelectsItsRuns() {
    Stack s;
    s.table.setRuns(sweep());
    s.groups.sort(RunTableModel::NameColumn, Qt::AscendingOrder);
    s.groups.setGrouping(RunGrouping::sourceAndExperiment);
    RunGroupSelectionModel selection(&s.groups);
    auto selectedNames = [&] {
        QStringList names;
        for (const QModelIndex& index : selection.selectedRows())
            names << name(index);
        names.sort();
        return names.join(QLatin1Char(' '));
    };
    const QModelIndex sourceA = s.groups.index(0, 0);
    const QModelIndex sourceB = s.groups.index(1, 0);
    const auto rows = QItemSelectionModel::Rows;
    selection.select(sourceA, QItemSelectionModel::ClearAndSelect | rows);
    QCOMPARE(selectedNames(), QStringLiteral("r1 r3 r4 r6"));  // the group row itself is never selected
    QVERIFY(!selection.isSelected(sourceA));
    selection.select(s.groups.index(0, 0, sourceB), QItemSelectionModel::Toggle | rows);  // Ctrl+click adds
    QCOMPARE(selectedNames(), QStringLiteral("r1 r2 r3 r4 r5 r6"));
    selection.select(sourceA, QItemSelectionModel::Toggle | rows);  // all of it selected: toggling removes it
    QCOMPARE(selectedNames(), QStringLiteral("r2 r5"));
    selection.select(s.groups.index(0, 0, sourceB), QItemSelectionModel::Toggle | rows);
    QCOMPARE(selectedNames(), QString());
    // A range over several group rows (Shift+click) takes the runs of each.
    selection.select(QItemSelection(s.groups.index(0, 0, sourceA), s.groups.index(1, 0, sourceA)),
                     QItemSelectionModel::ClearAndSelect | rows);
    QCOMPARE(selectedNames(), QStringLiteral("r1 r3 r4 r6"));
    selection.setCurrentIndex(s.groups.index(0, 0, s.groups.index(0, 0, sourceA)),
                              QItemSelectionModel::ClearAndSelect | rows);
    QCOMPARE(selectedNames(), QStringLiteral("r1"));
    // The selection survives a filter and a new sort.
    QVERIFY(!s.filter.setFilterText(QStringLiteral("r1")));
    s.groups.sort(RunTableModel::NameColumn, Qt::DescendingOrder);
    QVERIFY(!s.filter.setFilterText(QString()));
    QCOMPARE(selectedNames(), QStringLiteral("r1"));
}

QTEST_MAIN(TestRunGroupProxyModel)  // group rows carry a bold QFont: needs a QGuiApplication
#include "tst_rungroupproxymodel.moc"
