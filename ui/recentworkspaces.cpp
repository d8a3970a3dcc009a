// SPDX-License-Identifier: MIT
#include "recentworkspaces.h"

#include <QFileInfo>
#include <QSettings>

namespace runlens::ui {
namespace {

const QString settingsKey = QStringLiteral("workspace/recent");

}  // namespace

QStringList RecentWorkspaces::list() {
    QSettings settings;
    const QStringList stored = settings.value(settingsKey).toStringList();
    QStringList existing;
    for (const QString& path : stored)
        if (QFileInfo::exists(path) && !existing.contains(path))
            existing << path;
    if (existing != stored)
        settings.setValue(settingsKey, existing);
    return existing;
}

void RecentWorkspaces::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList recent = list();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > maxEntries)
        recent.removeLast();
    QSettings().setValue(settingsKey, recent);
}

void RecentWorkspaces::clear() {
    QSettings().remove(settingsKey);
}

}  // namespace runlens::ui
