// SPDX-License-Identifier: MIT
#include "metricsummarymodel.h"

#include "text.h"

#include <QFont>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace runlens {
namespace {

// Words are split on anything that is not a letter or digit, so "val/loss", "train_mae" and "eval-f1" all match.
std::vector<std::string> words(std::string_view key) {
    std::vector<std::string> out;
    std::string current;
    for (const char c : key) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            current += text::lower(c);
        } else if (!current.empty()) {
            out.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

QString numberText(double v) {
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', 6);
}

}  // namespace

MetricDirection inferMetricDirection(std::string_view key, bool* recognised) {
    static const std::set<std::string> lower = {
        "loss",   "losses",     "error", "err", "errors", "mae", "mse",     "rmse", "msle",       "mape",     "smape",
        "nll",    "perplexity", "ppl",   "wer", "cer",    "ter", "fid",     "kl",   "divergence", "distance", "latency",
        "regret", "cost",       "bpd",   "bpc", "brier",  "ece", "hamming", "eer",  "fpr",        "fnr"};
    static const std::set<std::string> higher = {
        "accuracy", "acc",     "top1",        "top5",        "f1",     "fscore",    "auc",   "roc",   "auroc",
        "auprc",    "ap",      "map",         "precision",   "prec",   "recall",    "iou",   "miou",  "dice",
        "bleu",     "rouge",   "rouge1",      "rouge2",      "rougel", "meteor",    "r2",    "score", "reward",
        "return",   "returns", "specificity", "sensitivity", "tpr",    "mcc",       "kappa", "ndcg",  "mrr",
        "hit",      "hits",    "coverage",    "psnr",        "ssim",   "throughput"};
    const auto parts = words(key);
    // The last word decides first ("val_loss_accuracy_gap" is rare; "val/accuracy" and "train/loss" are common).
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        if (lower.count(*it) || it->ends_with("loss") || it->ends_with("error")) {
            if (recognised)
                *recognised = true;
            return MetricDirection::lowerIsBetter;
        }
        if (higher.count(*it) || it->ends_with("accuracy") || it->ends_with("acc") || it->ends_with("f1")) {
            if (recognised)
                *recognised = true;
            return MetricDirection::higherIsBetter;
        }
    }
    if (recognised)
        *recognised = false;
    return MetricDirection::lowerIsBetter;
}

MetricStats metricStatsFromPoints(const std::vector<MetricPoint>& points) {
    MetricStats stats;
    stats.count = static_cast<std::int64_t>(points.size());
    if (points.empty())
        return stats;
    stats.last = points.back().value;
    stats.lastStep = points.back().step;
    for (const MetricPoint& p : points) {
        if (std::isnan(p.value))
            continue;
        if (!stats.min || p.value < *stats.min) {
            stats.min = p.value;
            stats.minStep = p.step;
        }
        if (!stats.max || p.value > *stats.max) {
            stats.max = p.value;
            stats.maxStep = p.step;
        }
    }
    return stats;
}

MetricSummaryModel::MetricSummaryModel(QObject* parent) : QAbstractTableModel(parent) {
    qRegisterMetaType<runlens::MetricDirection>();
}

void MetricSummaryModel::setRuns(std::vector<MetricSummaryRun> runs) {
    beginResetModel();
    // Directions the user switched survive a new selection.
    std::map<std::string, MetricDirection> previous;
    for (const Key& k : m_keys)
        previous[k.key] = k.direction;
    m_runs = std::move(runs);
    std::set<std::string> keys;
    for (const auto& run : m_runs)
        for (const auto& kv : run.metrics)
            keys.insert(kv.first);
    m_keys.clear();
    for (const std::string& key : keys) {
        Key k;
        k.key = key;
        k.text = QString::fromStdString(key);
        k.direction = inferMetricDirection(key, &k.recognised);
        if (const auto it = previous.find(key); it != previous.end())
            k.direction = it->second;
        m_keys.push_back(std::move(k));
    }
    m_best.assign(static_cast<std::size_t>(rowCount()), -1);
    recomputeBest(0, rowCount() - 1);
    endResetModel();
}

QString MetricSummaryModel::keyAt(int row) const {
    return row >= 0 && row < rowCount() ? m_keys[static_cast<std::size_t>(row / StatisticCount)].text : QString();
}

int MetricSummaryModel::rowOf(const QString& key, Statistic statistic) const {
    for (std::size_t i = 0; i < m_keys.size(); ++i)
        if (m_keys[i].text == key)
            return static_cast<int>(i) * StatisticCount + statistic;
    return -1;
}

MetricDirection MetricSummaryModel::direction(const QString& key) const {
    for (const Key& k : m_keys)
        if (k.text == key)
            return k.direction;
    return inferMetricDirection(key.toStdString());
}

void MetricSummaryModel::setDirection(const QString& key, MetricDirection direction) {
    for (std::size_t i = 0; i < m_keys.size(); ++i) {
        if (m_keys[i].text != key || m_keys[i].direction == direction)
            continue;
        m_keys[i].direction = direction;
        m_keys[i].recognised = true;  // the user said so
        const int first = static_cast<int>(i) * StatisticCount;
        recomputeBest(first, first + StatisticCount - 1);
        Q_EMIT dataChanged(index(first, 0), index(first + StatisticCount - 1, columnCount() - 1));
        Q_EMIT directionChanged(key, direction);
    }
}

void MetricSummaryModel::toggleDirection(int row) {
    const QString key = keyAt(row);
    if (key.isEmpty())
        return;
    setDirection(key, direction(key) == MetricDirection::lowerIsBetter ? MetricDirection::higherIsBetter
                                                                       : MetricDirection::lowerIsBetter);
}

const MetricStats* MetricSummaryModel::stats(int row, int runIndex) const {
    const MetricSummaryRun& run = m_runs[static_cast<std::size_t>(runIndex)];
    const auto it = run.metrics.find(m_keys[static_cast<std::size_t>(row / StatisticCount)].key);
    return it == run.metrics.end() ? nullptr : &it->second;
}

std::optional<double> MetricSummaryModel::value(int row, int runIndex) const {
    const MetricStats* s = stats(row, runIndex);
    if (!s)
        return std::nullopt;
    switch (statisticAt(row)) {
    case Last:
        return s->last;
    case Min:
        return s->min;
    case Max:
        return s->max;
    case BestStep:
        return static_cast<double>(m_keys[static_cast<std::size_t>(row / StatisticCount)].direction ==
                                           MetricDirection::lowerIsBetter
                                       ? s->minStep
                                       : s->maxStep);
    case StatisticCount:
        break;
    }
    return std::nullopt;
}

// What "best" compares: the value itself, except on the best-step row, where the best value reached decides.
std::optional<double> MetricSummaryModel::bestValue(int row, int runIndex) const {
    const MetricStats* s = stats(row, runIndex);
    if (!s)
        return std::nullopt;
    const bool lower =
        m_keys[static_cast<std::size_t>(row / StatisticCount)].direction == MetricDirection::lowerIsBetter;
    std::optional<double> v = statisticAt(row) == BestStep ? (lower ? s->min : s->max) : value(row, runIndex);
    if (v && std::isnan(*v))
        return std::nullopt;
    return v;
}

int MetricSummaryModel::bestColumn(int row) const {
    return row >= 0 && row < rowCount() ? m_best[static_cast<std::size_t>(row)] : -1;
}

void MetricSummaryModel::recomputeBest(int firstRow, int lastRow) {
    for (int row = firstRow; row <= lastRow; ++row)
        m_best[static_cast<std::size_t>(row)] = computeBestColumn(row);
}

int MetricSummaryModel::computeBestColumn(int row) const {
    const bool lower =
        m_keys[static_cast<std::size_t>(row / StatisticCount)].direction == MetricDirection::lowerIsBetter;
    int best = -1;
    double bestSoFar = 0;
    for (int r = 0; r < runCount(); ++r) {
        const auto v = bestValue(row, r);
        if (!v)
            continue;
        if (best < 0 || (lower ? *v < bestSoFar : *v > bestSoFar)) {
            best = r;
            bestSoFar = *v;
        }
    }
    return best < 0 ? -1 : FirstRunColumn + best;
}

int MetricSummaryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_keys.size()) * StatisticCount;
}

int MetricSummaryModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || m_runs.empty() ? 0 : FirstRunColumn + static_cast<int>(m_runs.size());
}

QVariant MetricSummaryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const int row = index.row();
    const Key& key = m_keys[static_cast<std::size_t>(row / StatisticCount)];
    const Statistic statistic = statisticAt(row);
    const bool lower = key.direction == MetricDirection::lowerIsBetter;
    switch (index.column()) {
    case MetricColumn:
        if (role == Qt::DisplayRole)
            return statistic == Last ? key.text : QString();  // the key once per group of four rows
        if (role == Qt::ToolTipRole)
            return key.text;
        return {};
    case StatisticColumn:
        if (role != Qt::DisplayRole)
            return {};
        switch (statistic) {
        case Last:
            return tr("last");
        case Min:
            return tr("min");
        case Max:
            return tr("max");
        case BestStep:
            return tr("best step");
        case StatisticCount:
            break;
        }
        return {};
    case DirectionColumn:
        if (role == Qt::DisplayRole)
            return statistic == Last ? (lower ? tr("lower is better \u25bc") : tr("higher is better \u25b2"))
                                     : QString();
        if (role == Qt::ToolTipRole)
            return QString((key.recognised ? QString() : tr("Not recognised from the name. ")) +
                           tr("Click to switch between lower and higher is better."));
        return {};
    default:
        break;
    }
    const int run = index.column() - FirstRunColumn;
    const auto v = value(row, run);
    switch (role) {
    case Qt::DisplayRole:
        if (!v)
            return QStringLiteral("\u2014");
        return statistic == BestStep ? QString::number(static_cast<qint64>(*v)) : numberText(*v);
    case ValueRole:
        return v ? QVariant(*v) : QVariant();
    case IsBestRole:
        return bestColumn(row) == index.column();
    case Qt::BackgroundRole:
        return bestColumn(row) == index.column() ? QVariant(bestColour()) : QVariant();
    case Qt::FontRole:
        if (bestColumn(row) == index.column()) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole: {
        const MetricStats* s = stats(row, run);
        if (!s)
            return tr("%1 has no metric %2").arg(m_runs[static_cast<std::size_t>(run)].name, key.text);
        return tr("%1, %2: %3 points, last %4 at step %5")
            .arg(m_runs[static_cast<std::size_t>(run)].name, key.text)
            .arg(s->count)
            .arg(numberText(s->last))
            .arg(s->lastStep);
    }
    default:
        return {};
    }
}

QVariant MetricSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    if (role == Qt::DecorationRole && section >= FirstRunColumn) {
        const QColor& colour = m_runs[static_cast<std::size_t>(section - FirstRunColumn)].colour;
        return colour.isValid() ? QVariant(colour) : QVariant();
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (section) {
    case MetricColumn:
        return tr("Metric");
    case StatisticColumn:
        return tr("Statistic");
    case DirectionColumn:
        return tr("Direction");
    default:
        return m_runs[static_cast<std::size_t>(section - FirstRunColumn)].name;
    }
}

}  // namespace runlens
