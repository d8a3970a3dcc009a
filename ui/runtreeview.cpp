// SPDX-License-Identifier: MIT
#include "runtreeview.h"

#include "itemmodels/rungroupproxymodel.h"

#include <QAction>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QMenu>

namespace runlens::ui {

RunTreeView::RunTreeView(QWidget* parent) : QTreeView(parent) {
    setUniformRowHeights(true);  // the view never measures 10,000 rows
    setSortingEnabled(true);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAllColumnsShowFocus(true);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setRootIsDecorated(false);
    header()->setStretchLastSection(true);
    header()->setResizeContentsPrecision(200);
    header()->setSectionsMovable(true);

    m_expandAll = new QAction(tr("&Expand All Groups"), this);
    m_expandAll->setToolTip(tr("Open every group of runs"));
    connect(m_expandAll, &QAction::triggered, this, [this] {
        m_openByDefault = true;
        m_exceptions.clear();
        restoreGroups();
    });
    m_collapseAll = new QAction(tr("C&ollapse All Groups"), this);
    m_collapseAll->setToolTip(tr("Close every group of runs, leaving one row per group"));
    connect(m_collapseAll, &QAction::triggered, this, [this] {
        m_openByDefault = false;
        m_exceptions.clear();
        restoreGroups();
    });
    m_expandAll->setEnabled(false);
    m_collapseAll->setEnabled(false);
    connect(this, &QTreeView::expanded, this, [this](const QModelIndex& index) { remember(index, true); });
    connect(this, &QTreeView::collapsed, this, [this](const QModelIndex& index) { remember(index, false); });
}

void RunTreeView::setModel(QAbstractItemModel* model) {
    QTreeView::setModel(model);
    m_groups = qobject_cast<RunGroupProxyModel*>(model);
    if (!m_groups)
        return;
    QItemSelectionModel* plain = selectionModel();  // the one QTreeView made; ours selects runs for groups
    setSelectionModel(new RunGroupSelectionModel(m_groups, this));
    delete plain;
    // The view's own answers to these signals run first (they were connected first), then the groups reopen.
    connect(m_groups, &QAbstractItemModel::modelReset, this, &RunTreeView::restoreGroups);
    connect(m_groups, &QAbstractItemModel::layoutChanged, this, &RunTreeView::restoreGroups);
    restoreGroups();
}

bool RunTreeView::isGroupOpen(const QString& groupKey) const {
    return m_openByDefault != m_exceptions.contains(groupKey);
}

void RunTreeView::remember(const QModelIndex& group, bool open) {
    if (m_restoring || !m_groups)
        return;
    const QString key = group.data(RunGroupProxyModel::GroupKeyRole).toString();
    if (key.isEmpty())
        return;
    if (open == m_openByDefault)
        m_exceptions.remove(key);
    else
        m_exceptions.insert(key);
}

void RunTreeView::restoreGroups() {
    if (!m_groups)
        return;
    const bool grouped = m_groups->grouping() != RunGrouping::none;
    setRootIsDecorated(grouped);
    m_expandAll->setEnabled(grouped);
    m_collapseAll->setEnabled(grouped);
    if (!grouped)
        return;
    m_restoring = true;
    // One pass opens or closes everything, then the few exceptions follow.
    if (m_openByDefault)
        expandAll();
    else
        collapseAll();
    const QModelIndexList groups = m_groups->groupIndexes();
    for (const QModelIndex& group : groups) {
        if (!m_exceptions.isEmpty() && m_exceptions.contains(group.data(RunGroupProxyModel::GroupKeyRole).toString()))
            setExpanded(group, !m_openByDefault);
        if (!isFirstColumnSpanned(group.row(), group.parent()))
            setFirstColumnSpanned(group.row(), group.parent(), true);
    }
    m_restoring = false;
}

void RunTreeView::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    menu.addAction(m_expandAll);
    menu.addAction(m_collapseAll);
    menu.exec(event->globalPos());
}

}  // namespace runlens::ui
