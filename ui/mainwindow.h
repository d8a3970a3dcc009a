// SPDX-License-Identifier: MIT
#pragma once

#include "importrunner.h"
#include "itemmodels/runtablemodel.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <QPointer>

#include <memory>
#include <set>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTreeView;
class QTimer;
class QTreeWidget;
class QTabWidget;
class QDockWidget;

namespace runlens {
class Cache;
class RunFilterProxyModel;
class RunGroupProxyModel;
}  // namespace runlens

namespace runlens::ui {

class ImportJob;
class CurveView;
class ParamDiffView;
class MetricSummaryView;
class SourceWatcher;
class RunTreeView;

// The runs of a workspace as read on a worker thread.
struct LoadedRuns {
    std::shared_ptr<const RunTableData> table;
    std::optional<Error> error;
    QStringList sources;
};

// The workspace window: the runs of one cache file, import with progress and a problems panel, and the compare
// views (curves, params, metrics, details) fed with the selected runs.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (creating if needed) a workspace file; false with a message in the problems panel on failure.
    // The runs are read on a worker thread; runsLoaded() says when they are in the table.
    bool openWorkspace(const QString& cachePath);
    QString workspacePath() const;
    // Imports sources off the GUI thread; progress shows in the status bar and problems in the panel.
    void importPaths(const QStringList& paths);
    bool isImporting() const;
    // Re-imports every source of the workspace (only what changed is read again).
    void resyncAll();
    void setAutoResync(bool enabled);
    bool isLoadingRuns() const;

    // The run browser: a tree whose top-level rows are runs, or groups of runs under a grouping.
    QTreeView* runTable() const;
    RunTableModel* runModel() const { return m_model; }
    RunFilterProxyModel* runProxy() const { return m_proxy; }
    RunGroupProxyModel* runGroups() const { return m_groups; }
    QLineEdit* filterEdit() const { return m_filter; }
    QComboBox* groupingBox() const { return m_grouping; }
    QTreeWidget* problemsList() const { return m_problems; }
    CurveView* curveView() const { return m_curves; }
    ParamDiffView* paramDiffView() const { return m_params; }
    MetricSummaryView* metricSummaryView() const { return m_metrics; }
    QTabWidget* compareTabs() const { return m_lowerTabs; }
    SourceWatcher* sourceWatcher() const { return m_watcher; }
    QMenu* recentMenu() const { return m_recentMenu; }
    // The column chooser the table header shows on a right click.
    QMenu* makeColumnMenu();
    void setRunGrouping(RunGrouping grouping);
    // Cache ids of the selected runs, in table order (top to bottom, as if every group were open).
    std::vector<std::int64_t> selectedRunIds() const;

Q_SIGNALS:
    void importFinished();    // after the imported runs are in the table
    void runsLoaded();        // the table holds the workspace's current runs
    void selectionApplied();  // the compare views were given the current selection

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void reloadRuns();
    void applyLoadedRuns();
    void applySelection();
    void showRunDetails(const std::vector<const RunRow*>& runs);
    void updateRunCount();
    void addProblem(const QString& severity, const Error& error);
    void onSourceFinished(const importers::ImportReport& report);
    void chooseFolderToImport();
    void chooseFileToImport();
    void newWorkspace();
    void chooseWorkspace();
    void openDemo();
    void fillRecentMenu();
    void exportCurrentFigure();
    void restoreColumns();
    void saveColumns() const;
    void setExtraColumns(std::vector<RunExtraColumn> columns);
    QString columnId(int section) const;
    void applyColumnWidths();
    void saveColumnWidths() const;
    const RunRow* runAt(const QModelIndex& viewIndex) const;
    QModelIndexList selectedRunsInOrder() const;

    std::unique_ptr<Cache> m_cache;
    RunTableModel* m_model = nullptr;
    RunFilterProxyModel* m_proxy = nullptr;
    RunGroupProxyModel* m_groups = nullptr;
    QLabel* m_filterError = nullptr;
    QStackedWidget* m_stack = nullptr;
    QSplitter* m_splitter = nullptr;
    RunTreeView* m_table = nullptr;
    QLineEdit* m_filter = nullptr;
    QComboBox* m_grouping = nullptr;
    QTreeWidget* m_details = nullptr;
    CurveView* m_curves = nullptr;
    ParamDiffView* m_params = nullptr;
    MetricSummaryView* m_metrics = nullptr;
    QTabWidget* m_lowerTabs = nullptr;
    QTreeWidget* m_problems = nullptr;
    QDockWidget* m_problemsDock = nullptr;
    QLabel* m_emptyText = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_autoResyncAction = nullptr;
    QTimer* m_selectionTimer = nullptr;
    SourceWatcher* m_watcher = nullptr;
    QPointer<ImportJob> m_job;
    QFutureWatcher<LoadedRuns>* m_loader = nullptr;
    int m_loadGeneration = 0;
    bool m_importFinishedPending = false;
    bool m_resyncPending = false;
    bool m_columnsRestored = false;
    std::set<std::int64_t> m_selectedBeforeReload;
};

}  // namespace runlens::ui
