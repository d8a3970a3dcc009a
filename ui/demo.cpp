// SPDX-License-Identifier: MIT
#include "demo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace runlens::ui {

QString demoStorePath() {
    const QStringList candidates = {
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/runlens/demo/mlruns"),
        QStringLiteral(RUNLENS_DEMO_SOURCE_DIR "/mlruns"),
    };
    for (const QString& candidate : candidates) {
        if (QFileInfo(candidate).isDir())
            return QDir::cleanPath(candidate);
    }
    return {};
}

QString demoCachePath() {
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return dataDir + QStringLiteral("/RunLens/demo.runlens");
}

}  // namespace runlens::ui
