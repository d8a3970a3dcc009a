// SPDX-License-Identifier: MIT
#include "cache/defaultpath.h"
#include "demo.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QSettings>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv) {
    QElapsedTimer sinceLaunch;
    sinceLaunch.start();
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
    // For the launch benchmark: print the milliseconds until the window is interactive (runs in the table, event
    // loop idle) and quit.
    QCommandLineOption reportReadyOption(QStringLiteral("report-ready"),
                                         QStringLiteral("Print the time to an interactive window and quit."));
    reportReadyOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(cacheOption);
    parser.addOption(demoOption);
    parser.addOption(reportReadyOption);
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Tracker folders or files to import."),
                                 QStringLiteral("[PATH...]"));
    parser.process(app);

    runlens::ui::MainWindow window;
    if (parser.isSet(reportReadyOption)) {
        QObject::connect(&window, &runlens::ui::MainWindow::runsLoaded, &app, [&] {
            // A zero timer fires once the events queued by filling the table (layout, paint) are handled.
            QTimer::singleShot(0, &app, [&] {
                std::printf("interactive_ms %lld rows %d\n", static_cast<long long>(sinceLaunch.elapsed()),
                            window.runModel()->rowCount());
                std::fflush(stdout);
                QApplication::quit();
            });
        });
    }
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
