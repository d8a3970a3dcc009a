// SPDX-License-Identifier: MIT
#include "cache/defaultpath.h"
#include "demo.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("RunLens"));
    QApplication::setOrganizationName(QStringLiteral("RunLens"));
    QApplication::setApplicationVersion(QStringLiteral(RUNLENS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Compare machine-learning experiments offline."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption cacheOption(QStringLiteral("cache"), QStringLiteral("Workspace (cache) file to open."),
                                   QStringLiteral("FILE"));
    QCommandLineOption demoOption(QStringLiteral("demo"), QStringLiteral("Open the bundled demo workspace."));
    parser.addOption(cacheOption);
    parser.addOption(demoOption);
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Tracker folders or files to import."),
                                 QStringLiteral("[PATH...]"));
    parser.process(app);

    runlens::ui::MainWindow window;
    const QString demoStore = runlens::ui::demoStorePath();
    QString workspace = parser.value(cacheOption);
    const QString last = QSettings().value(QStringLiteral("workspace/last")).toString();
    // First start (nothing opened before) shows the demo, so a newcomer sees runs at once.
    const bool showDemo =
        parser.isSet(demoOption) ||
        (workspace.isEmpty() && last.isEmpty() && qEnvironmentVariableIsEmpty("RUNLENS_CACHE") && !demoStore.isEmpty());
    if (workspace.isEmpty())
        workspace = showDemo ? runlens::ui::demoCachePath()
                             : (!qEnvironmentVariableIsEmpty("RUNLENS_CACHE") || last.isEmpty()
                                    ? QString::fromStdString(runlens::defaultCachePath())
                                    : last);
    window.openWorkspace(workspace);
    window.show();
    QStringList imports = parser.positionalArguments();
    if (showDemo && !demoStore.isEmpty())
        imports.prepend(demoStore);
    window.importPaths(imports);
    return QApplication::exec();
}
