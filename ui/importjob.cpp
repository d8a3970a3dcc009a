// SPDX-License-Identifier: MIT
#include "importjob.h"

#include "cache/cache.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>

namespace runlens::ui {
namespace {

class ThreadObserver final : public ImportObserver {
public:
    ThreadObserver(ImportJob* job, QString path, std::shared_ptr<std::atomic_bool> cancel)
        : m_job(job), m_path(std::move(path)), m_cancel(std::move(cancel)),
          m_started(std::chrono::steady_clock::now()) {}

    bool progress(std::string_view stage, std::int64_t done, std::int64_t total) override {
        const auto now = std::chrono::steady_clock::now();
        if (now - m_last >= std::chrono::milliseconds(100) || done == total) {
            m_last = now;
            const double elapsed = std::chrono::duration<double>(now - m_started).count();
            int left = -1;
            if (total > 0 && done > 0 && elapsed > 0.5)
                left = static_cast<int>(elapsed * static_cast<double>(total - done) / static_cast<double>(done) + 0.5);
            QMetaObject::invokeMethod(
                m_job,
                [job = m_job, path = m_path, s = QString::fromUtf8(stage.data(), static_cast<qsizetype>(stage.size())),
                 done, total, left] { Q_EMIT job->progressed(path, s, done, total, left); },
                Qt::QueuedConnection);
        }
        return !m_cancel->load();
    }
    void warning(const Error&) override {}  // collected in the report

private:
    ImportJob* m_job;
    QString m_path;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::chrono::steady_clock::time_point m_started;
    std::chrono::steady_clock::time_point m_last;
};

}  // namespace

ImportJob::ImportJob(QString cachePath, QStringList paths, QObject* parent)
    : QObject(parent), m_cachePath(std::move(cachePath)), m_paths(std::move(paths)) {
    qRegisterMetaType<runlens::importers::ImportReport>();
}

ImportJob::~ImportJob() {
    cancel();
    m_future.waitForFinished();  // queued results to a deleted job are discarded by Qt
}

void ImportJob::cancel() {
    m_cancel->store(true);
}

void ImportJob::start() {
    m_running = true;
    auto cancel = m_cancel;
    const QString cachePath = m_cachePath;
    const QStringList paths = m_paths;
    m_future = QtConcurrent::run([this, cancel, cachePath, paths] {
        auto cache = Cache::open(cachePath.toStdString());
        for (const QString& path : paths) {
            if (cancel->load())
                break;
            importers::ImportReport report;
            if (!cache) {
                report.path = path.toStdString();
                report.error = cache.error();
            } else {
                ThreadObserver observer(this, path, cancel);
                report = importers::importSource(*cache, path.toStdString(), observer);
            }
            QMetaObject::invokeMethod(
                this, [this, report] { Q_EMIT sourceFinished(report); }, Qt::QueuedConnection);
        }
        const bool cancelled = cancel->load();
        QMetaObject::invokeMethod(
            this,
            [this, cancelled] {
                m_running = false;
                Q_EMIT finished(cancelled);
            },
            Qt::QueuedConnection);
    });
}

}  // namespace runlens::ui
