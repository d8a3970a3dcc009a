// SPDX-License-Identifier: MIT
#include "query/runfilter.h"

#include <QTest>

#include <cmath>

using namespace runlens;

namespace {

RunRow makeRun(const std::string& name, const std::string& optimizer, double lastLoss, double maxAcc) {
    RunRow r;
    r.run.name = name;
    r.run.status = name == "broken" ? "FAILED" : "FINISHED";
    r.run.externalId = "id-" + name;
    r.experimentName = "cifar";
    r.params = {{"learning rate", "0.10"}, {"optim", optimizer}};
    r.tags = {{"team", "vision-core"}};
    SeriesRow loss{"val/loss", {}};
    loss.summary.count = 3;
    loss.summary.last = lastLoss;
    loss.summary.min = lastLoss - 0.1;
    loss.summary.max = lastLoss + 1;
    SeriesRow acc{"acc", {}};
    acc.summary.count = 3;
    acc.summary.last = maxAcc - 0.05;
    acc.summary.max = maxAcc;
    acc.summary.min = 0.1;
    r.metrics = {acc, loss};
    return r;
}

}  // namespace

class TestRunFilter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matches_data();
    void matches();
    void badExpressionsSayWhereAndWhat_data();
    void badExpressionsSayWhereAndWhat();
};

void TestRunFilter::matches_data() {
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("expectedNames");  // runs that match, in order
    QTest::addRow("empty matches all") << QString() << QStringLiteral("a,b,broken");
    QTest::addRow("the issue's example") << QStringLiteral("metrics.val/loss < 0.3 and params.optim == \"adam\"")
                                         << QStringLiteral("a");
    QTest::addRow("numeric param") << QStringLiteral("params.`learning rate` == 0.1") << QStringLiteral("a,b,broken");
    QTest::addRow("or and parentheses") << QStringLiteral(
                                               "(params.optim == sgd or metrics.val/loss < 0.3) and status != 'FAILED'")
                                        << QStringLiteral("a,b");
    QTest::addRow("not") << QStringLiteral("not status == FAILED") << QStringLiteral("a,b");
    QTest::addRow("max aggregate") << QStringLiteral("max(metrics.acc) >= 0.9") << QStringLiteral("a");
    QTest::addRow("min aggregate") << QStringLiteral("min(metrics.val/loss) < 0.2") << QStringLiteral("a");
    QTest::addRow("contains") << QStringLiteral("tags.team contains \"vision\"") << QStringLiteral("a,b,broken");
    QTest::addRow("missing field never matches") << QStringLiteral("metrics.nope > -1e9") << QString();
    QTest::addRow("existence") << QStringLiteral("params.optim and not tags.absent") << QStringLiteral("a,b,broken");
    QTest::addRow("case-insensitive keywords") << QStringLiteral("name == a OR name == b") << QStringLiteral("a,b");
    QTest::addRow("NaN never compares") << QStringLiteral("metrics.val/loss >= 0") << QStringLiteral("a,b");
}

void TestRunFilter::matches() {
    QFETCH(QString, expression);
    QFETCH(QString, expectedNames);
    auto filter = RunFilter::parse(expression.toStdString());
    QVERIFY2(filter.ok(), filter.ok() ? "" : filter.error().toString().c_str());
    const std::vector<RunRow> runs = {makeRun("a", "adam", 0.25, 0.93), makeRun("b", "sgd", 0.4, 0.8),
                                      makeRun("broken", "sgd", std::nan(""), 0.5)};
    QStringList names;
    for (const auto& r : runs)
        if (filter->matches(r))
            names << QString::fromStdString(r.run.name);
    QCOMPARE(names.join(QLatin1Char(',')), expectedNames);
}

void TestRunFilter::badExpressionsSayWhereAndWhat_data() {
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("position");
    QTest::addColumn<QString>("message");
    QTest::addRow("dangling operator") << QStringLiteral("metrics.loss <") << QStringLiteral("column 15")
                                       << QStringLiteral("expected a value after '<'");
    QTest::addRow("single equals") << QStringLiteral("params.optim = adam") << QStringLiteral("column 14")
                                   << QStringLiteral("use == or !=");
    QTest::addRow("unknown field") << QStringLiteral("loss < 1") << QStringLiteral("column 1")
                                   << QStringLiteral("unknown field 'loss'");
    QTest::addRow("unclosed quote") << QStringLiteral("params.optim == \"adam") << QStringLiteral("column 17")
                                    << QStringLiteral("no closing quote");
    QTest::addRow("unclosed paren") << QStringLiteral("(name == a") << QStringLiteral("column 1")
                                    << QStringLiteral("never closed");
    QTest::addRow("metric vs text") << QStringLiteral("metrics.loss < low") << QStringLiteral("column 16")
                                    << QStringLiteral("'<' compares numbers");
    QTest::addRow("trailing junk") << QStringLiteral("name == a b") << QStringLiteral("column 11")
                                   << QStringLiteral("expected 'and', 'or'");
    QTest::addRow("prefix without key") << QStringLiteral("params. == 1") << QStringLiteral("column 1")
                                        << QStringLiteral("needs a key");
}

void TestRunFilter::badExpressionsSayWhereAndWhat() {
    QFETCH(QString, expression);
    QFETCH(QString, position);
    QFETCH(QString, message);
    auto filter = RunFilter::parse(expression.toStdString());
    QVERIFY(!filter.ok());
    QCOMPARE(QString::fromStdString(filter.error().position), position);
    QVERIFY2(QString::fromStdString(filter.error().message).contains(message), filter.error().message.c_str());
}

QTEST_GUILESS_MAIN(TestRunFilter)
#include "tst_runfilter.moc"
