// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

class QFileSystemWatcher;
class QTimer;

namespace runlens::ui {

// Watches the folders and files of a workspace's sources and says, once things have been quiet for a moment,
// that something changed. A training that writes every second produces one signal per quiet period, not one per
// write, and at least one every few quiet periods while writes go on. Folders are watched recursively up to a limit
// (inotify watches are a shared system resource); files are watched too, since appending to a metric file does not
// change its folder.
class SourceWatcher : public QObject {
    Q_OBJECT
public:
    static constexpr int maxWatchedPaths = 4000;

    explicit SourceWatcher(QObject* parent = nullptr);

    void setSources(const QStringList& paths);
    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    // How long the sources must stay quiet before changed() (default 2 s).
    void setQuietPeriod(int milliseconds);
    int watchedPathCount() const;

Q_SIGNALS:
    void changed();

private:
    void rewatch();
    void noteChange();

    QStringList m_sources;
    QFileSystemWatcher* m_watcher = nullptr;
    QTimer* m_quiet = nullptr;
    QElapsedTimer m_firstPending;  // since the first change not yet reported
    bool m_enabled = false;
    int m_quietMs = 2000;
};

}  // namespace runlens::ui
