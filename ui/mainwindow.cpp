// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cache/defaultpath.h"
#include "curveview.h"
#include "demo.h"
#include "drift/demodrift.h"
#include "drift/driftview.h"
#include "evaluation/evaluationview.h"
#include "figure/figure.h"
#include "importjob.h"
#include "itemmodels/runfilterproxymodel.h"
#include "itemmodels/rungroupproxymodel.h"
#include "itemmodels/runtablemodel.h"
#include "recentworkspaces.h"
#include "runtreeview.h"
#include "sourcewatcher.h"
#include "validation/validationview.h"
#include "views/metricsummaryview.h"
#include "views/paramdiffview.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelection>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace runlens::ui {
namespace {

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

QString numberText(double v) {
    if (std::isnan(v))
        return QStringLiteral("NaN");
    return QString::number(v, 'g', 6);
}

QString runDisplayName(const RunRow& run) {
    return run.run.name.empty() ? text(run.run.externalId).left(8) : text(run.run.name);
}

// Views that compare runs side by side take at most this many of the selected runs.
constexpr int maxComparedRuns = 200;

LoadedRuns loadRuns(const QString& cachePath, std::optional<std::vector<RunExtraColumn>> columns) {
    LoadedRuns loaded;
    auto cache = Cache::openExisting(cachePath.toStdString());
    if (!cache) {
        loaded.error = cache.error();
        return loaded;
    }
    CacheReader reader(*cache);
    auto runs = reader.runs();
    if (!runs) {
        loaded.error = runs.error();
        return loaded;
    }
    if (auto sources = reader.sources()) {
        for (const auto& s : *sources)
            loaded.sources << text(s.path);
    }
    loaded.table = RunTableModel::prepare(std::move(*runs), std::move(columns));
    return loaded;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("RunLens"));
    setAcceptDrops(true);
    resize(1280, 800);

    m_model = new RunTableModel(this);
    m_proxy = new RunFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_groups = new RunGroupProxyModel(this);
    m_groups->setSourceModel(m_proxy);

    m_filter = new QLineEdit;
    m_filter->setPlaceholderText(tr("Filter runs (Ctrl+F): words, or an expression such as "
                                    "metrics.val/loss < 0.3 and params.optim == \"adam\""));
    m_filter->setToolTip(tr("Words match the run name, experiment, status, user and run ID. An expression filters "
                            "on metrics.KEY, params.KEY, tags.KEY and run fields with ==, !=, <, <=, >, >=, "
                            "contains, and, or, not."));
    m_filter->setClearButtonEnabled(true);
    m_filterError = new QLabel;
    m_filterError->setTextFormat(Qt::PlainText);
    m_filterError->setStyleSheet(QStringLiteral("color: #d9534f"));
    m_filterError->hide();
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        const auto error = m_proxy->setFilterText(text);
        updateRunCount();
        if (error)
            m_filterError->setText(
                tr("Filter not applied, %1: %2")
                    .arg(QString::fromStdString(error->position), QString::fromStdString(error->message)));
        m_filterError->setVisible(error.has_value());
    });

    m_grouping = new QComboBox;
    m_grouping->addItem(tr("No grouping"), static_cast<int>(RunGrouping::none));
    m_grouping->addItem(tr("Group by source"), static_cast<int>(RunGrouping::source));
    m_grouping->addItem(tr("Group by experiment"), static_cast<int>(RunGrouping::experiment));
    m_grouping->addItem(tr("Group by source and experiment"), static_cast<int>(RunGrouping::sourceAndExperiment));
    m_grouping->setToolTip(tr("Show the runs under a row per source or per experiment; click a group row to "
                              "select its runs, the arrow or Left/Right to close or open it"));
    connect(m_grouping, &QComboBox::currentIndexChanged, this,
            [this] { setRunGrouping(static_cast<RunGrouping>(m_grouping->currentData().toInt())); });

    m_table = new RunTreeView;  // uniform row heights, sorting, whole-row selection; groups open by default
    m_table->setModel(m_groups);
    m_table->sortByColumn(RunTableModel::StartColumn, Qt::DescendingOrder);
    m_table->header()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->header()->setToolTip(tr("Right-click to choose columns"));
    connect(m_table->header(), &QHeaderView::customContextMenuRequested, this, [this](const QPoint& pos) {
        QMenu* menu = makeColumnMenu();
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_table->header()->mapToGlobal(pos));
    });
    m_selectionTimer = new QTimer(this);
    m_selectionTimer->setSingleShot(true);
    m_selectionTimer->setInterval(30);  // one update for a burst of selection changes (Shift+Down held)
    connect(m_selectionTimer, &QTimer::timeout, this, &MainWindow::applySelection);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, m_selectionTimer,
            qOverload<>(&QTimer::start));

    m_details = new QTreeWidget;
    m_details->setHeaderLabels({tr("Field"), tr("Value")});
    m_details->setRootIsDecorated(true);
    m_details->setUniformRowHeights(true);

    m_splitter = new QSplitter(Qt::Vertical);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_grouping);
    topLayout->addLayout(filterRow);
    topLayout->addWidget(m_filterError);
    topLayout->addWidget(m_table);
    m_curves = new CurveView;
    m_params = new ParamDiffView;
    m_metrics = new MetricSummaryView;
    m_lowerTabs = new QTabWidget;
    m_lowerTabs->setDocumentMode(true);
    m_lowerTabs->addTab(m_curves, tr("Curves"));
    m_lowerTabs->addTab(m_params, tr("Params"));
    m_lowerTabs->addTab(m_metrics, tr("Metrics"));
    auto* evaluation = new EvaluationView;
    m_lowerTabs->addTab(evaluation, tr("Evaluation"));
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, evaluation, [this, evaluation] {
        std::vector<std::pair<std::int64_t, QString>> runs;
        for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
            if (const RunRow* run = runAt(index))
                runs.emplace_back(run->id,
                                  run->run.name.empty() ? text(run->run.externalId).left(8) : text(run->run.name));
        evaluation->setRuns(runs);
    });
    auto* validation = new ValidationView;  // imported validation results of the selected runs, over time
    m_lowerTabs->addTab(validation, tr("Validation"));
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, validation, [this, validation] {
        std::vector<std::int64_t> ids;
        for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
            if (const RunRow* run = runAt(index))
                ids.push_back(run->id);
        validation->setRuns(m_cache ? m_cache->path() : std::string(), std::move(ids));
    });
    auto* drift = new DriftView;
    m_lowerTabs->addTab(drift, tr("Drift"));
    const auto showSelectedDrift = [this, drift] {
        const auto rows = m_table->selectionModel()->selectedRows();
        const RunRow* run = rows.isEmpty() ? nullptr : runAt(rows.front());
        drift->setWorkspace(workspacePath());
        drift->setRun(run ? run->id : 0,
                      run ? text(run->run.name.empty() ? run->run.externalId : run->run.name) : QString());
    };
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, drift, showSelectedDrift);
    connect(this, &MainWindow::importFinished, drift, [this, showSelectedDrift] {
        // The demo opens with a drift report: its dataset pair compared once and kept with its credit-default run.
        if (workspacePath() == demoCachePath() && !demoDatasetsPath().isEmpty()) {
            if (auto status = ensureDemoDriftReports(workspacePath(), demoDatasetsPath()); !status)
                addProblem(tr("warning"), status.error());
        }
        showSelectedDrift();
    });
    m_lowerTabs->addTab(m_details, tr("Details"));
    m_lowerTabs->setTabToolTip(1, tr("Parameters of the selected runs side by side"));
    m_lowerTabs->setTabToolTip(2, tr("Last, lowest and highest value of every metric of the selected runs"));
    m_splitter->addWidget(top);
    m_splitter->addWidget(m_lowerTabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    // What a newcomer sees before anything is imported.
    auto* empty = new QWidget;
    auto* emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch();
    m_emptyText = new QLabel;
    m_emptyText->setTextFormat(Qt::PlainText);
    m_emptyText->setAlignment(Qt::AlignCenter);
    m_emptyText->setWordWrap(true);
    m_emptyText->setText(
        tr("This workspace has no runs yet.\n\nImport tracker output with File > Import (Ctrl+I), or drop "
           "it onto this window: an MLflow mlruns folder or mlflow.db, a TensorBoard log folder, a "
           "Weights & Biases wandb folder or a Lightning logs folder."));
    emptyLayout->addWidget(m_emptyText);
    auto* buttons = new QHBoxLayout;
    auto* importButton = new QPushButton(tr("Import Folder..."));
    auto* demoButton = new QPushButton(tr("Open Demo Workspace"));
    connect(importButton, &QPushButton::clicked, this, &MainWindow::chooseFolderToImport);
    connect(demoButton, &QPushButton::clicked, this, &MainWindow::openDemo);
    buttons->addStretch();
    buttons->addWidget(importButton);
    buttons->addWidget(demoButton);
    buttons->addStretch();
    emptyLayout->addLayout(buttons);
    emptyLayout->addStretch();

    m_stack = new QStackedWidget;
    m_stack->addWidget(empty);
    m_stack->addWidget(m_splitter);
    setCentralWidget(m_stack);

    m_problems = new QTreeWidget;
    m_problems->setHeaderLabels({tr("Severity"), tr("File"), tr("Where"), tr("Problem")});
    m_problems->setRootIsDecorated(false);
    m_problems->setWordWrap(false);
    m_problems->setTextElideMode(Qt::ElideLeft);  // the file name matters more than its folder
    m_problemsDock = new QDockWidget(tr("Problems"), this);
    m_problemsDock->setObjectName(QStringLiteral("problems"));
    m_problemsDock->setWidget(m_problems);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
    m_problemsDock->hide();

    m_status = new QLabel;
    m_status->setTextFormat(Qt::PlainText);
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(260);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the import; the workspace stays as it was before it"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_job)
            m_job->cancel();
    });
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);

    m_loader = new QFutureWatcher<LoadedRuns>(this);
    connect(m_loader, &QFutureWatcher<LoadedRuns>::finished, this, &MainWindow::applyLoadedRuns);

    m_watcher = new SourceWatcher(this);
    connect(m_watcher, &SourceWatcher::changed, this, [this] {
        if (m_job)
            m_resyncPending = true;  // once the running import is done
        else
            resyncAll();
    });

    buildMenus();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_lowerTabs->setCurrentIndex(settings.value(QStringLiteral("window/compareTab"), 0).toInt());
    const int grouping = m_grouping->findData(settings.value(QStringLiteral("runs/grouping"), 0).toInt());
    m_grouping->setCurrentIndex(std::max(0, grouping));
    setAutoResync(settings.value(QStringLiteral("workspace/autoResync"), false).toBool());
}

MainWindow::~MainWindow() {
    m_loader->waitForFinished();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newAction = file->addAction(tr("&New Workspace..."), this, &MainWindow::newWorkspace);
    newAction->setShortcut(QKeySequence::New);
    QAction* open = file->addAction(tr("&Open Workspace..."), this, &MainWindow::chooseWorkspace);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    fillRecentMenu();
    file->addAction(tr("Open &Demo Workspace"), this, &MainWindow::openDemo);
    file->addSeparator();
    QAction* importFolder = file->addAction(tr("&Import Folder..."), this, &MainWindow::chooseFolderToImport);
    importFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    file->addAction(tr("Import &File (mlflow.db, event file, archive)..."), this, &MainWindow::chooseFileToImport);
    QAction* resync = file->addAction(tr("&Re-sync All Sources"), this, &MainWindow::resyncAll);
    resync->setShortcut(QKeySequence(Qt::Key_F5));
    resync->setToolTip(tr("Read again what changed in every source of this workspace"));
    m_autoResyncAction = file->addAction(tr("&Auto Re-sync"));
    m_autoResyncAction->setCheckable(true);
    m_autoResyncAction->setToolTip(tr("Re-sync by itself when a source's files change (a training still running)"));
    connect(m_autoResyncAction, &QAction::toggled, this, &MainWindow::setAutoResync);
    file->addSeparator();
    QAction* exportAction = file->addAction(tr("&Export Figure..."), this, &MainWindow::exportCurrentFigure);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction->setToolTip(tr("Save the current tab as PNG, SVG, PDF or CSV"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* find = edit->addAction(tr("&Filter Runs"), this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    find->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_problemsDock->toggleViewAction());
    view->addAction(m_table->expandAllAction());
    view->addAction(m_table->collapseAllAction());
    QMenu* columns = view->addMenu(tr("Run Table &Columns"));
    connect(columns, &QMenu::aboutToShow, this, [this, columns] {
        columns->clear();
        qDeleteAll(columns->findChildren<QMenu*>(QString(), Qt::FindDirectChildrenOnly));
        QMenu* chooser = makeColumnMenu();
        for (QAction* action : chooser->actions())
            columns->addAction(action);
        chooser->setParent(columns);
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About RunLens"), this, [this] {
        QMessageBox::about(
            this, tr("About RunLens"),
            tr("RunLens %1\nCompare machine-learning experiments offline.").arg(QStringLiteral(RUNLENS_VERSION)));
    });
}

bool MainWindow::openWorkspace(const QString& cachePath) {
    auto cache = Cache::open(cachePath.toStdString());
    if (!cache) {
        addProblem(tr("error"), cache.error());
        return false;
    }
    m_cache = std::make_unique<Cache>(std::move(*cache));
    m_curves->setWorkspace(cachePath);
    if (auto* evaluation = findChild<EvaluationView*>())
        evaluation->setWorkspace(cachePath);
    m_metrics->setWorkspace(cachePath);
    QSettings().setValue(QStringLiteral("workspace/last"), cachePath);
    RecentWorkspaces::add(cachePath);
    setWindowTitle(tr("%1 - RunLens").arg(QFileInfo(cachePath).fileName()));
    m_selectedBeforeReload.clear();
    m_table->clearSelection();
    reloadRuns();
    return true;
}

QString MainWindow::workspacePath() const {
    return m_cache ? text(m_cache->path()) : QString();
}

bool MainWindow::isLoadingRuns() const {
    return m_loader->isRunning();
}

void MainWindow::reloadRuns() {
    if (!m_cache)
        return;
    // Reading 10,000 runs with their params and summaries takes a while: never on the GUI thread.
    ++m_loadGeneration;
    m_loader->setProperty("generation", m_loadGeneration);
    // The extra columns are filled on the worker too: the user's choice (saved whenever it changes), else the
    // model suggests some from the runs it reads.
    std::optional<std::vector<RunExtraColumn>> columns;
    if (const QVariant stored = QSettings().value(QStringLiteral("runs/extraColumns")); stored.isValid()) {
        columns.emplace();
        for (const QString& id : stored.toStringList())
            if (auto column = RunExtraColumn::fromId(id))
                columns->push_back(*column);
    }
    m_loader->setFuture(QtConcurrent::run(loadRuns, workspacePath(), std::move(columns)));
    if (m_model->rowCount() == 0)
        m_status->setText(tr("Reading runs of %1...").arg(workspacePath()));
}

void MainWindow::applyLoadedRuns() {
    if (m_loader->property("generation").toInt() != m_loadGeneration)
        return;  // a newer read is on its way
    LoadedRuns loaded = m_loader->result();
    if (loaded.error) {
        addProblem(tr("error"), *loaded.error);
    } else {
        // The selection survives a reload (a re-sync while comparing runs).
        if (m_table->selectionModel()->hasSelection()) {
            const auto ids = selectedRunIds();
            m_selectedBeforeReload = std::set<std::int64_t>(ids.begin(), ids.end());
        }
        const bool firstLoad = m_model->rowCount() == 0;
        m_model->setTableData(std::move(loaded.table));
        m_watcher->setSources(loaded.sources);
        if (!m_columnsRestored && m_model->rowCount() > 0)
            restoreColumns();
        if (firstLoad) {
            for (int c = 0; c < m_groups->columnCount(); ++c)
                m_table->resizeColumnToContents(c);
            applyColumnWidths();  // the widths the user gave columns before win over the measured ones
        }
        const int count = m_model->rowCount();
        m_stack->setCurrentIndex(count == 0 ? 0 : 1);
        QItemSelection selection;
        for (int row = 0; row < m_proxy->rowCount(); ++row) {
            const QModelIndex index = m_groups->mapFromSource(m_proxy->index(row, 0));
            if (m_selectedBeforeReload.count(index.data(RunTableModel::CacheIdRole).toLongLong()))
                selection.select(index, index);
        }
        if (!selection.isEmpty())
            m_table->selectionModel()->select(selection,
                                              QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        else if (const QModelIndex first = m_groups->firstRun(); first.isValid())
            m_table->setCurrentIndex(first);  // something selected from the start, so every tab shows what it is for
        m_selectedBeforeReload.clear();
        updateRunCount();
    }
    Q_EMIT runsLoaded();
    if (m_importFinishedPending) {
        m_importFinishedPending = false;
        Q_EMIT importFinished();
    }
}

QTreeView* MainWindow::runTable() const {
    return m_table;
}

const RunRow* MainWindow::runAt(const QModelIndex& viewIndex) const {
    return m_model->runAt(m_proxy->mapToSource(m_groups->mapToSource(viewIndex)).row());
}

// Group rows are never selected (RunGroupSelectionModel selects their runs instead).
QModelIndexList MainWindow::selectedRunsInOrder() const {
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::vector<std::pair<int, QModelIndex>> ordered;
    ordered.reserve(static_cast<std::size_t>(rows.size()));
    for (const QModelIndex& index : rows)
        ordered.emplace_back(m_groups->runOrder(index), index);
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < ordered.size(); ++i)
        rows[static_cast<qsizetype>(i)] = ordered[i].second;
    return rows;
}

std::vector<std::int64_t> MainWindow::selectedRunIds() const {
    const QModelIndexList rows = selectedRunsInOrder();
    std::vector<std::int64_t> ids;
    ids.reserve(static_cast<std::size_t>(rows.size()));
    for (const QModelIndex& index : rows)
        ids.push_back(index.data(RunTableModel::CacheIdRole).toLongLong());
    return ids;
}

void MainWindow::applySelection() {
    const QModelIndexList rows = selectedRunsInOrder();
    std::vector<const RunRow*> runs;
    runs.reserve(static_cast<std::size_t>(rows.size()));
    for (const QModelIndex& index : rows)
        if (const RunRow* run = runAt(index))
            runs.push_back(run);

    showRunDetails(runs);
    updateRunCount();

    std::vector<CurveRun> curves;
    std::vector<ParamDiffRun> params;
    std::vector<MetricSummaryRequest> metrics;
    for (const RunRow* run : runs) {
        const QString name = runDisplayName(*run);
        if (!run->metrics.empty()) {
            CurveRun curve{run->id, name, {}, {}};
            for (const auto& m : run->metrics)
                curve.keys.push_back(text(m.key));
            for (const auto& [key, value] : run->params)
                curve.params.emplace_back(text(key), text(value));  // for grouping seeds by a param
            curves.push_back(std::move(curve));
        }
        const QColor colour = runColour(run->id);  // the same colour as in the curves
        if (params.size() < static_cast<std::size_t>(maxComparedRuns))
            params.push_back({run->id, name, run->params, colour});
        metrics.push_back({run->id, name, run->metrics, colour});
    }
    m_curves->setRuns(std::move(curves));
    m_params->setRuns(std::move(params));
    m_metrics->setRuns(std::move(metrics));
    if (static_cast<int>(runs.size()) > maxComparedRuns)
        statusBar()->showMessage(
            tr("%1 runs selected; Params and Metrics compare the first %2.").arg(runs.size()).arg(maxComparedRuns),
            6000);
    Q_EMIT selectionApplied();
}

void MainWindow::showRunDetails(const std::vector<const RunRow*>& runs) {
    m_details->clear();
    if (runs.size() != 1)
        return;
    const RunRow* run = runs.front();
    // Every imported string is shown as plain text: QTreeWidget items never interpret markup.
    auto addGroup = [this](const QString& title, const KeyValues& values) {
        auto* group = new QTreeWidgetItem(m_details, {title, QString::number(values.size())});
        for (const auto& [k, v] : values)
            new QTreeWidgetItem(group, {text(k), text(v).replace(QLatin1Char('\n'), QStringLiteral(" \u21b5 "))});
        group->setExpanded(values.size() <= 40);
    };
    auto* info = new QTreeWidgetItem(m_details, {tr("Run"), text(run->run.name)});
    new QTreeWidgetItem(info, {tr("Run ID"), text(run->run.externalId)});
    new QTreeWidgetItem(info, {tr("Status"), text(run->run.status)});
    new QTreeWidgetItem(info, {tr("Source"), text(run->sourcePath)});
    if (!run->run.parentExternalId.empty())
        new QTreeWidgetItem(info, {tr("Parent run"), text(run->run.parentExternalId)});
    if (!run->run.gitCommit.empty())
        new QTreeWidgetItem(info, {tr("Git commit"), text(run->run.gitCommit)});
    info->setExpanded(true);
    auto* metrics = new QTreeWidgetItem(
        m_details, {tr("Metrics (last / min / max, points)"), QString::number(run->metrics.size())});
    for (const auto& m : run->metrics) {
        const QString value =
            QStringLiteral("%1 / %2 / %3  (%4 points, last step %5)")
                .arg(numberText(m.summary.last), m.summary.min ? numberText(*m.summary.min) : QStringLiteral("-"),
                     m.summary.max ? numberText(*m.summary.max) : QStringLiteral("-"))
                .arg(m.summary.count)
                .arg(m.summary.lastStep);
        new QTreeWidgetItem(metrics, {text(m.key), value});
    }
    metrics->setExpanded(true);
    addGroup(tr("Parameters"), run->params);
    addGroup(tr("Tags"), run->tags);
    m_details->resizeColumnToContents(0);
}

void MainWindow::updateRunCount() {
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    const QString runs = total == 1 ? tr("1 run") : tr("%1 runs").arg(total);
    QString message = shown == total ? tr("%1 in %2").arg(runs, workspacePath())
                                     : tr("%1 of %2 shown in %3").arg(shown).arg(runs, workspacePath());
    const auto selected = m_table->selectionModel()->selectedRows().size();
    if (selected > 1)
        message += tr(", %1 selected").arg(selected);
    m_status->setText(message);
}

void MainWindow::setRunGrouping(RunGrouping grouping) {
    const int index = m_grouping->findData(static_cast<int>(grouping));
    if (index >= 0 && index != m_grouping->currentIndex()) {
        m_grouping->setCurrentIndex(index);  // comes back here through the signal
        return;
    }
    m_groups->setGrouping(grouping);
    QSettings().setValue(QStringLiteral("runs/grouping"), static_cast<int>(grouping));
}

QMenu* MainWindow::makeColumnMenu() {
    auto* menu = new QMenu(tr("Columns"), this);
    QHeaderView* header = m_table->header();
    for (int c = 0; c < RunTableModel::FixedColumnCount; ++c) {
        QAction* action = menu->addAction(m_model->headerData(c, Qt::Horizontal).toString());
        action->setCheckable(true);
        action->setChecked(!header->isSectionHidden(c));
        action->setEnabled(c != RunTableModel::NameColumn);  // a run always shows its name
        connect(action, &QAction::toggled, this, [this, c](bool on) {
            m_table->header()->setSectionHidden(c, !on);
            saveColumns();
        });
    }
    auto toggleExtra = [this](const RunExtraColumn& column, bool on) {
        std::vector<RunExtraColumn> columns = m_model->extraColumns();
        std::erase(columns, column);
        if (on)
            columns.push_back(column);
        setExtraColumns(std::move(columns));
    };
    auto isShown = [this](const RunExtraColumn& column) {
        const auto& columns = m_model->extraColumns();
        return std::find(columns.begin(), columns.end(), column) != columns.end();
    };
    menu->addSeparator();
    QMenu* params = menu->addMenu(tr("Parameters"));
    const QStringList paramKeys = m_model->paramKeys();
    params->setEnabled(!paramKeys.isEmpty());
    for (const QString& key : paramKeys) {
        const RunExtraColumn column{RunExtraColumn::Kind::param, key.toStdString()};
        QAction* action = params->addAction(key);
        action->setCheckable(true);
        action->setChecked(isShown(column));
        connect(action, &QAction::toggled, this, [toggleExtra, column](bool on) { toggleExtra(column, on); });
    }
    QMenu* metrics = menu->addMenu(tr("Metrics"));
    const QStringList metricKeys = m_model->metricKeys();
    metrics->setEnabled(!metricKeys.isEmpty());
    for (const QString& key : metricKeys) {
        QMenu* stats = metrics->addMenu(key);
        const std::pair<RunExtraColumn::Kind, QString> kinds[] = {{RunExtraColumn::Kind::metricLast, tr("Last")},
                                                                  {RunExtraColumn::Kind::metricMin, tr("Min")},
                                                                  {RunExtraColumn::Kind::metricMax, tr("Max")}};
        for (const auto& [kind, label] : kinds) {
            const RunExtraColumn column{kind, key.toStdString()};
            QAction* action = stats->addAction(label);
            action->setCheckable(true);
            action->setChecked(isShown(column));
            connect(action, &QAction::toggled, this, [toggleExtra, column](bool on) { toggleExtra(column, on); });
        }
    }
    menu->addSeparator();
    menu->addAction(tr("Reset Columns"), this, [this] {
        QSettings settings;
        settings.remove(QStringLiteral("runs/hiddenColumns"));
        settings.remove(QStringLiteral("runs/extraColumns"));
        settings.remove(QStringLiteral("runs/columnWidths"));
        restoreColumns();
        m_model->setExtraColumns(m_model->suggestedColumns());  // suggested again, and not saved as a choice
    });
    return menu;
}

void MainWindow::setExtraColumns(std::vector<RunExtraColumn> columns) {
    saveColumnWidths();  // before the reset forgets which width belonged to which column
    m_model->setExtraColumns(std::move(columns));
    for (int c = RunTableModel::FixedColumnCount; c < m_model->columnCount(); ++c)
        m_table->resizeColumnToContents(c);
    applyColumnWidths();
    saveColumns();
}

// Which fixed columns are hidden; the extra columns come with the loaded runs (see reloadRuns).
void MainWindow::restoreColumns() {
    m_columnsRestored = true;
    QSettings settings;
    QHeaderView* header = m_table->header();
    const QVariant hidden = settings.value(QStringLiteral("runs/hiddenColumns"));
    QList<int> hiddenColumns;
    if (hidden.isValid()) {
        for (const QString& c : hidden.toStringList())
            hiddenColumns << c.toInt();
    } else {
        hiddenColumns = {RunTableModel::RunIdColumn, RunTableModel::SourceColumn};
    }
    for (int c = 0; c < RunTableModel::FixedColumnCount; ++c)
        header->setSectionHidden(c, c != RunTableModel::NameColumn && hiddenColumns.contains(c));
}

QString MainWindow::columnId(int section) const {
    if (section < RunTableModel::FixedColumnCount)
        return QStringLiteral("fixed:%1").arg(section);
    return m_model->extraColumns()[static_cast<std::size_t>(section - RunTableModel::FixedColumnCount)].id();
}

// Widths are kept per column (a fixed column or a param/metric id), so they survive columns coming and going.
void MainWindow::applyColumnWidths() {
    const QVariantMap widths = QSettings().value(QStringLiteral("runs/columnWidths")).toMap();
    for (int c = 0; c < m_model->columnCount(); ++c) {
        const int width = widths.value(columnId(c)).toInt();
        if (width > 0)
            m_table->header()->resizeSection(c, width);
    }
}

void MainWindow::saveColumnWidths() const {
    if (m_model->rowCount() == 0)
        return;
    QSettings settings;
    QVariantMap widths = settings.value(QStringLiteral("runs/columnWidths")).toMap();
    const QHeaderView* header = m_table->header();
    // The last section stretches to fill the view; its width says nothing about the user's choice.
    for (int c = 0; c + 1 < m_model->columnCount(); ++c)
        if (!header->isSectionHidden(c))
            widths.insert(columnId(c), header->sectionSize(c));
    settings.setValue(QStringLiteral("runs/columnWidths"), widths);
}

void MainWindow::saveColumns() const {
    QSettings settings;
    QStringList hidden;
    for (int c = 0; c < RunTableModel::FixedColumnCount; ++c)
        if (m_table->header()->isSectionHidden(c))
            hidden << QString::number(c);
    settings.setValue(QStringLiteral("runs/hiddenColumns"), hidden);
    QStringList extra;
    for (const auto& column : m_model->extraColumns())
        extra << column.id();
    settings.setValue(QStringLiteral("runs/extraColumns"), extra);
}

void MainWindow::addProblem(const QString& severity, const Error& error) {
    auto* item =
        new QTreeWidgetItem(m_problems, {severity, text(error.file), text(error.position), text(error.message)});
    item->setToolTip(1, text(error.file));
    item->setToolTip(3, text(error.toString()));
    // Errors need attention; warnings wait in the panel (View > Problems) without taking the screen.
    if (severity == tr("error"))
        m_problemsDock->show();
}

void MainWindow::importPaths(const QStringList& paths) {
    if (paths.isEmpty())
        return;
    if (!m_cache && !openWorkspace(QString::fromStdString(defaultCachePath())))
        return;
    if (m_job) {
        m_status->setText(tr("An import is already running; wait for it or cancel it."));
        return;
    }
    m_job = new ImportJob(workspacePath(), paths, this);
    m_progress->setRange(0, 0);
    m_progress->show();
    m_cancel->show();
    connect(m_job, &ImportJob::progressed, this,
            [this](const QString& path, const QString& stage, qint64 done, qint64 total, int secondsLeft) {
                if (total > 0) {
                    m_progress->setRange(0, 1000);
                    m_progress->setValue(static_cast<int>(1000 * done / total));
                }
                QString message =
                    tr("Importing %1: %2 %3/%4").arg(QFileInfo(path).fileName(), stage).arg(done).arg(total);
                if (secondsLeft >= 0)
                    message += tr(", about %1 s left").arg(secondsLeft);
                m_status->setText(message);
            });
    connect(m_job, &ImportJob::sourceFinished, this, &MainWindow::onSourceFinished);
    connect(m_job, &ImportJob::finished, this, [this](bool cancelled) {
        m_progress->hide();
        m_cancel->hide();
        m_job->deleteLater();
        m_job = nullptr;
        m_importFinishedPending = true;
        reloadRuns();
        if (cancelled)
            m_status->setText(tr("Import cancelled; the workspace is as it was before."));
        if (m_resyncPending) {
            m_resyncPending = false;
            QTimer::singleShot(0, this, &MainWindow::resyncAll);
        }
    });
    m_job->start();
}

bool MainWindow::isImporting() const {
    return m_job != nullptr;
}

void MainWindow::onSourceFinished(const importers::ImportReport& report) {
    for (const auto& warning : report.warnings)
        addProblem(tr("warning"), warning);
    if (report.error)
        addProblem(tr("error"), *report.error);
    const auto warnings = static_cast<int>(report.warnings.size());
    if (warnings > 0)
        statusBar()->showMessage(tr("%1: %2, see View > Problems")
                                     .arg(QFileInfo(text(report.path)).fileName(),
                                          warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings)),
                                 8000);
}

void MainWindow::chooseFolderToImport() {
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Import a tracker folder (mlruns, TensorBoard logs, wandb, lightning_logs)"));
    if (!dir.isEmpty())
        importPaths({dir});
}

void MainWindow::chooseFileToImport() {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Import a tracker file"), {},
                                     tr("Tracker files and archives (*.db *.sqlite *tfevents* *.zip *.tar *.tar.gz "
                                        "*.tgz *.tar.xz *.tar.zst *.csv *.tsv *.jsonl *.json);;All files (*)"));
    if (!file.isEmpty())
        importPaths({file});
}

void MainWindow::newWorkspace() {
    const QString file = QFileDialog::getSaveFileName(this, tr("New workspace"), QStringLiteral("workspace.runlens"),
                                                      tr("RunLens workspace (*.runlens)"));
    if (!file.isEmpty())
        openWorkspace(file);
}

void MainWindow::chooseWorkspace() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open workspace"), {},
                                                      tr("RunLens workspace (*.runlens);;All files (*)"));
    if (!file.isEmpty())
        openWorkspace(file);
}

void MainWindow::fillRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = RecentWorkspaces::list();  // files that vanished are dropped here
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        // A number as the mnemonic; the name in full, as plain text (an '&' in a file name stays an '&').
        QString label = QFileInfo(path).fileName();
        label.replace(QLatin1Char('&'), QLatin1String("&&"));
        const QString number = i < 9 ? QStringLiteral("&%1").arg(i + 1) : QStringLiteral("1&0");
        QAction* action = m_recentMenu->addAction(number + QLatin1Char(' ') + label);
        action->setToolTip(path);
        action->setStatusTip(path);
        action->setData(path);
        connect(action, &QAction::triggered, this, [this, path] { openWorkspace(path); });
    }
    if (recent.isEmpty()) {
        m_recentMenu->addAction(tr("No recent workspaces"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear Recent"), this, [] { RecentWorkspaces::clear(); });
}

void MainWindow::openDemo() {
    const QString store = demoStorePath();
    if (store.isEmpty()) {
        addProblem(tr("error"), Error{{}, {}, "the bundled demo workspace is not installed"});
        return;
    }
    if (openWorkspace(demoCachePath()))
        importPaths({store});
}

void MainWindow::resyncAll() {
    if (!m_cache)
        return;
    CacheReader reader(*m_cache);
    auto sources = reader.sources();
    if (!sources) {
        addProblem(tr("error"), sources.error());
        return;
    }
    QStringList paths;
    for (const auto& s : *sources)
        paths << text(s.path);
    if (paths.isEmpty()) {
        m_status->setText(tr("Nothing to re-sync: this workspace has no sources yet. Import one with Ctrl+I."));
        return;
    }
    importPaths(paths);
}

void MainWindow::setAutoResync(bool enabled) {
    if (m_autoResyncAction->isChecked() != enabled)
        m_autoResyncAction->setChecked(enabled);  // comes back here through the signal
    m_watcher->setEnabled(enabled);
    QSettings().setValue(QStringLiteral("workspace/autoResync"), enabled);
}

void MainWindow::exportCurrentFigure() {
    auto* source = dynamic_cast<FigureSource*>(m_lowerTabs->currentWidget());
    std::shared_ptr<const Figure> figure = source ? source->currentFigure() : nullptr;
    if (!figure) {
        statusBar()->showMessage(tr("Nothing to export in the %1 tab; select runs first.")
                                     .arg(m_lowerTabs->tabText(m_lowerTabs->currentIndex())),
                                 6000);
        return;
    }
    exportFigureWithDialog(this, *figure, source->exportBaseName());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    importPaths(paths);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_job)
        m_job->cancel();
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/compareTab"), m_lowerTabs->currentIndex());
    saveColumnWidths();
    event->accept();
}

}  // namespace runlens::ui
