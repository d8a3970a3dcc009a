// SPDX-License-Identifier: MIT
#pragma once

#include "records.h"

#include <QAbstractTableModel>
#include <QColor>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace runlens {

enum class MetricDirection { lowerIsBetter, higherIsBetter };

// Guesses from a metric's name whether smaller or larger values are better: loss, error, mae, rmse, perplexity...
// are lower; accuracy, f1, auc, precision, recall... are higher. Names it does not recognise are lower-is-better
// (most unnamed training signals are losses); recognised tells which case it was.
MetricDirection inferMetricDirection(std::string_view key, bool* recognised = nullptr);

// What the summary shows of one series: its last value (MLflow's rule), extremes and where they were reached.
struct MetricStats {
    std::int64_t count = 0;
    double last = 0;
    std::int64_t lastStep = 0;
    std::optional<double> min;  // over non-NaN values; empty when every value is NaN
    std::optional<double> max;
    std::int64_t minStep = 0;  // first step reaching the minimum
    std::int64_t maxStep = 0;
};
// From points sorted by step; last and lastStep are the last point's (the caller may overwrite them from the
// cache's summary, which breaks ties on step by time).
MetricStats metricStatsFromPoints(const std::vector<MetricPoint>& points);

struct MetricSummaryRun {
    std::int64_t cacheId = 0;
    QString name;
    std::map<std::string, MetricStats> metrics;
    QColor colour;  // the run's colour in every view; shown beside its name when valid
};

// Metrics side by side: per metric key four rows (last, min, max, best step), the key, the statistic and the
// direction in the first columns, then one column per run. The best run of each row is highlighted; the direction
// column toggles between lower and higher is better.
class MetricSummaryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Statistic { Last, Min, Max, BestStep, StatisticCount };
    enum FixedColumn { MetricColumn, StatisticColumn, DirectionColumn, FirstRunColumn };
    enum Role {
        IsBestRole = Qt::UserRole + 1,  // bool: this cell is the best of its row
        ValueRole,                      // double (or invalid) behind the cell
    };

    explicit MetricSummaryModel(QObject* parent = nullptr);

    void setRuns(std::vector<MetricSummaryRun> runs);
    int runCount() const { return static_cast<int>(m_runs.size()); }
    int keyCount() const { return static_cast<int>(m_keys.size()); }
    QString keyAt(int row) const;
    Statistic statisticAt(int row) const { return static_cast<Statistic>(row % StatisticCount); }
    int rowOf(const QString& key, Statistic statistic) const;
    MetricDirection direction(const QString& key) const;
    void setDirection(const QString& key, MetricDirection direction);
    void toggleDirection(int row);
    // The run column holding the best value of a row, or -1 when no run has a value.
    int bestColumn(int row) const;
    static QColor bestColour() { return QColor(40, 170, 80, 90); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void directionChanged(const QString& key, runlens::MetricDirection direction);

private:
    struct Key {
        std::string key;
        QString text;
        MetricDirection direction = MetricDirection::lowerIsBetter;
        bool recognised = false;
    };
    const MetricStats* stats(int row, int runIndex) const;
    std::optional<double> value(int row, int runIndex) const;
    std::optional<double> bestValue(int row, int runIndex) const;
    int computeBestColumn(int row) const;
    void recomputeBest(int firstRow, int lastRow);

    std::vector<MetricSummaryRun> m_runs;
    std::vector<Key> m_keys;
    std::vector<int> m_best;  // per row, so painting never scans the runs
};

}  // namespace runlens

Q_DECLARE_METATYPE(runlens::MetricDirection)
