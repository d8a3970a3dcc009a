// SPDX-License-Identifier: MIT
#pragma once

#include "runtablemodel.h"

#include <QAbstractProxyModel>
#include <QHash>
#include <QItemSelectionModel>

#include <vector>

namespace runlens {

// Shows the rows of a flat run model (normally the RunFilterProxyModel over a RunTableModel) as a tree: group rows
// by source, by experiment, or sources with their experiments inside, and the runs as their children. The flat
// model stays the single source of truth: runs keep its order (so its sort applies within each group) and its
// filter (a group whose runs are all filtered out is not shown). Groups are in ascending order of their names
// whichever way the runs sort. Without a grouping the runs are top-level rows and nothing else changes.
//
// The mapping is rebuilt once per reset, sort or filter change of the source (a hash per run and a sort of the
// groups), never per data() call; row changes of the source become a layout change here, with persistent indexes
// (selection, expanded groups) carried over by run and by group key.
class RunGroupProxyModel : public QAbstractProxyModel {
    Q_OBJECT
public:
    enum Role {
        GroupKeyRole = Qt::UserRole + 40,  // a group's identity across rebuilds ("S\x1f<source>" or
                                           // "E\x1f<source>\x1f<experiment>"); invalid for runs
        ShownRunCountRole,                 // runs of a group the filter lets through (int)
        TotalRunCountRole,                 // runs of a group before the filter (int)
    };

    explicit RunGroupProxyModel(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* sourceModel) override;
    void setGrouping(RunGrouping grouping);
    RunGrouping grouping() const { return m_grouping; }

    bool isGroup(const QModelIndex& index) const;
    // Every shown run below a group (through its sub-groups), as one row range per group of runs.
    QItemSelection runsUnder(const QModelIndex& group) const;
    // A run's position in the tree read top to bottom with every group open (-1 for a group row).
    int runOrder(const QModelIndex& run) const;
    // The first run in that order, or an invalid index when no run is shown.
    QModelIndex firstRun() const;
    // Every group row, parents before their children; for views that decorate group rows.
    QModelIndexList groupIndexes() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& index) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

private:
    struct Group {
        QString key;
        QString label;  // the source path or the experiment name, shown as given
        QString source;
        int parent = 0;           // node index; 0 is the invisible root
        int row = 0;              // row under the parent
        std::vector<int> groups;  // child group nodes, shown first
        std::vector<int> runs;    // source rows of the runs directly in this group, in source order
        int shown = 0;
        int total = 0;
    };
    // What a persistent index points at, kept across a rebuild.
    struct Anchor {
        QString groupKey;
        int baseRow = -1;
        int column = 0;
    };

    void rebuild();
    int groupNode(const QString& source, const QString& experiment, bool create);
    int nodeOf(const QModelIndex& groupIndex) const;
    QModelIndex indexOfNode(int node, int column) const;
    void beginLayout();
    void endLayout();
    int baseRowOf(int sourceRow) const;
    int sourceRowOfBase(int baseRow) const;
    QString countText(const Group& group) const;

    RunGrouping m_grouping = RunGrouping::none;
    std::vector<Group> m_nodes;  // [0] is the root
    QHash<QString, int> m_nodeOfKey;
    std::vector<int> m_runNode;   // per source row: the node holding the run
    std::vector<int> m_runRow;    // per source row: its row under that node
    std::vector<int> m_runOrder;  // per source row: its position in the tree read top to bottom
    std::vector<QMetaObject::Connection> m_connections;
    QModelIndexList m_layoutFrom;
    std::vector<Anchor> m_layoutAnchors;
    bool m_inLayout = false;
};

// A selection model for the run tree: a group row stands for its runs. Selecting a group selects every shown run in
// it (collapsed or not) and never the group row itself, so whatever reads the selected rows only ever sees runs.
// Toggling a group (Ctrl+click) deselects its runs when all of them are selected, else selects them all.
class RunGroupSelectionModel : public QItemSelectionModel {
    Q_OBJECT
public:
    explicit RunGroupSelectionModel(RunGroupProxyModel* model, QObject* parent = nullptr);
    using QItemSelectionModel::select;
    void select(const QItemSelection& selection, QItemSelectionModel::SelectionFlags command) override;

private:
    bool allSelected(const QItemSelection& runs) const;
};

}  // namespace runlens
