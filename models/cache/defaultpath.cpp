// SPDX-License-Identifier: MIT
#include "defaultpath.h"

#include <QStandardPaths>
#include <QString>

namespace runlens {

std::string defaultCachePath() {
    const QString fromEnvironment = qEnvironmentVariable("RUNLENS_CACHE");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment.toStdString();
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    const QString path = dataDir + QStringLiteral("/RunLens/default.runlens");
    return path.toStdString();
}

}  // namespace runlens
