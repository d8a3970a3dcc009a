// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>

#include <nlohmann/json.hpp>

#include <vector>

namespace runlens {

// The columns of one drift document (computed by RunLens or imported and normalised), one row per column, most
// severe first. Column names come from data files and are shown as plain text.
class DriftColumnsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        StatusColumn,
        NameColumn,
        TypeColumn,
        TestColumn,
        StatisticColumn,
        PValueColumn,
        ThresholdColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1,  // raw numbers (severity for the status column), for sorting
        DriftRole,                    // bool: the column drifted
        SeverityRole,                 // double: > 1 drifted (see analysis::driftSeverity)
    };

    explicit DriftColumnsModel(QObject* parent = nullptr);

    // Takes the document's "columns" array; rows are ordered drifted first, then by severity.
    void setDocument(const nlohmann::json& document);
    // The JSON object of a row's column.
    const nlohmann::json* columnAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<nlohmann::json> m_columns;
    std::vector<double> m_severity;
};

}  // namespace runlens
