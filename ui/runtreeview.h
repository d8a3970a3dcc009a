// SPDX-License-Identifier: MIT
#pragma once

#include <QSet>
#include <QTreeView>

class QAction;

namespace runlens {
class RunGroupProxyModel;
}

namespace runlens::ui {

// The run browser: runs as rows, under group rows when a RunGroupProxyModel groups them. Groups open by default;
// which ones the user closed (or opened after "Collapse All") is kept by group key, so it survives a re-sync, a new
// filter, a new sort and switching the grouping back and forth. A group row spans the whole width (its name and run
// count), and selecting it selects its runs (RunGroupSelectionModel).
class RunTreeView : public QTreeView {
    Q_OBJECT
public:
    explicit RunTreeView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;
    QAction* expandAllAction() const { return m_expandAll; }
    QAction* collapseAllAction() const { return m_collapseAll; }
    bool isGroupOpen(const QString& groupKey) const;

protected:
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void restoreGroups();
    void remember(const QModelIndex& group, bool open);

    RunGroupProxyModel* m_groups = nullptr;
    QAction* m_expandAll = nullptr;
    QAction* m_collapseAll = nullptr;
    bool m_openByDefault = true;
    QSet<QString> m_exceptions;  // groups the other way than m_openByDefault
    bool m_restoring = false;
};

}  // namespace runlens::ui
