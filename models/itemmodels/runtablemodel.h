// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cachereader.h"

#include <QAbstractTableModel>

#include <vector>

namespace runlens {

// The runs of a cache as a table. Takes a whole, immutable list of rows; views never write to it.
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
        MetricsColumn,
        RunIdColumn,
        SourceColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1,  // raw values (numbers, times) for sorting
        CacheIdRole,                  // the run's id in the cache (qint64)
    };

    explicit RunTableModel(QObject* parent = nullptr);

    void setRuns(std::vector<RunRow> runs);
    const RunRow* runAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<RunRow> m_runs;
};

}  // namespace runlens
