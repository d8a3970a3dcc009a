// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cachereader.h"
#include "figure/figure.h"
#include "itemmodels/metricsummarymodel.h"

#include <QFutureWatcher>
#include <QWidget>

class QLabel;
class QStackedWidget;
class QTableView;

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
class MetricSummaryView : public QWidget, public FigureSource {
    Q_OBJECT
public:
    // More selected runs than this are summarised for the first ones only, with a note saying so.
    static constexpr int maxRuns = 200;

    explicit MetricSummaryView(QWidget* parent = nullptr);
    ~MetricSummaryView() override;

    void setWorkspace(const QString& cachePath);
    void setRuns(std::vector<MetricSummaryRequest> runs);
    MetricSummaryModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }

    QString tsv() const;
    QString markdown() const;
    void copyTsv() const;
    void copyMarkdown() const;

    std::shared_ptr<const Figure> currentFigure() const override;
    QString exportBaseName() const override { return QStringLiteral("runlens-metrics"); }

Q_SIGNALS:
    void summaryShown();  // after fresh data reached the table

private:
    void updateState();

    QString m_cachePath;
    MetricSummaryModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_empty = nullptr;
    QStackedWidget* m_stack = nullptr;
    QFutureWatcher<std::vector<MetricSummaryRun>>* m_watcher = nullptr;
    int m_generation = 0;
    int m_requested = 0;
};

}  // namespace runlens::ui
