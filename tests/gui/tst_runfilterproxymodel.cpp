// SPDX-License-Identifier: MIT
#include "itemmodels/runfilterproxymodel.h"
#include "itemmodels/runtablemodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace runlens;

namespace {

RunRow row(std::int64_t id, const std::string& name, const std::string& optimizer, double loss) {
    RunRow r;
    r.id = id;
    r.run.name = name;
    r.run.externalId = "run" + std::to_string(id);
    r.run.status = run_status::finished;
    r.experimentName = "exp";
    r.params = {{"optim", optimizer}};
    SeriesRow m{"val/loss", {}};
    m.summary.count = 1;
    m.summary.last = loss;
    r.metrics.push_back(m);
    return r;
}

}  // namespace

class TestRunFilterProxyModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wordsAndExpressions();
    void badExpressionKeepsPreviousFilter();
};

void TestRunFilterProxyModel::wordsAndExpressions() {
    RunTableModel model;
    model.setRuns({row(1, "alpha", "adam", 0.2), row(2, "beta", "sgd", 0.5), row(3, "gamma", "adam", 0.7)});
    RunFilterProxyModel proxy;
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    QCOMPARE(proxy.rowCount(), 3);
    QVERIFY(!proxy.setFilterText(QStringLiteral("ALPH")));
    QCOMPARE(proxy.rowCount(), 1);
    QVERIFY(!proxy.isExpression());
    QVERIFY(!proxy.setFilterText(QStringLiteral("params.optim == \"adam\" and metrics.val/loss < 0.5")));
    QVERIFY(proxy.isExpression());
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, RunTableModel::NameColumn).data().toString(), QStringLiteral("alpha"));
    QVERIFY(!proxy.setFilterText(QString()));
    QCOMPARE(proxy.rowCount(), 3);
}

void TestRunFilterProxyModel::badExpressionKeepsPreviousFilter() {
    RunTableModel model;
    model.setRuns({row(1, "alpha", "adam", 0.2), row(2, "beta", "sgd", 0.5)});
    RunFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QVERIFY(!proxy.setFilterText(QStringLiteral("params.optim == sgd")));
    QCOMPARE(proxy.rowCount(), 1);
    const auto error = proxy.setFilterText(QStringLiteral("params.optim == sgd and"));
    QVERIFY(error.has_value());
    QCOMPARE(error->position, std::string("column 24"));
    QCOMPARE(proxy.rowCount(), 1);
}

QTEST_GUILESS_MAIN(TestRunFilterProxyModel)
#include "tst_runfilterproxymodel.moc"
