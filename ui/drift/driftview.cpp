// SPDX-License-Identifier: MIT
#include "driftview.h"

#include "analysis/driftpolicy.h"
#include "cache/analysisstore.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "datasets/datasetdrift.h"
#include "driftfigures.h"
#include "itemmodels/driftcolumnsmodel.h"
#include "reports/reportloader.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <filesystem>

namespace runlens::ui {

using nlohmann::json;

namespace {

struct Comparison {
    bool ok = false;
    json document;
    QString error;
};

QString fileNameOf(const json& document, const char* side) {
    const auto it = document.find(side);
    if (it == document.end() || !it->is_object() || !it->contains("path") || !(*it)["path"].is_string())
        return QString::fromLatin1(side);
    return QFileInfo(QString::fromStdString((*it)["path"].get<std::string>())).fileName();
}

QString noReportText() {
    return DriftView::tr("No drift report for this run.\nCompare two datasets with the button above, or run\n"
                         "runlens drift --reference A.csv --current B.csv --run RUN");
}

// The drift documents to list for a run, read with a connection of this thread's own (this runs on a worker):
// imported reports rebuilt from their files, then the stored comparisons, newest first. A run without any gets the
// workspace's, each named with its run.
LoadedDriftReports readDriftReports(const std::string& cachePath, std::int64_t runId, const QString& runLabel,
                                    const std::atomic_bool& cancelled) {
    LoadedDriftReports out;
    auto cache = Cache::openReadOnly(cachePath);
    if (!cache) {
        out.problems << QString::fromStdString(cache.error().toString());
        return out;
    }
    CacheReader reader(*cache);
    if (runId > 0) {
        auto runs = reader.findRuns(std::to_string(runId));
        if (!runs)
            out.problems << runLabel + QStringLiteral(": ") + QString::fromStdString(runs.error().toString());
        const std::vector<RunRow> none;
        for (const RunRow& run : runs ? *runs : none) {
            if (run.id != runId)
                continue;
            auto imported = reports::loadRunReports(reader, run);
            if (!imported) {
                // The error names the report file and the bad value's JSON path or line.
                out.problems << runLabel + QStringLiteral(": ") + QString::fromStdString(imported.error().toString());
                continue;
            }
            int n = 0;
            for (const auto& document : imported->drift) {
                if (!document.is_object())
                    continue;
                ++n;
                out.labels << DriftView::tr("Imported %1 report%2")
                                  .arg(QString::fromStdString(imported->reportType),
                                       imported->drift.size() > 1 ? QStringLiteral(" %1").arg(n) : QString());
                out.documents.push_back(document);
            }
        }
    }
    if (cancelled)
        return out;
    auto rows = runId > 0 ? runAnalyses(*cache, runId, analysis_kind::drift)
                          : Result<std::vector<AnalysisRow>>(std::vector<AnalysisRow>());
    if (rows && rows->empty() && out.documents.empty()) {
        rows = analysesOfKind(*cache, analysis_kind::drift);
        out.othersShown = true;
    }
    if (!rows) {
        out.problems << QString::fromStdString(rows.error().toString());
        return out;
    }
    // Newest first: the latest comparison is what one usually wants to see.
    for (auto it = rows->rbegin(); it != rows->rend() && !cancelled; ++it) {
        QString owner = runLabel;
        if (out.othersShown) {
            auto runs = reader.findRuns(std::to_string(it->runId));
            if (runs && !runs->empty()) {
                const auto& r = runs->front().run;
                owner = QString::fromStdString(r.name.empty() ? r.externalId : r.name);
            }
        }
        QString label = QString::fromStdString(it->name);
        json document = json::parse(it->resultJson, nullptr, false);
        if (!document.is_object()) {
            out.problems << DriftView::tr("%1: the stored drift report \"%2\" is not a JSON object").arg(owner, label);
            continue;
        }
        if (out.othersShown)
            label = owner + QStringLiteral(": ") + label;
        const QString when = QDateTime::fromMSecsSinceEpoch(it->createdMs).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        out.labels << label + QStringLiteral("  (") + when + QStringLiteral(")");
        out.documents.push_back(std::move(document));
    }
    return out;
}

}  // namespace

DriftView::DriftView(QWidget* parent) : QWidget(parent) {
    m_reportChoice = new QComboBox;
    m_reportChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_reportChoice->setToolTip(tr("Drift reports stored with the selected run"));
    m_policy = new QComboBox;
    m_policy->addItem(tr("Default policy"), QStringLiteral("default"));
    m_policy->addItem(tr("Evidently preset"), QStringLiteral("evidently"));
    m_policy->setToolTip(tr("Default: PSI > 0.25 or a p-value < 0.01 drifts a column, any drifted column drifts the "
                            "dataset.\nEvidently: its DataDriftPreset tests; half the columns drifted drifts the "
                            "dataset."));
    m_compare = new QPushButton(tr("Compare Two Datasets..."));
    m_compare->setToolTip(tr("Pick a reference and a current CSV, TSV or JSON Lines file; the report is kept with "
                             "the selected run"));
    auto* exportButton = new QPushButton(tr("Export..."));
    exportButton->setToolTip(tr("Save the figure shown as PNG, SVG, PDF or CSV"));
    connect(exportButton, &QPushButton::clicked, this, [this] {
        if (m_shown)
            exportFigureWithDialog(this, *m_shown, exportBaseName());
    });
    m_loading = new QLabel;
    m_loading->setTextFormat(Qt::PlainText);
    m_loading->hide();
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Report:")));
    bar->addWidget(m_reportChoice, 1);
    bar->addWidget(m_policy);
    bar->addWidget(m_compare);
    bar->addWidget(exportButton);

    m_summary = new QLabel;
    m_summary->setTextFormat(Qt::PlainText);
    QFont bold = m_summary->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_summary->setFont(bold);
    m_details = new QLabel;
    m_details->setTextFormat(Qt::PlainText);
    m_details->setWordWrap(true);

    m_model = new DriftColumnsModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(DriftColumnsModel::SortRole);
    m_table = new QTableView;
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(DriftColumnsModel::StatusColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] { showSelectedColumn(); });

    m_figure = new FigureWidget;
    m_figure->setPlaceholder(noReportText());
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_table);
    split->addWidget(m_figure);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({520, 780});

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    auto* summaryRow = new QHBoxLayout;
    summaryRow->addWidget(m_summary, 1);
    summaryRow->addWidget(m_loading);
    layout->addLayout(summaryRow);
    layout->addWidget(m_details);
    layout->addWidget(split, 1);

    connect(m_reportChoice, &QComboBox::currentIndexChanged, this, [this](int index) { showReport(index); });
    connect(m_compare, &QPushButton::clicked, this, &DriftView::chooseDatasets);
    setDocument(json::object());
}

DriftView::~DriftView() = default;

void DriftView::setWorkspace(const QString& cachePath) {
    if (cachePath == m_cachePath)
        return;
    m_cachePath = cachePath;
    reload();
}

void DriftView::setRun(std::int64_t runId, const QString& label) {
    m_runId = runId;
    m_runLabel = label;
    reload();
}

// Selecting runs for another tab should not read report files: the work waits until this tab shows.
void DriftView::reload() {
    m_loader.cancel();  // whatever is on its way is for another run or workspace
    m_loading->hide();
    m_stale = true;
    if (isVisible())
        load();
}

void DriftView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_stale)
        load();
}

void DriftView::load() {
    m_stale = false;
    if (m_cachePath.isEmpty()) {
        m_loader.cancel();
        applyReports({});
        return;
    }
    // The report shown stays until the new list is ready (no flashing on a quick click); the bar says what is
    // coming, and an empty figure says it is loading rather than that there is nothing.
    m_loading->setText(m_runId > 0 ? tr("Loading the drift reports of %1...").arg(m_runLabel)
                                   : tr("Loading drift reports..."));
    m_loading->show();
    m_figure->setPlaceholder(tr("Loading drift reports..."));
    if (!m_document.contains("columns"))
        m_summary->clear();  // not "No drift report" before it is known
    m_loader.start([path = m_cachePath.toStdString(), runId = m_runId, label = m_runLabel](
                       const std::atomic_bool& cancelled) { return readDriftReports(path, runId, label, cancelled); },
                   [this](LoadedDriftReports loaded) { applyReports(std::move(loaded)); });
}

void DriftView::applyReports(LoadedDriftReports loaded) {
    m_loading->hide();
    m_figure->setPlaceholder(noReportText());
    m_reports = std::move(loaded.documents);
    m_othersShown = loaded.othersShown;
    m_problems = std::move(loaded.problems);
    {
        const QSignalBlocker blocker(m_reportChoice);
        m_reportChoice->clear();
        m_reportChoice->addItems(loaded.labels);
    }
    m_reportChoice->setEnabled(!m_reports.empty());
    showReport(m_reports.empty() ? -1 : 0);
    Q_EMIT reportsLoaded();
}

void DriftView::showReport(int index) {
    setDocument(index >= 0 && index < static_cast<int>(m_reports.size()) ? m_reports[static_cast<std::size_t>(index)]
                                                                         : json::object());
}

void DriftView::setDocument(const json& document) {
    m_document = document;
    m_model->setDocument(document);
    m_table->sortByColumn(DriftColumnsModel::StatusColumn, Qt::DescendingOrder);
    m_table->resizeColumnsToContents();
    if (!document.contains("columns")) {
        m_summary->setText(m_runId > 0 ? tr("No drift report for %1").arg(m_runLabel) : tr("No drift report"));
        m_summary->setStyleSheet({});
        m_details->setText(m_problems.join(QLatin1Char('\n')));
        m_details->setToolTip({});
        m_shown.reset();
        m_figure->setFigure(nullptr);
        Q_EMIT reportShown();
        return;
    }
    const bool drift = document.value("verdict", std::string()) == "drift";
    m_summary->setText(driftVerdictText(document));
    m_summary->setStyleSheet(QStringLiteral("color: %1").arg(driftStatusColor(drift, drift ? 2 : 0).name()));
    QString details;
    if (m_othersShown && m_runId > 0)
        details = tr("%1 has no drift report; showing the workspace's.   ").arg(m_runLabel);
    for (const char* side : {"reference", "current"}) {
        const auto it = document.find(side);
        if (it != document.end() && it->is_object()) {
            if (!details.isEmpty())
                details += QStringLiteral("   ");
            // Imported reports may know neither the file nor a side's row count (null).
            QString part = QString::fromLatin1(side);
            if (const auto path = it->find("path"); path != it->end() && path->is_string())
                part += QStringLiteral(": ") + fileNameOf(document, side);
            if (const auto rows = it->find("rows"); rows != it->end() && rows->is_number_integer())
                part += tr(" (%1 rows)").arg(rows->get<std::int64_t>());
            details += part;
        }
    }
    const auto problems = document.find("problems");
    if (problems != document.end() && problems->is_array() && !problems->empty()) {
        details += tr("   %n problem(s), e.g. ", nullptr, static_cast<int>(problems->size()));
        const auto& first = problems->front();
        details += QString::fromStdString(first.value("message", std::string()));
        QString tooltip;
        for (const auto& p : *problems) {
            tooltip += QString::fromStdString(p.value("file", std::string()));
            if (p.contains("line") && p["line"].is_number())
                tooltip += tr(", line %1").arg(p["line"].get<std::int64_t>());
            tooltip += QStringLiteral(": ") + QString::fromStdString(p.value("message", std::string())) + u'\n';
        }
        m_details->setToolTip(tooltip.trimmed());
    } else {
        m_details->setToolTip({});
    }
    if (!m_problems.isEmpty())
        details += QLatin1Char('\n') + m_problems.join(QLatin1Char('\n'));
    m_details->setText(details);
    if (m_proxy->rowCount() > 0)
        m_table->selectRow(0);
    showSelectedColumn();
    Q_EMIT reportShown();
}

void DriftView::showSelectedColumn() {
    const QModelIndex current = m_table->currentIndex();
    const json* column = current.isValid() ? m_model->columnAt(m_proxy->mapToSource(current).row()) : nullptr;
    if (!column) {
        m_shown = m_document.contains("columns") ? std::make_shared<DriftSummaryFigure>(m_document) : nullptr;
        m_figure->setFigure(m_shown);
        return;
    }
    m_shown =
        std::make_shared<DriftColumnFigure>(*column, tr("reference (%1)").arg(fileNameOf(m_document, "reference")),
                                            tr("current (%1)").arg(fileNameOf(m_document, "current")));
    m_figure->setFigure(m_shown);
}

int DriftView::reportCount() const {
    return static_cast<int>(m_reports.size());
}

QString DriftView::summaryText() const {
    return m_summary->text();
}

QString DriftView::detailsText() const {
    return m_details->text();
}

QString DriftView::loadingText() const {
    return m_loading->isVisibleTo(this) ? m_loading->text() : QString();
}

std::shared_ptr<const Figure> DriftView::currentFigure() const {
    return m_shown;
}

QString DriftView::exportBaseName() const {
    const QModelIndex current = m_table->currentIndex();
    const json* column = current.isValid() ? m_model->columnAt(m_proxy->mapToSource(current).row()) : nullptr;
    if (column && column->contains("column") && (*column)["column"].is_string())
        return QStringLiteral("drift-") + QString::fromStdString((*column)["column"].get<std::string>());
    return QStringLiteral("drift-report");
}

void DriftView::chooseDatasets() {
    const QString filter = tr("Data files (*.csv *.tsv *.txt *.jsonl *.ndjson);;All files (*)");
    const QString reference = QFileDialog::getOpenFileName(this, tr("Reference data (training, baseline)"), {}, filter);
    if (reference.isEmpty())
        return;
    const QString current =
        QFileDialog::getOpenFileName(this, tr("Current data (serving, new)"), QFileInfo(reference).path(), filter);
    if (current.isEmpty())
        return;
    compareDatasets(reference, current);
}

void DriftView::compareDatasets(const QString& reference, const QString& current) {
    const int generation = ++m_comparisonGeneration;
    const std::string policyName = m_policy->currentData().toString().toStdString();
    m_summary->setText(
        tr("Comparing %1 with %2...").arg(QFileInfo(current).fileName(), QFileInfo(reference).fileName()));
    m_summary->setStyleSheet({});
    auto* watcher = new QFutureWatcher<Comparison>(this);
    connect(watcher, &QFutureWatcher<Comparison>::finished, this,
            [this, watcher, generation, reference, current, policyName] {
                watcher->deleteLater();
                if (generation != m_comparisonGeneration)
                    return;  // a newer comparison was started; this one is stale
                const Comparison result = watcher->result();
                if (!result.ok) {
                    m_summary->setText(tr("Comparison failed: %1").arg(result.error));
                    m_summary->setStyleSheet(QStringLiteral("color: %1").arg(driftStatusColor(true, 2).name()));
                    Q_EMIT comparisonFinished(false);
                    return;
                }
                if (m_runId > 0 && !m_cachePath.isEmpty()) {
                    auto cache = Cache::openExisting(m_cachePath.toStdString());
                    if (cache) {
                        AnalysisRow row;
                        row.runId = m_runId;
                        row.kind = std::string(analysis_kind::drift);
                        const QString name =
                            QFileInfo(reference).fileName() + QStringLiteral(" vs ") + QFileInfo(current).fileName();
                        row.name = name.toStdString();
                        row.inputsJson = json{
                            {"reference", reference.toStdString()},
                            {"current", current.toStdString()},
                            {"policy",
                             policyName}}.dump();
                        row.resultJson = result.document.dump(-1, ' ', false, json::error_handler_t::replace);
                        if (saveAnalysis(*cache, row)) {
                            reload();
                            Q_EMIT comparisonFinished(true);
                            return;
                        }
                    }
                }
                setDocument(result.document);
                Q_EMIT comparisonFinished(true);
            });
    watcher->setFuture(QtConcurrent::run([reference, current, policyName] {
        Comparison out;
        auto policy = analysis::loadDriftPolicy(policyName);
        if (!policy) {
            out.error = QString::fromStdString(policy.error().toString());
            return out;
        }
        auto document = datasets::computeDatasetDrift(reference.toStdString(), current.toStdString(), *policy);
        if (!document) {
            out.error = QString::fromStdString(document.error().toString());
            return out;
        }
        out.ok = true;
        out.document = std::move(*document);
        return out;
    }));
}

}  // namespace runlens::ui
