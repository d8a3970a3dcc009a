// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cache/defaultpath.h"
#include "curveview.h"
#include "demo.h"
#include "importjob.h"
#include "itemmodels/runfilterproxymodel.h"
#include "itemmodels/runtablemodel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

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

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("RunLens"));
    setAcceptDrops(true);
    resize(1280, 800);

    m_model = new RunTableModel(this);
    m_proxy = new RunFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);

    m_filter = new QLineEdit;
    m_filter->setPlaceholderText(tr("Filter runs (Ctrl+F): words, or an expression such as "
                                    "metrics.val/loss < 0.3 and params.optim == \"adam\""));
    m_filter->setClearButtonEnabled(true);
    m_filterError = new QLabel;
    m_filterError->setTextFormat(Qt::PlainText);
    m_filterError->setStyleSheet(QStringLiteral("color: #c0392b"));
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

    m_table = new QTableView;
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunTableModel::StartColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showRunDetails();
        showSelectedCurves();
    });

    m_details = new QTreeWidget;
    m_details->setHeaderLabels({tr("Field"), tr("Value")});
    m_details->setRootIsDecorated(true);
    m_details->setUniformRowHeights(true);

    auto* splitter = new QSplitter(Qt::Vertical);
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_filter);
    topLayout->addWidget(m_filterError);
    topLayout->addWidget(m_table);
    m_curves = new CurveView;
    m_lowerTabs = new QTabWidget;
    m_lowerTabs->addTab(m_curves, tr("Curves"));
    m_lowerTabs->addTab(m_details, tr("Details"));
    splitter->addWidget(top);
    splitter->addWidget(m_lowerTabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

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
    m_stack->addWidget(splitter);
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
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(260);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_job)
            m_job->cancel();
    });
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);

    buildMenus();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newAction = file->addAction(tr("&New Workspace..."), this, &MainWindow::newWorkspace);
    newAction->setShortcut(QKeySequence::New);
    QAction* open = file->addAction(tr("&Open Workspace..."), this, &MainWindow::chooseWorkspace);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Demo Workspace"), this, &MainWindow::openDemo);
    file->addSeparator();
    QAction* importFolder = file->addAction(tr("&Import Folder..."), this, &MainWindow::chooseFolderToImport);
    importFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    file->addAction(tr("Import &File (mlflow.db, event file)..."), this, &MainWindow::chooseFileToImport);
    QAction* resync = file->addAction(tr("&Re-sync All Sources"), this, &MainWindow::resyncAll);
    resync->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* find = edit->addAction(tr("&Filter Runs"), this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    find->setShortcut(QKeySequence::Find);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_problemsDock->toggleViewAction());

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
    QSettings().setValue(QStringLiteral("workspace/last"), cachePath);
    setWindowTitle(tr("%1 - RunLens").arg(QFileInfo(cachePath).fileName()));
    reloadRuns();
    return true;
}

QString MainWindow::workspacePath() const {
    return m_cache ? text(m_cache->path()) : QString();
}

void MainWindow::reloadRuns() {
    if (!m_cache)
        return;
    CacheReader reader(*m_cache);
    auto runs = reader.runs();
    if (!runs) {
        addProblem(tr("error"), runs.error());
        return;
    }
    const auto count = runs->size();
    m_model->setRuns(std::move(*runs));
    m_table->resizeColumnsToContents();
    m_stack->setCurrentIndex(count == 0 ? 0 : 1);
    // Something selected from the start, so the details pane shows what it is for.
    if (count > 0 && !m_table->selectionModel()->hasSelection())
        m_table->selectRow(0);
    updateRunCount();
}

void MainWindow::showRunDetails() {
    m_details->clear();
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return;
    const RunRow* run = m_model->runAt(m_proxy->mapToSource(rows.front()).row());
    if (!run)
        return;
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
    m_status->setText(shown == total ? tr("%1 in %2").arg(runs, workspacePath())
                                     : tr("%1 of %2 shown in %3").arg(shown).arg(runs, workspacePath()));
}

void MainWindow::showSelectedCurves() {
    std::vector<CurveRun> runs;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
        const RunRow* run = m_model->runAt(m_proxy->mapToSource(index).row());
        if (!run || run->metrics.empty())
            continue;
        CurveRun curve{
            run->id, run->run.name.empty() ? text(run->run.externalId).left(8) : text(run->run.name), {}, {}};
        for (const auto& m : run->metrics)
            curve.keys.push_back(text(m.key));
        for (const auto& [name, value] : run->params)
            curve.params.emplace_back(text(name), text(value));
        runs.push_back(std::move(curve));
    }
    m_curves->setRuns(std::move(runs));
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
        reloadRuns();
        if (cancelled)
            m_status->setText(tr("Import cancelled; the workspace is as it was before."));
        Q_EMIT importFinished();
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
    if (!sources)
        return;
    QStringList paths;
    for (const auto& s : *sources)
        paths << text(s.path);
    importPaths(paths);
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
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    event->accept();
}

}  // namespace runlens::ui
