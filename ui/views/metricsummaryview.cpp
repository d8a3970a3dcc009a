// SPDX-License-Identifier: MIT
#include "views/metricsummaryview.h"

#include "cache/cache.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QTableView>
#include <QtConcurrent/QtConcurrentRun>

namespace runlens::ui {
namespace {

QString directionSettingsKey(const QString& metric) {
    // Keys may hold '/', which QSettings reads as groups; percent-encode them.
    return QStringLiteral("metrics/direction/") + QString::fromLatin1(metric.toUtf8().toPercentEncoding());
}

std::vector<MetricSummaryRun> readStats(const QString& cachePath, const std::vector<MetricSummaryRequest>& requests) {
    std::vector<MetricSummaryRun> out;
    auto cache = Cache::openExisting(cachePath.toStdString());
    std::optional<CacheReader> reader;
    if (cache)
        reader.emplace(*cache);
    for (const auto& request : requests) {
        MetricSummaryRun run{request.cacheId, request.name, {}, request.colour};
        for (const SeriesRow& series : request.metrics) {
            MetricStats stats;
            if (reader) {
                if (auto points = reader->series(request.cacheId, series.key))
                    stats = metricStatsFromPoints(*points);
            }
            // The cached summary is authoritative for last (MLflow's rule) and the extremes.
            stats.count = series.summary.count;
            stats.last = series.summary.last;
            stats.lastStep = series.summary.lastStep;
            stats.min = series.summary.min;
            stats.max = series.summary.max;
            run.metrics[series.key] = stats;
        }
        out.push_back(std::move(run));
    }
    return out;
}

}  // namespace

MetricSummaryView::MetricSummaryView(QWidget* parent) : TableTab(parent) {
    m_model = new MetricSummaryModel(this);
    setTableModel(m_model);
    connect(m_model, &MetricSummaryModel::directionChanged, this, [](const QString& key, MetricDirection direction) {
        QSettings().setValue(directionSettingsKey(key), direction == MetricDirection::higherIsBetter
                                                            ? QStringLiteral("higher")
                                                            : QStringLiteral("lower"));
    });

    m_note = new QLabel;
    m_note->setTextFormat(Qt::PlainText);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_note, 1);
    addCopyButtons(bar);

    QTableView* summaryTable = table();
    summaryTable->setToolTip(QString());
    // The Direction cell switches on click, and on Space from the keyboard.
    connect(summaryTable, &QTableView::clicked, this, [this](const QModelIndex& index) {
        if (index.column() == MetricSummaryModel::DirectionColumn)
            m_model->toggleDirection(index.row());
    });
    auto* toggle = new QAction(tr("Switch Lower/Higher Is Better"), summaryTable);
    toggle->setShortcut(QKeySequence(Qt::Key_Space));
    toggle->setShortcutContext(Qt::WidgetShortcut);
    connect(toggle, &QAction::triggered, this, [this] {
        const QModelIndex current = table()->currentIndex();
        if (current.isValid())
            m_model->toggleDirection(current.row());
    });
    summaryTable->addActions(QList<QAction*>{toggle} << copyActions());
    setUpLayout(bar);

    m_watcher = new QFutureWatcher<std::vector<MetricSummaryRun>>(this);
    connect(m_watcher, &QFutureWatcher<std::vector<MetricSummaryRun>>::finished, this, [this] {
        if (m_watcher->property("generation").toInt() != m_generation)
            return;  // a newer selection is on its way
        auto runs = m_watcher->result();
        m_model->setRuns(std::move(runs));
        // Directions the user chose before, in this or an earlier session.
        QSettings settings;
        for (int k = 0; k < m_model->keyCount(); ++k) {
            const QString key = m_model->keyAt(k * MetricSummaryModel::StatisticCount);
            const QString saved = settings.value(directionSettingsKey(key)).toString();
            if (!saved.isEmpty())
                m_model->setDirection(key, saved == QLatin1String("higher") ? MetricDirection::higherIsBetter
                                                                            : MetricDirection::lowerIsBetter);
        }
        table()->resizeColumnsToContents();
        updateState();
        Q_EMIT summaryShown();
    });
    updateState();
}

MetricSummaryView::~MetricSummaryView() {
    m_watcher->waitForFinished();
}

void MetricSummaryView::setWorkspace(const QString& cachePath) {
    m_cachePath = cachePath;
    setRuns({});
}

void MetricSummaryView::setRuns(std::vector<MetricSummaryRequest> runs) {
    ++m_generation;
    m_requested = static_cast<int>(runs.size());
    if (runs.size() > static_cast<std::size_t>(maxRuns))
        runs.resize(static_cast<std::size_t>(maxRuns));
    if (runs.empty()) {
        m_model->setRuns({});
        updateState();
        Q_EMIT summaryShown();
        return;
    }
    m_watcher->setProperty("generation", m_generation);
    m_watcher->setFuture(
        QtConcurrent::run([path = m_cachePath, runs = std::move(runs)] { return readStats(path, runs); }));
}

void MetricSummaryView::updateState() {
    const bool hasRows = m_model->rowCount() > 0;
    emptyLabel()->setText(m_model->runCount() > 0
                              ? tr("The selected runs have no metrics.")
                              : tr("Select runs in the table above (Ctrl+click or Shift+click for several) to compare "
                                   "their metrics: last, lowest and highest value, and the step of the best one."));
    showTable(hasRows);
    QString note;
    if (m_requested > maxRuns)
        note = tr("Showing the first %1 of %2 selected runs. ").arg(maxRuns).arg(m_requested);
    if (hasRows)
        note += tr("Best run per row highlighted; click a Direction cell to switch it.");
    m_note->setText(note);
}

}  // namespace runlens::ui
