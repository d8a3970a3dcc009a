// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cachereader.h"

#include <QAbstractTableModel>
#include <QVariant>

#include <memory>
#include <vector>

namespace runlens {

// A column the user added to the run table: a parameter, or one summary of a metric.
struct RunExtraColumn {
    enum class Kind { param, metricLast, metricMin, metricMax };
    Kind kind = Kind::param;
    std::string key;

    bool operator==(const RunExtraColumn&) const = default;
    // "param:lr", "last:val/loss"; the form kept in settings.
    QString id() const;
    static std::optional<RunExtraColumn> fromId(const QString& id);
};

// How the run table keeps runs together.
enum class RunGrouping { none, source, experiment };

// Every run's cell texts and sort values, computed once when runs arrive (on any thread), so painting the table
// never converts or allocates per cell. Immutable once built.
struct RunTableData {
    std::vector<RunRow> runs;
    std::vector<QString> texts;      // row-major, runs.size() x FixedColumnCount
    std::vector<QVariant> sortKeys;  // same layout
    std::vector<QString> groupKeys;  // per run: "source\x1fexperiment"
};

// The runs of a cache as a table: fixed columns (name, status, times, user, git commit...) and chosen param and
// metric-summary columns. Views never write to it.
class RunTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        ExperimentColumn,
        StatusColumn,
        StartColumn,
        DurationColumn,
        UserColumn,
        GitCommitColumn,
        MetricsColumn,
        RunIdColumn,
        SourceColumn,
        FixedColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1,  // raw values (numbers, times) for sorting
        CacheIdRole,                  // the run's id in the cache (qint64)
        GroupRole,                    // the group a run belongs to under the current grouping (QString)
    };

    explicit RunTableModel(QObject* parent = nullptr);

    // Builds the table data; pure, safe on a worker thread.
    static std::shared_ptr<const RunTableData> prepare(std::vector<RunRow> runs);
    void setRuns(std::vector<RunRow> runs);
    void setTableData(std::shared_ptr<const RunTableData> data);
    const RunRow* runAt(int row) const;
    int rowOfRun(std::int64_t cacheId) const;

    void setExtraColumns(std::vector<RunExtraColumn> columns);
    const std::vector<RunExtraColumn>& extraColumns() const { return m_extra; }
    // Param keys and metric keys over every run, sorted; for the column chooser.
    QStringList paramKeys() const;
    QStringList metricKeys() const;
    // Columns worth showing before the user chooses: params whose values differ between runs, then metrics whose
    // direction the name tells (validation ones first), at most the given numbers.
    std::vector<RunExtraColumn> suggestedColumns(int params, int metrics) const;

    void setGrouping(RunGrouping grouping);
    RunGrouping grouping() const { return m_grouping; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuildExtraCells();

    std::shared_ptr<const RunTableData> m_data;
    std::vector<RunExtraColumn> m_extra;
    std::vector<QString> m_extraTexts;  // runs x extra columns
    std::vector<QVariant> m_extraSort;
    RunGrouping m_grouping = RunGrouping::none;
};

}  // namespace runlens
