// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cachereader.h"
#include "itemmodels/metricsummarymodel.h"
#include "views/tabletab.h"

#include <QFutureWatcher>

class QLabel;

namespace runlens::ui {

// A run as the metric summary asks for it: its cached summaries; the steps of the extremes are read from the
// series on a worker thread.
struct MetricSummaryRequest {
    std::int64_t cacheId = 0;
    QString name;
    std::vector<SeriesRow> metrics;
    QColor colour;
};

// The "Metrics" tab: last / min / max / best step per metric key and run, the best run of each row highlighted,
// the direction (lower or higher is better) guessed from the name and switchable per metric (click the Direction
// cell), remembered across sessions.
class MetricSummaryView : public TableTab {
    Q_OBJECT
public:
    // More selected runs than this are summarised for the first ones only, with a note saying so.
    static constexpr int maxRuns = 200;

    explicit MetricSummaryView(QWidget* parent = nullptr);
    ~MetricSummaryView() override;

    void setWorkspace(const QString& cachePath);
    void setRuns(std::vector<MetricSummaryRequest> runs);
    MetricSummaryModel* model() const { return m_model; }

    QString exportBaseName() const override { return QStringLiteral("runlens-metrics"); }

Q_SIGNALS:
    void summaryShown();  // after fresh data reached the table

protected:
    QString figureTitle() const override { return tr("Metric summary"); }

private:
    void updateState();

    QString m_cachePath;
    MetricSummaryModel* m_model = nullptr;
    QLabel* m_note = nullptr;
    QFutureWatcher<std::vector<MetricSummaryRun>>* m_watcher = nullptr;
    int m_generation = 0;
    int m_requested = 0;
};

}  // namespace runlens::ui
