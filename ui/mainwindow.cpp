// SPDX-License-Identifier: MIT
#include "mainwindow.h"

namespace runlens::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {}

}  // namespace runlens::ui
