// SPDX-License-Identifier: MIT
#include "runtablemodel.h"

#include "metricsummarymodel.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

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

QString numberText(double v) {
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 6);
}

// Params sort as numbers when they read as one, else as text after every number.
QVariant paramSortKey(const QString& value) {
    bool ok = false;
    const double number = value.toDouble(&ok);
    return ok ? QVariant(number) : QVariant(value);
}

}  // namespace

QString RunExtraColumn::id() const {
    const char* prefix = kind == Kind::param        ? "param:"
                         : kind == Kind::metricLast ? "last:"
                         : kind == Kind::metricMin  ? "min:"
                                                    : "max:";
    return QLatin1String(prefix) + text(key);
}

std::optional<RunExtraColumn> RunExtraColumn::fromId(const QString& id) {
    const qsizetype colon = id.indexOf(QLatin1Char(':'));
    if (colon <= 0 || colon + 1 >= id.size())
        return std::nullopt;
    const QString prefix = id.left(colon);
    RunExtraColumn column;
    column.key = id.mid(colon + 1).toStdString();
    if (prefix == QLatin1String("param"))
        column.kind = Kind::param;
    else if (prefix == QLatin1String("last"))
        column.kind = Kind::metricLast;
    else if (prefix == QLatin1String("min"))
        column.kind = Kind::metricMin;
    else if (prefix == QLatin1String("max"))
        column.kind = Kind::metricMax;
    else
        return std::nullopt;
    return column;
}

RunTableModel::RunTableModel(QObject* parent) : QAbstractTableModel(parent), m_data(prepare({})) {}

std::shared_ptr<const RunTableData> RunTableModel::prepare(std::vector<RunRow> runs,
                                                           std::optional<std::vector<RunExtraColumn>> extraColumns) {
    auto data = std::make_shared<RunTableData>();
    data->runs = std::move(runs);
    const std::size_t n = data->runs.size();
    data->texts.resize(n * FixedColumnCount);
    data->sortKeys.resize(n * FixedColumnCount);
    const QLocale locale;
    for (std::size_t i = 0; i < n; ++i) {
        const RunRow& run = data->runs[i];
        const RunRecord& r = run.run;
        QString* t = &data->texts[i * FixedColumnCount];
        QVariant* s = &data->sortKeys[i * FixedColumnCount];
        const qint64 duration = r.startMs && r.endMs ? *r.endMs - *r.startMs : -1;

        const QString name = text(r.name);
        t[NameColumn] = name.isEmpty() ? QStringLiteral("(unnamed)") : name;
        s[NameColumn] = name;
        t[ExperimentColumn] = text(run.experimentName);
        s[ExperimentColumn] = t[ExperimentColumn];
        s[StatusColumn] = text(r.status);
        t[StatusColumn] = r.lifecycle == "deleted" ? QString(text(r.status) + QStringLiteral(" (deleted)"))
                                                   : s[StatusColumn].toString();
        t[StartColumn] =
            r.startMs ? locale.toString(QDateTime::fromMSecsSinceEpoch(*r.startMs), QLocale::ShortFormat) : QString();
        s[StartColumn] = QVariant::fromValue<qint64>(r.startMs.value_or(0));
        t[DurationColumn] = durationText(duration);
        s[DurationColumn] = QVariant::fromValue<qint64>(duration);
        t[UserColumn] = text(r.user);
        s[UserColumn] = t[UserColumn];
        t[GitCommitColumn] = text(r.gitCommit).left(10);
        s[GitCommitColumn] = text(r.gitCommit);
        t[MetricsColumn] = QString::number(run.metrics.size());
        s[MetricsColumn] = static_cast<int>(run.metrics.size());
        t[RunIdColumn] = text(r.externalId);
        s[RunIdColumn] = t[RunIdColumn];
        t[SourceColumn] = text(run.sourcePath);
        s[SourceColumn] = t[SourceColumn];
    }

    // Keys for the column chooser, and which params tell the runs apart.
    std::map<std::string_view, const std::string*> firstValue;
    std::set<std::string_view> differing;
    std::set<std::string_view> metricKeys;
    for (const RunRow& run : data->runs) {
        for (const auto& [key, value] : run.params) {
            const auto [it, inserted] = firstValue.emplace(key, &value);
            if (!inserted && *it->second != value)
                differing.insert(key);
        }
        for (const auto& m : run.metrics)
            metricKeys.insert(m.key);
    }
    for (const auto& kv : firstValue)
        data->paramKeys << QString::fromUtf8(kv.first.data(), static_cast<qsizetype>(kv.first.size()));
    for (const auto& key : metricKeys)
        data->metricKeys << QString::fromUtf8(key.data(), static_cast<qsizetype>(key.size()));
    for (const auto& key : differing)
        data->differingParams.emplace_back(key);

    data->extraColumns = extraColumns ? std::move(*extraColumns) : suggest(*data, suggestedParams, suggestedMetrics);
    buildExtraCells(data->runs, data->extraColumns, data->extraTexts, data->extraSort);
    return data;
}

void RunTableModel::setRuns(std::vector<RunRow> runs) {
    setTableData(prepare(std::move(runs), m_extra));
}

void RunTableModel::setTableData(std::shared_ptr<const RunTableData> data) {
    beginResetModel();
    m_data = data ? std::move(data) : prepare({});
    m_extra = m_data->extraColumns;
    m_extraTexts = m_data->extraTexts;
    m_extraSort = m_data->extraSort;
    endResetModel();
}

const RunRow* RunTableModel::runAt(int row) const {
    return row >= 0 && row < static_cast<int>(m_data->runs.size()) ? &m_data->runs[static_cast<std::size_t>(row)]
                                                                   : nullptr;
}

int RunTableModel::rowOfRun(std::int64_t cacheId) const {
    for (std::size_t i = 0; i < m_data->runs.size(); ++i)
        if (m_data->runs[i].id == cacheId)
            return static_cast<int>(i);
    return -1;
}

void RunTableModel::setExtraColumns(std::vector<RunExtraColumn> columns) {
    if (columns == m_extra)
        return;
    beginResetModel();
    m_extra = std::move(columns);
    buildExtraCells(m_data->runs, m_extra, m_extraTexts, m_extraSort);
    endResetModel();
}

void RunTableModel::buildExtraCells(const std::vector<RunRow>& runs, const std::vector<RunExtraColumn>& columns,
                                    std::vector<QString>& texts, std::vector<QVariant>& sortKeys) {
    const std::size_t n = runs.size();
    const std::size_t cols = columns.size();
    texts.assign(n * cols, QString());
    sortKeys.assign(n * cols, QVariant());
    for (std::size_t i = 0; i < n; ++i) {
        const RunRow& run = runs[i];
        for (std::size_t c = 0; c < cols; ++c) {
            const RunExtraColumn& column = columns[c];
            QString& cellText = texts[i * cols + c];
            QVariant& cellSort = sortKeys[i * cols + c];
            if (column.kind == RunExtraColumn::Kind::param) {
                const auto it = std::lower_bound(run.params.begin(), run.params.end(), column.key,
                                                 [](const auto& kv, const std::string& k) { return kv.first < k; });
                if (it != run.params.end() && it->first == column.key) {
                    cellText = text(it->second);
                    cellSort = paramSortKey(cellText);
                }
                continue;
            }
            const auto it = std::lower_bound(run.metrics.begin(), run.metrics.end(), column.key,
                                             [](const SeriesRow& m, const std::string& k) { return m.key < k; });
            if (it == run.metrics.end() || it->key != column.key)
                continue;
            std::optional<double> value;
            if (column.kind == RunExtraColumn::Kind::metricLast)
                value = it->summary.last;
            else if (column.kind == RunExtraColumn::Kind::metricMin)
                value = it->summary.min;
            else
                value = it->summary.max;
            if (value) {
                cellText = numberText(*value);
                cellSort = std::isnan(*value) ? QVariant() : QVariant(*value);
            }
        }
    }
}

std::vector<RunExtraColumn> RunTableModel::suggestedColumns(int params, int metrics) const {
    return suggest(*m_data, params, metrics);
}

std::vector<RunExtraColumn> RunTableModel::suggest(const RunTableData& data, int params, int metrics) {
    std::vector<RunExtraColumn> out;
    for (const std::string& key : data.differingParams) {
        if (static_cast<int>(out.size()) >= params)
            break;
        out.push_back({RunExtraColumn::Kind::param, key});
    }
    std::vector<std::string> recognised;
    for (const QString& key : data.metricKeys) {
        bool known = false;
        inferMetricDirection(key.toStdString(), &known);
        if (known)
            recognised.push_back(key.toStdString());
    }
    // Validation metrics say more about a run than training ones.
    std::stable_sort(recognised.begin(), recognised.end(), [](const std::string& a, const std::string& b) {
        auto validation = [](const std::string& k) {
            return k.find("val") != std::string::npos || k.find("test") != std::string::npos ||
                   k.find("eval") != std::string::npos;
        };
        return validation(a) && !validation(b);
    });
    for (int i = 0; i < std::min(metrics, static_cast<int>(recognised.size())); ++i)
        out.push_back({RunExtraColumn::Kind::metricLast, recognised[static_cast<std::size_t>(i)]});
    return out;
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_data->runs.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : FixedColumnCount + static_cast<int>(m_extra.size());
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    const auto column = static_cast<std::size_t>(index.column());
    const bool fixed = index.column() < FixedColumnCount;
    switch (role) {
    case Qt::DisplayRole:
        if (fixed)
            return m_data->texts[row * FixedColumnCount + column];
        return m_extraTexts[row * m_extra.size() + (column - FixedColumnCount)];
    case SortRole:
        if (fixed)
            return m_data->sortKeys[row * FixedColumnCount + column];
        return m_extraSort[row * m_extra.size() + (column - FixedColumnCount)];
    case CacheIdRole:
        return QVariant::fromValue<qint64>(m_data->runs[row].id);
    case Qt::ToolTipRole:
        if (index.column() == SourceColumn)
            return QString(text(m_data->runs[row].format) + QStringLiteral(": ") +
                           m_data->texts[row * FixedColumnCount + column]);
        if (index.column() == GitCommitColumn || !fixed)
            return data(index, SortRole).toString().isEmpty() ? QVariant() : QVariant(data(index, Qt::DisplayRole));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == MetricsColumn || index.column() == DurationColumn ||
            (!fixed && m_extra[column - FixedColumnCount].kind != RunExtraColumn::Kind::param))
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    if (section >= FixedColumnCount) {
        const RunExtraColumn& column = m_extra[static_cast<std::size_t>(section - FixedColumnCount)];
        if (role == Qt::ToolTipRole)
            return column.kind == RunExtraColumn::Kind::param ? tr("Parameter %1").arg(text(column.key))
                                                              : tr("Metric %1").arg(text(column.key));
        if (role != Qt::DisplayRole)
            return {};
        switch (column.kind) {
        case RunExtraColumn::Kind::param:
            return text(column.key);
        case RunExtraColumn::Kind::metricLast:
            return tr("%1 (last)").arg(text(column.key));
        case RunExtraColumn::Kind::metricMin:
            return tr("%1 (min)").arg(text(column.key));
        case RunExtraColumn::Kind::metricMax:
            return tr("%1 (max)").arg(text(column.key));
        }
        return {};
    }
    if (role != Qt::DisplayRole)
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
    case GitCommitColumn:
        return tr("Git commit");
    case MetricsColumn:
        return tr("Metrics");
    case RunIdColumn:
        return tr("Run ID");
    case SourceColumn:
        return tr("Source");
    case FixedColumnCount:
        break;
    }
    return {};
}

}  // namespace runlens
