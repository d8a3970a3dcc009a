// SPDX-License-Identifier: MIT
// The helper behind the compare tabs' background loads: only the latest load's result is applied, a superseded one
// is told to stop and dropped whenever it arrives, and nothing reaches an owner that is gone.
#include "latestload.h"

#include <QCoreApplication>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <future>
#include <memory>
#include <vector>

using runlens::ui::LatestLoad;

class TestLatestLoad : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void appliesTheResultOnTheOwnersThread();
    void aStaleResultArrivingLateIsDropped();
    void cancelDropsTheResult();
    void nothingReachesAnOwnerThatIsGone();
};

void TestLatestLoad::initTestCase() {
    // A load held back by a test must not keep the next one from starting.
    QThreadPool::globalInstance()->setMaxThreadCount(std::max(2, QThreadPool::globalInstance()->maxThreadCount()));
}

void TestLatestLoad::appliesTheResultOnTheOwnersThread() {
    QObject owner;
    LatestLoad<int> load(&owner);
    QThread* workerThread = nullptr;
    QThread* applyThread = nullptr;
    int applied = 0;
    load.start(
        [&](const std::atomic_bool&) {
            workerThread = QThread::currentThread();
            return 42;
        },
        [&](int value) {
            applyThread = QThread::currentThread();
            applied = value;
        });
    QVERIFY(load.isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!load.isRunning(), 10000);
    QCOMPARE(applied, 42);
    QVERIFY(workerThread && workerThread != QThread::currentThread());
    QCOMPARE(applyThread, QThread::currentThread());
    QCOMPARE(load.droppedResults(), 0);
}

void TestLatestLoad::aStaleResultArrivingLateIsDropped() {
    QObject owner;
    LatestLoad<int> load(&owner);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    auto firstSawCancel = std::make_shared<std::atomic_bool>(false);
    std::vector<int> applied;
    load.start(
        [released, firstSawCancel](const std::atomic_bool& cancelled) {
            released.wait();
            *firstSawCancel = cancelled.load();
            return 1;
        },
        [&](int value) { applied.push_back(value); });
    load.start([](const std::atomic_bool&) { return 2; }, [&](int value) { applied.push_back(value); });
    QTRY_VERIFY_WITH_TIMEOUT(!load.isRunning(), 10000);
    QCOMPARE(applied, std::vector<int>{2});
    release.set_value();  // the first load ends only now, after the second was applied
    QThreadPool::globalInstance()->waitForDone();
    QTRY_COMPARE_WITH_TIMEOUT(load.droppedResults(), 1, 10000);
    QCOMPARE(applied, std::vector<int>{2});
    QVERIFY(firstSawCancel->load());  // it was told to stop early
}

void TestLatestLoad::cancelDropsTheResult() {
    QObject owner;
    LatestLoad<int> load(&owner);
    bool applied = false;
    load.start([](const std::atomic_bool&) { return 7; }, [&](int) { applied = true; });
    load.cancel();
    QVERIFY(!load.isRunning());
    QThreadPool::globalInstance()->waitForDone();
    QTRY_COMPARE_WITH_TIMEOUT(load.droppedResults(), 1, 10000);
    QVERIFY(!applied);
}

void TestLatestLoad::nothingReachesAnOwnerThatIsGone() {
    auto owner = std::make_unique<QObject>();
    auto load = std::make_unique<LatestLoad<int>>(owner.get());
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    auto sawCancel = std::make_shared<std::atomic_bool>(false);
    auto applied = std::make_shared<bool>(false);
    load->start(
        [released, sawCancel](const std::atomic_bool& cancelled) {
            released.wait();
            *sawCancel = cancelled.load();
            return 3;
        },
        [applied](int) { *applied = true; });
    // As in a view: the member goes first, then the owner with its children.
    load.reset();
    owner.reset();
    release.set_value();
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    QVERIFY(!*applied);
    QVERIFY(sawCancel->load());
}

QTEST_GUILESS_MAIN(TestLatestLoad)
#include "tst_latestload.moc"
