// SPDX-License-Identifier: MIT
#include "sourcewatcher.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace runlens::ui {

SourceWatcher::SourceWatcher(QObject* parent) : QObject(parent) {
    m_quiet = new QTimer(this);
    m_quiet->setSingleShot(true);
    connect(m_quiet, &QTimer::timeout, this, [this] {
        m_firstPending.invalidate();
        rewatch();  // new run folders and files get watched too
        Q_EMIT changed();
    });
}

void SourceWatcher::setSources(const QStringList& paths) {
    m_sources = paths;
    if (m_enabled)
        rewatch();
}

void SourceWatcher::setEnabled(bool enabled) {
    m_enabled = enabled;
    if (enabled) {
        rewatch();
    } else {
        m_quiet->stop();
        delete m_watcher;
        m_watcher = nullptr;
    }
}

void SourceWatcher::setQuietPeriod(int milliseconds) {
    m_quietMs = milliseconds;
}

int SourceWatcher::watchedPathCount() const {
    return m_watcher ? static_cast<int>(m_watcher->directories().size() + m_watcher->files().size()) : 0;
}

void SourceWatcher::rewatch() {
    // A fresh watcher is simpler than diffing path lists, and cheap at this size.
    delete m_watcher;
    m_watcher = new QFileSystemWatcher(this);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &SourceWatcher::noteChange);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &SourceWatcher::noteChange);
    QStringList paths;
    for (const QString& source : m_sources) {
        if (paths.size() >= maxWatchedPaths)
            break;
        const QFileInfo info(source);
        if (!info.exists())
            continue;
        paths << info.absoluteFilePath();
        if (!info.isDir())
            continue;
        QDirIterator it(info.absoluteFilePath(), QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext() && paths.size() < maxWatchedPaths) {
            it.next();
            if (!it.fileInfo().isSymLink())
                paths << it.filePath();
        }
    }
    if (!paths.isEmpty())
        m_watcher->addPaths(paths);
}

void SourceWatcher::noteChange() {
    if (!m_firstPending.isValid())
        m_firstPending.start();
    // Restarting waits until the writes stop; a source that never stops is still re-synced now and then.
    m_quiet->start(m_firstPending.elapsed() > 5 * m_quietMs ? 0 : m_quietMs);
}

}  // namespace runlens::ui
