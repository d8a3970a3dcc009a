// SPDX-License-Identifier: MIT
#include "runfilterproxymodel.h"

#include "runtablemodel.h"

namespace runlens {

RunFilterProxyModel::RunFilterProxyModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(RunTableModel::SortRole);
}

bool RunFilterProxyModel::looksLikeExpression(const QString& text) {
    const QString t = text.trimmed();
    static const QStringList markers = {QStringLiteral("=="), QStringLiteral("!="),         QStringLiteral("<"),
                                        QStringLiteral(">"),  QStringLiteral(" contains "), QStringLiteral("(")};
    static const QStringList prefixes = {QStringLiteral("metrics."), QStringLiteral("params."), QStringLiteral("tags."),
                                         QStringLiteral("not ")};
    for (const QString& m : markers)
        if (t.contains(m))
            return true;
    for (const QString& p : prefixes)
        if (t.startsWith(p))
            return true;
    return false;
}

std::optional<Error> RunFilterProxyModel::setFilterText(const QString& text) {
    if (looksLikeExpression(text)) {
        auto filter = RunFilter::parse(text.toStdString());
        if (!filter)
            return filter.error();
        m_filter = std::move(*filter);
        m_isExpression = true;
        m_words.clear();
        invalidate();
        return std::nullopt;
    }
    m_filter = RunFilter();
    m_isExpression = false;
    m_words = text.trimmed();
    // One layout change for the whole new filter (the run tree regroups once); invalidateFilter() would signal
    // each range of rows that comes or goes, thousands of them for a filter that keeps every other run.
    invalidate();
    return std::nullopt;
}

bool RunFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (sourceParent.isValid())
        return false;
    const auto* model = qobject_cast<const RunTableModel*>(sourceModel());
    const RunRow* run = model ? model->runAt(sourceRow) : nullptr;
    if (!run)
        return true;
    if (m_isExpression)
        return m_filter.matches(*run);
    if (m_words.isEmpty())
        return true;
    // The model's prepared cell texts: no conversion per row while typing.
    for (const int column : {RunTableModel::NameColumn, RunTableModel::ExperimentColumn, RunTableModel::StatusColumn,
                             RunTableModel::UserColumn, RunTableModel::RunIdColumn}) {
        if (model->index(sourceRow, column).data().toString().contains(m_words, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

}  // namespace runlens
