// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

namespace runlens::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace runlens::ui
