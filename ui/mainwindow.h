// SPDX-License-Identifier: MIT
#pragma once

#include "importrunner.h"

#include <QMainWindow>
#include <QPointer>

#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTreeWidget;
class QTabWidget;
class QDockWidget;

namespace runlens {
class Cache;
class RunTableModel;
class RunFilterProxyModel;
}  // namespace runlens

namespace runlens::ui {

class ImportJob;
class CurveView;

// The workspace window: the runs of one cache file, import with progress and a problems panel.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (creating if needed) a workspace file; false with a message in the problems panel on failure.
    bool openWorkspace(const QString& cachePath);
    QString workspacePath() const;
    // Imports sources off the GUI thread; progress shows in the status bar and problems in the panel.
    void importPaths(const QStringList& paths);
    bool isImporting() const;
    QTableView* runTable() const { return m_table; }
    QTreeWidget* problemsList() const { return m_problems; }
    CurveView* curveView() const { return m_curves; }

Q_SIGNALS:
    void importFinished();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void reloadRuns();
    void showRunDetails();
    void showSelectedCurves();
    void updateRunCount();
    void addProblem(const QString& severity, const Error& error);
    void onSourceFinished(const importers::ImportReport& report);
    void chooseFolderToImport();
    void chooseFileToImport();
    void newWorkspace();
    void chooseWorkspace();
    void openDemo();
    void resyncAll();

    std::unique_ptr<Cache> m_cache;
    RunTableModel* m_model = nullptr;
    RunFilterProxyModel* m_proxy = nullptr;
    QLabel* m_filterError = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_filter = nullptr;
    QTreeWidget* m_details = nullptr;
    CurveView* m_curves = nullptr;
    QTabWidget* m_lowerTabs = nullptr;
    QTreeWidget* m_problems = nullptr;
    QDockWidget* m_problemsDock = nullptr;
    QLabel* m_emptyText = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    QPointer<ImportJob> m_job;
};

}  // namespace runlens::ui
