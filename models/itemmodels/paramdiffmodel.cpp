// SPDX-License-Identifier: MIT
#include "paramdiffmodel.h"

#include <QFont>

#include <map>
#include <set>

namespace runlens {

ParamDiffModel::ParamDiffModel(QObject* parent) : QAbstractTableModel(parent) {}

void ParamDiffModel::setRuns(std::vector<ParamDiffRun> runs) {
    beginResetModel();
    m_runs = std::move(runs);
    std::set<std::string> keys;
    for (const auto& run : m_runs)
        for (const auto& kv : run.params)
            keys.insert(kv.first);
    m_keys.clear();
    m_keys.reserve(keys.size());
    std::vector<std::size_t> cursor(m_runs.size(), 0);  // params are sorted: one merge pass over every run
    for (const std::string& key : keys) {
        KeyRow row;
        row.key = QString::fromStdString(key);
        row.values.resize(m_runs.size());
        std::map<std::optional<QString>, int> counts;
        for (std::size_t r = 0; r < m_runs.size(); ++r) {
            const KeyValues& params = m_runs[r].params;
            std::size_t& i = cursor[r];
            while (i < params.size() && params[i].first < key)
                ++i;
            if (i < params.size() && params[i].first == key)
                row.values[r] = QString::fromStdString(params[i].second);
            ++counts[row.values[r]];
        }
        // The most common value is the reference; on a tie the first run's value wins.
        std::optional<QString> reference = row.values.empty() ? std::nullopt : row.values.front();
        int best = row.values.empty() ? 0 : counts[reference];
        for (const auto& [value, count] : counts) {
            if (count > best) {
                best = count;
                reference = value;
            }
        }
        row.differs.resize(m_runs.size());
        for (std::size_t r = 0; r < m_runs.size(); ++r) {
            row.differs[r] = row.values[r] != reference;
            row.rowDiffers = row.rowDiffers || row.differs[r];
        }
        m_keys.push_back(std::move(row));
    }
    rebuildVisible();
    endResetModel();
}

void ParamDiffModel::setOnlyDifferences(bool only) {
    if (only == m_onlyDifferences)
        return;
    beginResetModel();
    m_onlyDifferences = only;
    rebuildVisible();
    endResetModel();
}

void ParamDiffModel::rebuildVisible() {
    m_visible.clear();
    for (std::size_t i = 0; i < m_keys.size(); ++i)
        if (!m_onlyDifferences || m_keys[i].rowDiffers)
            m_visible.push_back(i);
}

int ParamDiffModel::differingKeyCount() const {
    int n = 0;
    for (const auto& row : m_keys)
        n += row.rowDiffers ? 1 : 0;
    return n;
}

int ParamDiffModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_visible.size());
}

int ParamDiffModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || m_runs.empty() ? 0 : 1 + static_cast<int>(m_runs.size());
}

QVariant ParamDiffModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const KeyRow& row = keyRow(index.row());
    if (role == RowDiffersRole)
        return row.rowDiffers;
    if (index.column() == 0) {
        switch (role) {
        case Qt::DisplayRole:
        case FullTextRole:
        case Qt::ToolTipRole:
            return row.key;
        case Qt::FontRole:
            if (row.rowDiffers) {
                QFont bold;
                bold.setBold(true);
                return bold;
            }
            return {};
        default:
            return {};
        }
    }
    const auto run = static_cast<std::size_t>(index.column() - 1);
    const std::optional<QString>& value = row.values[run];
    switch (role) {
    case Qt::DisplayRole:
        if (!value)
            return QStringLiteral("\u2014");  // an em dash: the run has no such param
        return QString(*value).replace(QLatin1Char('\n'), QStringLiteral(" \u21b5 "));
    case FullTextRole:
        return value ? *value : QString();
    case Qt::ToolTipRole:
        return value ? *value : tr("%1 has no parameter %2").arg(m_runs[run].name, row.key);
    case DiffersRole:
        return static_cast<bool>(row.differs[run]);
    case Qt::BackgroundRole:
        return row.differs[run] ? QVariant(differenceColour()) : QVariant();
    case Qt::ForegroundRole:
        return {};
    default:
        return {};
    }
}

QVariant ParamDiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    if (section == 0)
        return role == Qt::DisplayRole ? QVariant(tr("Parameter")) : QVariant();
    const ParamDiffRun& run = m_runs[static_cast<std::size_t>(section - 1)];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
        return run.name;
    if (role == Qt::DecorationRole && run.colour.isValid())
        return run.colour;
    return {};
}

}  // namespace runlens
