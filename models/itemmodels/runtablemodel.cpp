// SPDX-License-Identifier: MIT
#include "runtablemodel.h"

#include <QDateTime>
#include <QLocale>

namespace runlens {
namespace {

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

QString durationText(qint64 ms) {
    if (ms < 0)
        return {};
    const qint64 seconds = ms / 1000;
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

}  // namespace

RunTableModel::RunTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunTableModel::setRuns(std::vector<RunRow> runs) {
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

const RunRow* RunTableModel::runAt(int row) const {
    return row >= 0 && row < static_cast<int>(m_runs.size()) ? &m_runs[static_cast<std::size_t>(row)] : nullptr;
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
    const RunRow* run = index.isValid() ? runAt(index.row()) : nullptr;
    if (!run || index.column() >= ColumnCount)
        return {};
    const auto& r = run->run;
    const qint64 duration = r.startMs && r.endMs ? *r.endMs - *r.startMs : -1;
    if (role == CacheIdRole)
        return QVariant::fromValue<qint64>(run->id);
    if (role == Qt::DisplayRole || role == SortRole) {
        const bool sort = role == SortRole;
        switch (static_cast<Column>(index.column())) {
        case NameColumn:
            return r.name.empty() && !sort ? QStringLiteral("(unnamed)") : text(r.name);
        case ExperimentColumn:
            return text(run->experimentName);
        case StatusColumn:
            return r.lifecycle == "deleted" && !sort ? QString(text(r.status) + QStringLiteral(" (deleted)"))
                                                     : text(r.status);
        case StartColumn:
            if (sort)
                return QVariant::fromValue<qint64>(r.startMs.value_or(0));
            return r.startMs ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(*r.startMs), QLocale::ShortFormat)
                             : QString();
        case DurationColumn:
            return sort ? QVariant::fromValue<qint64>(duration) : QVariant(durationText(duration));
        case UserColumn:
            return text(r.user);
        case MetricsColumn:
            return static_cast<int>(run->metrics.size());
        case RunIdColumn:
            return text(r.externalId);
        case SourceColumn:
            return text(run->sourcePath);
        case ColumnCount:
            break;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == SourceColumn)
        return QString(text(run->format) + QStringLiteral(": ") + text(run->sourcePath));
    if (role == Qt::TextAlignmentRole && (index.column() == MetricsColumn || index.column() == DurationColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(section)) {
    case NameColumn:
        return tr("Run");
    case ExperimentColumn:
        return tr("Experiment");
    case StatusColumn:
        return tr("Status");
    case StartColumn:
        return tr("Started");
    case DurationColumn:
        return tr("Duration");
    case UserColumn:
        return tr("User");
    case MetricsColumn:
        return tr("Metrics");
    case RunIdColumn:
        return tr("Run ID");
    case SourceColumn:
        return tr("Source");
    case ColumnCount:
        break;
    }
    return {};
}

}  // namespace runlens
