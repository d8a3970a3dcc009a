// SPDX-License-Identifier: MIT
#pragma once

#include "importrunner.h"

#include <QFuture>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

namespace runlens::ui {

// Imports paths into a cache file on a worker thread. The worker opens its own connection to the cache
// (SQLite connections are per thread); results come back on the GUI thread as whole reports.
class ImportJob : public QObject {
    Q_OBJECT
public:
    ImportJob(QString cachePath, QStringList paths, QObject* parent = nullptr);
    ~ImportJob() override;

    void start();
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    // Throttled to a few updates a second. secondsLeft < 0 when unknown.
    void progressed(const QString& path, const QString& stage, qint64 done, qint64 total, int secondsLeft);
    void sourceFinished(const runlens::importers::ImportReport& report);
    void finished(bool cancelled);

private:
    QString m_cachePath;
    QStringList m_paths;
    std::shared_ptr<std::atomic_bool> m_cancel = std::make_shared<std::atomic_bool>(false);
    bool m_running = false;
    QFuture<void> m_future;  // waited for on destruction, so the worker never outlives the job
};

}  // namespace runlens::ui

Q_DECLARE_METATYPE(runlens::importers::ImportReport)
