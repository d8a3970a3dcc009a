// SPDX-License-Identifier: MIT
#include "driftcolumnsmodel.h"

#include "analysis/driftreport.h"

#include <QColor>

#include <cmath>
#include <limits>
#include <numeric>

namespace runlens {

using nlohmann::json;

namespace {

// A number from the contract ("NaN"/"Infinity" strings included); NaN when absent or null.
double numberOf(const json& column, const char* key) {
    const auto it = column.find(key);
    if (it == column.end() || it->is_null())
        return std::numeric_limits<double>::quiet_NaN();
    if (it->is_number())
        return it->get<double>();
    if (it->is_string()) {
        const auto s = it->get<std::string>();
        if (s == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (s == "-Infinity")
            return -std::numeric_limits<double>::infinity();
    }
    return std::numeric_limits<double>::quiet_NaN();
}

QString formatNumber(double v) {
    if (std::isnan(v))
        return QStringLiteral("-");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    if (v != 0 && (std::fabs(v) < 1e-4 || std::fabs(v) >= 1e6))
        return QString::number(v, 'g', 3);
    return QString::number(v, 'f', 4);
}

QString stringOf(const json& column, const char* key) {
    const auto it = column.find(key);
    return it != column.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

}  // namespace

DriftColumnsModel::DriftColumnsModel(QObject* parent) : QAbstractTableModel(parent) {}

void DriftColumnsModel::setDocument(const json& document) {
    beginResetModel();
    m_columns.clear();
    m_severity.clear();
    std::vector<json> columns;
    if (const auto it = document.find("columns"); it != document.end() && it->is_array()) {
        for (const auto& c : *it)
            if (c.is_object())
                columns.push_back(c);
    }
    std::vector<double> severity;
    for (const auto& c : columns)
        severity.push_back(analysis::driftSeverity(c));
    std::vector<std::size_t> order(columns.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const bool da = columns[a].value("drift", false);
        const bool db = columns[b].value("drift", false);
        if (da != db)
            return da;
        return severity[a] > severity[b];
    });
    for (std::size_t i : order) {
        m_columns.push_back(columns[i]);
        m_severity.push_back(severity[i]);
    }
    endResetModel();
}

const json* DriftColumnsModel::columnAt(int row) const {
    return row >= 0 && row < static_cast<int>(m_columns.size()) ? &m_columns[static_cast<std::size_t>(row)] : nullptr;
}

int DriftColumnsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_columns.size());
}

int DriftColumnsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DriftColumnsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const json& c = m_columns[static_cast<std::size_t>(index.row())];
    const double severity = m_severity[static_cast<std::size_t>(index.row())];
    const bool drift = c.value("drift", false);
    if (role == DriftRole)
        return drift;
    if (role == SeverityRole)
        return severity;
    const bool pValueTest = c.contains("p_value") && !c["p_value"].is_null();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case StatusColumn:
            if (drift)
                return tr("drift");
            return severity >= 0.8 ? tr("close") : tr("ok");
        case NameColumn:
            return stringOf(c, "column");
        case TypeColumn:
            return stringOf(c, "type");
        case TestColumn:
            return stringOf(c, "test");
        case StatisticColumn:
            return formatNumber(numberOf(c, "statistic"));
        case PValueColumn:
            return pValueTest ? formatNumber(numberOf(c, "p_value")) : QStringLiteral("-");
        case ThresholdColumn: {
            const QString threshold = formatNumber(numberOf(c, "threshold"));
            if (role == Qt::ToolTipRole)
                return pValueTest ? tr("drift when the p-value is below %1").arg(threshold)
                                  : tr("drift when the distance is above %1").arg(threshold);
            return threshold;
        }
        default:
            return {};
        }
    case SortRole:
        switch (index.column()) {
        case StatusColumn:
            return (drift ? 1e6 : 0.0) + severity;
        case StatisticColumn:
            return numberOf(c, "statistic");
        case PValueColumn:
            return numberOf(c, "p_value");
        case ThresholdColumn:
            return numberOf(c, "threshold");
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::BackgroundRole:
        if (index.column() != StatusColumn)
            return {};
        // Red drifted, amber within a fifth of its threshold, green otherwise.
        if (drift)
            return QColor(0xe5, 0x73, 0x73);
        return severity >= 0.8 ? QColor(0xf2, 0xc1, 0x4e) : QColor(0x81, 0xc7, 0x84);
    case Qt::ForegroundRole:
        return index.column() == StatusColumn ? QColor(0x10, 0x10, 0x10) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() >= StatisticColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    default:
        return {};
    }
}

QVariant DriftColumnsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StatusColumn:
        return tr("Status");
    case NameColumn:
        return tr("Column");
    case TypeColumn:
        return tr("Type");
    case TestColumn:
        return tr("Test");
    case StatisticColumn:
        return tr("Statistic");
    case PValueColumn:
        return tr("P-value");
    case ThresholdColumn:
        return tr("Threshold");
    default:
        return {};
    }
}

}  // namespace runlens
