// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace runlens::ui {

// The workspaces opened lately, newest first, kept in QSettings. Files that no longer exist are dropped when the
// list is read.
class RecentWorkspaces {
public:
    static constexpr int maxEntries = 10;

    static QStringList list();
    static void add(const QString& path);
    static void clear();
};

}  // namespace runlens::ui
