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

// How the run browser groups runs (see RunGroupProxyModel); the values are kept in settings.
enum class RunGrouping { none, source, experiment, sourceAndExperiment };

// Every run's cell texts and sort values, computed once when runs arrive (on any thread), so painting the table
// never converts or allocates per cell. Immutable once built.
struct RunTableData {
    std::vector<RunRow> runs;
    std::vector<QString> texts;                // row-major, runs.size() x FixedColumnCount
    std::vector<QVariant> sortKeys;            // same layout
    QStringList paramKeys;                     // over every run, sorted
    QStringList metricKeys;                    // over every run, sorted
    std::vector<std::string> differingParams;  // params whose value is not the same in every run holding them
    std::vector<RunExtraColumn> extraColumns;  // the chosen (or suggested) param and metric columns
    std::vector<QString> extraTexts;           // runs.size() x extraColumns.size()
    std::vector<QVariant> extraSort;
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
    };

    explicit RunTableModel(QObject* parent = nullptr);

    // Builds the table data with the given extra columns (suggestedColumns() when none are given); pure, safe on
    // a worker thread.
    static std::shared_ptr<const RunTableData>
    prepare(std::vector<RunRow> runs,
            std::optional<std::vector<RunExtraColumn>> extraColumns = std::vector<RunExtraColumn>{});
    static constexpr int suggestedParams = 3;
    static constexpr int suggestedMetrics = 2;
    void setRuns(std::vector<RunRow> runs);
    void setTableData(std::shared_ptr<const RunTableData> data);
    const RunRow* runAt(int row) const;
    int rowOfRun(std::int64_t cacheId) const;

    void setExtraColumns(std::vector<RunExtraColumn> columns);
    const std::vector<RunExtraColumn>& extraColumns() const { return m_extra; }
    // Param keys and metric keys over every run, sorted; for the column chooser.
    QStringList paramKeys() const { return m_data->paramKeys; }
    QStringList metricKeys() const { return m_data->metricKeys; }
    // Columns worth showing before the user chooses: params whose values differ between runs, then metrics whose
    // direction the name tells (validation ones first), at most the given numbers.
    std::vector<RunExtraColumn> suggestedColumns(int params = suggestedParams, int metrics = suggestedMetrics) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    static std::vector<RunExtraColumn> suggest(const RunTableData& data, int params, int metrics);
    static void buildExtraCells(const std::vector<RunRow>& runs, const std::vector<RunExtraColumn>& columns,
                                std::vector<QString>& texts, std::vector<QVariant>& sortKeys);

    std::shared_ptr<const RunTableData> m_data;
    std::vector<RunExtraColumn> m_extra;
    std::vector<QString> m_extraTexts;  // runs x extra columns
    std::vector<QVariant> m_extraSort;
};

}  // namespace runlens
