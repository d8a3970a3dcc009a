// SPDX-License-Identifier: MIT
#include "cli/cli.h"

#include <QCoreApplication>

#include <iostream>
#include <unistd.h>

int main(int argc, char** argv) {
    QCoreApplication::setApplicationName(QStringLiteral("runlens"));
    QCoreApplication::setOrganizationName(QStringLiteral("RunLens"));
    std::ios::sync_with_stdio(false);
    return runlens::cli::run(argc, argv, std::cout, std::cerr, ::isatty(STDERR_FILENO) != 0);
}
