// SPDX-License-Identifier: MIT
#include "rungroupproxymodel.h"

#include <QFont>

#include <algorithm>

namespace runlens {
namespace {

constexpr QChar keySeparator(0x1f);

QString cellText(const QAbstractItemModel* model, int row, int column) {
    return model->index(row, column).data().toString();
}

}  // namespace

RunGroupProxyModel::RunGroupProxyModel(QObject* parent) : QAbstractProxyModel(parent) {
    rebuild();
}

void RunGroupProxyModel::setSourceModel(QAbstractItemModel* source) {
    beginResetModel();
    for (const auto& connection : m_connections)
        disconnect(connection);
    m_connections.clear();
    QAbstractProxyModel::setSourceModel(source);
    if (source) {
        auto reset = [this] {
            rebuild();
            endResetModel();
        };
        m_connections = {
            connect(source, &QAbstractItemModel::modelAboutToBeReset, this, [this] { beginResetModel(); }),
            connect(source, &QAbstractItemModel::modelReset, this, reset),
            connect(source, &QAbstractItemModel::layoutAboutToBeChanged, this, [this] { beginLayout(); }),
            connect(source, &QAbstractItemModel::layoutChanged, this, [this] { endLayout(); }),
            // Rows coming and going (a filter change) move runs between groups: one layout change each.
            connect(source, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] { beginLayout(); }),
            connect(source, &QAbstractItemModel::rowsInserted, this, [this] { endLayout(); }),
            connect(source, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this] { beginLayout(); }),
            connect(source, &QAbstractItemModel::rowsRemoved, this, [this] { endLayout(); }),
            connect(source, &QAbstractItemModel::rowsAboutToBeMoved, this, [this] { beginLayout(); }),
            connect(source, &QAbstractItemModel::rowsMoved, this, [this] { endLayout(); }),
            connect(source, &QAbstractItemModel::columnsAboutToBeInserted, this, [this] { beginResetModel(); }),
            connect(source, &QAbstractItemModel::columnsInserted, this, reset),
            connect(source, &QAbstractItemModel::columnsAboutToBeRemoved, this, [this] { beginResetModel(); }),
            connect(source, &QAbstractItemModel::columnsRemoved, this, reset),
            connect(source, &QAbstractItemModel::columnsAboutToBeMoved, this, [this] { beginResetModel(); }),
            connect(source, &QAbstractItemModel::columnsMoved, this, reset),
            connect(source, &QAbstractItemModel::headerDataChanged, this, &RunGroupProxyModel::headerDataChanged),
            connect(source, &QAbstractItemModel::dataChanged, this,
                    [this](const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles) {
                        if (!topLeft.isValid() || !bottomRight.isValid())
                            return;
                        // A run that changes source or experiment changes group.
                        const bool groupColumn = (topLeft.column() <= RunTableModel::ExperimentColumn &&
                                                  bottomRight.column() >= RunTableModel::ExperimentColumn) ||
                                                 (topLeft.column() <= RunTableModel::SourceColumn &&
                                                  bottomRight.column() >= RunTableModel::SourceColumn);
                        if (m_grouping != RunGrouping::none && groupColumn &&
                            (roles.isEmpty() || roles.contains(Qt::DisplayRole))) {
                            beginLayout();
                            endLayout();
                        }
                        // Neighbouring source rows may sit in different groups: one signal per run.
                        for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
                            const QModelIndex first = mapFromSource(sourceModel()->index(row, topLeft.column()));
                            const QModelIndex last = mapFromSource(sourceModel()->index(row, bottomRight.column()));
                            if (first.isValid() && last.isValid())
                                Q_EMIT dataChanged(first, last, roles);
                        }
                    }),
        };
    }
    rebuild();
    endResetModel();
}

void RunGroupProxyModel::setGrouping(RunGrouping grouping) {
    if (grouping == m_grouping)
        return;
    // A layout change, not a reset: selected runs stay selected.
    beginLayout();
    m_grouping = grouping;
    endLayout();
}

int RunGroupProxyModel::groupNode(const QString& source, const QString& experiment, bool create) {
    auto find = [&](const QString& key, int parent, const QString& label) {
        if (const auto it = m_nodeOfKey.constFind(key); it != m_nodeOfKey.cend())
            return *it;
        if (!create)
            return -1;
        const int node = static_cast<int>(m_nodes.size());
        Group group;
        group.key = key;
        group.label = label;
        group.source = source;
        group.parent = parent;
        m_nodes.push_back(std::move(group));
        m_nodes[static_cast<std::size_t>(parent)].groups.push_back(node);
        m_nodeOfKey.insert(key, node);
        return node;
    };
    int parent = 0;
    if (m_grouping == RunGrouping::source || m_grouping == RunGrouping::sourceAndExperiment) {
        parent = find(QLatin1Char('S') + keySeparator + source, 0, source.isEmpty() ? tr("(no source)") : source);
        if (parent < 0 || m_grouping == RunGrouping::source)
            return parent;
    }
    return find(QLatin1Char('E') + keySeparator + source + keySeparator + experiment, parent,
                experiment.isEmpty() ? tr("(no experiment)") : experiment);
}

void RunGroupProxyModel::rebuild() {
    m_nodes.assign(1, Group{});
    m_nodeOfKey.clear();
    const QAbstractItemModel* source = sourceModel();
    const int count = source ? source->rowCount() : 0;
    const auto n = static_cast<std::size_t>(count);
    m_runNode.assign(n, 0);
    m_runRow.assign(n, 0);
    m_runOrder.assign(n, 0);
    if (m_grouping == RunGrouping::none || !source) {
        m_nodes[0].runs.resize(n);
        for (int row = 0; row < count; ++row)
            m_nodes[0].runs[static_cast<std::size_t>(row)] = row;
    } else {
        for (int row = 0; row < count; ++row) {
            const int node = groupNode(cellText(source, row, RunTableModel::SourceColumn),
                                       cellText(source, row, RunTableModel::ExperimentColumn), true);
            m_nodes[static_cast<std::size_t>(node)].runs.push_back(row);
        }
    }

    // Shown runs per group, bottom up (a child node always comes after its parent).
    for (std::size_t node = m_nodes.size(); node-- > 0;) {
        Group& group = m_nodes[node];
        group.shown += static_cast<int>(group.runs.size());
        if (node > 0)
            m_nodes[static_cast<std::size_t>(group.parent)].shown += group.shown;
    }
    // Runs per group before the filter, from the model under it.
    const auto* filter = qobject_cast<const QAbstractProxyModel*>(source);
    const QAbstractItemModel* base = filter ? filter->sourceModel() : nullptr;
    if (base && m_grouping != RunGrouping::none) {
        for (int row = 0, rows = base->rowCount(); row < rows; ++row) {
            int node = groupNode(cellText(base, row, RunTableModel::SourceColumn),
                                 cellText(base, row, RunTableModel::ExperimentColumn), false);
            for (; node > 0; node = m_nodes[static_cast<std::size_t>(node)].parent)
                ++m_nodes[static_cast<std::size_t>(node)].total;
        }
    } else {
        for (Group& group : m_nodes)
            group.total = group.shown;
    }
    m_nodes[0].total = base ? base->rowCount() : m_nodes[0].shown;

    // Grouped by experiment alone, two sources may hold experiments of the same name: say which is which (by the
    // whole path, since tracker folders tend to share their last name, mlruns).
    if (m_grouping == RunGrouping::experiment) {
        QHash<QString, int> labelUses;
        for (const int node : m_nodes[0].groups)
            ++labelUses[m_nodes[static_cast<std::size_t>(node)].label];
        for (const int node : m_nodes[0].groups) {
            Group& group = m_nodes[static_cast<std::size_t>(node)];
            if (labelUses.value(group.label) > 1)
                group.label += QStringLiteral(" \u2014 ") + group.source;
        }
    }

    for (std::size_t node = 0; node < m_nodes.size(); ++node) {
        std::vector<int>& groups = m_nodes[node].groups;
        std::sort(groups.begin(), groups.end(), [this](int a, int b) {
            const Group& left = m_nodes[static_cast<std::size_t>(a)];
            const Group& right = m_nodes[static_cast<std::size_t>(b)];
            const int byLabel = QString::compare(left.label, right.label, Qt::CaseInsensitive);
            return byLabel != 0 ? byLabel < 0 : left.key < right.key;
        });
        for (std::size_t i = 0; i < groups.size(); ++i)
            m_nodes[static_cast<std::size_t>(groups[i])].row = static_cast<int>(i);
        const std::vector<int>& runs = m_nodes[node].runs;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            m_runNode[static_cast<std::size_t>(runs[i])] = static_cast<int>(node);
            m_runRow[static_cast<std::size_t>(runs[i])] = static_cast<int>(groups.size() + i);
        }
    }

    // Tree order: groups first, depth first, then each group's runs.
    int order = 0;
    auto number = [this, &order](auto&& self, int node) -> void {
        const Group& group = m_nodes[static_cast<std::size_t>(node)];
        for (const int child : group.groups)
            self(self, child);
        for (const int run : group.runs)
            m_runOrder[static_cast<std::size_t>(run)] = order++;
    };
    number(number, 0);
}

int RunGroupProxyModel::nodeOf(const QModelIndex& groupIndex) const {
    const Group& parent = m_nodes[static_cast<std::size_t>(groupIndex.internalId())];
    return parent.groups[static_cast<std::size_t>(groupIndex.row())];
}

QModelIndex RunGroupProxyModel::indexOfNode(int node, int column) const {
    const Group& group = m_nodes[static_cast<std::size_t>(node)];
    return createIndex(group.row, column, static_cast<quintptr>(group.parent));
}

bool RunGroupProxyModel::isGroup(const QModelIndex& index) const {
    if (!index.isValid() || index.model() != this)
        return false;
    const Group& parent = m_nodes[static_cast<std::size_t>(index.internalId())];
    return index.row() < static_cast<int>(parent.groups.size());
}

QItemSelection RunGroupProxyModel::runsUnder(const QModelIndex& group) const {
    QItemSelection out;
    const int lastColumn = columnCount() - 1;
    if (!isGroup(group) || lastColumn < 0)
        return out;
    auto collect = [this, &out, lastColumn](auto&& self, int node) -> void {
        const Group& g = m_nodes[static_cast<std::size_t>(node)];
        for (const int child : g.groups)
            self(self, child);
        if (g.runs.empty())
            return;
        const int first = static_cast<int>(g.groups.size());
        const int last = first + static_cast<int>(g.runs.size()) - 1;
        out.select(createIndex(first, 0, static_cast<quintptr>(node)),
                   createIndex(last, lastColumn, static_cast<quintptr>(node)));
    };
    collect(collect, nodeOf(group));
    return out;
}

int RunGroupProxyModel::runOrder(const QModelIndex& run) const {
    const QModelIndex source = mapToSource(run);
    return source.isValid() ? m_runOrder[static_cast<std::size_t>(source.row())] : -1;
}

QModelIndex RunGroupProxyModel::firstRun() const {
    const auto it = std::find(m_runOrder.begin(), m_runOrder.end(), 0);
    if (it == m_runOrder.end())
        return {};
    const auto row = static_cast<std::size_t>(it - m_runOrder.begin());
    return createIndex(m_runRow[row], 0, static_cast<quintptr>(m_runNode[row]));
}

QModelIndexList RunGroupProxyModel::groupIndexes() const {
    QModelIndexList out;
    out.reserve(static_cast<qsizetype>(m_nodes.size()));
    for (std::size_t node = 1; node < m_nodes.size(); ++node)
        out << indexOfNode(static_cast<int>(node), 0);
    return out;
}

QModelIndex RunGroupProxyModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= columnCount())
        return {};
    int node = 0;
    if (parent.isValid()) {
        if (!isGroup(parent) || parent.column() != 0)
            return {};
        node = nodeOf(parent);
    }
    const Group& group = m_nodes[static_cast<std::size_t>(node)];
    if (row >= static_cast<int>(group.groups.size() + group.runs.size()))
        return {};
    return createIndex(row, column, static_cast<quintptr>(node));
}

QModelIndex RunGroupProxyModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return indexOfNode(static_cast<int>(child.internalId()), 0);
}

int RunGroupProxyModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) {
        const Group& root = m_nodes[0];
        return static_cast<int>(root.groups.size() + root.runs.size());
    }
    if (parent.column() != 0 || !isGroup(parent))
        return 0;
    const Group& group = m_nodes[static_cast<std::size_t>(nodeOf(parent))];
    return static_cast<int>(group.groups.size() + group.runs.size());
}

int RunGroupProxyModel::columnCount(const QModelIndex&) const {
    return sourceModel() ? sourceModel()->columnCount() : 0;
}

bool RunGroupProxyModel::hasChildren(const QModelIndex& parent) const {
    return rowCount(parent) > 0;
}

QModelIndex RunGroupProxyModel::mapToSource(const QModelIndex& proxyIndex) const {
    if (!proxyIndex.isValid() || !sourceModel() || proxyIndex.model() != this)
        return {};
    const Group& parent = m_nodes[static_cast<std::size_t>(proxyIndex.internalId())];
    const int run = proxyIndex.row() - static_cast<int>(parent.groups.size());
    if (run < 0 || run >= static_cast<int>(parent.runs.size()))
        return {};
    return sourceModel()->index(parent.runs[static_cast<std::size_t>(run)], proxyIndex.column());
}

QModelIndex RunGroupProxyModel::mapFromSource(const QModelIndex& sourceIndex) const {
    if (!sourceIndex.isValid() || sourceIndex.row() >= static_cast<int>(m_runNode.size()))
        return {};
    const auto row = static_cast<std::size_t>(sourceIndex.row());
    return createIndex(m_runRow[row], sourceIndex.column(), static_cast<quintptr>(m_runNode[row]));
}

QString RunGroupProxyModel::countText(const Group& group) const {
    if (group.shown != group.total)
        return tr("%1 of %2 runs").arg(group.shown).arg(group.total);
    return group.total == 1 ? tr("1 run") : tr("%1 runs").arg(group.total);
}

QVariant RunGroupProxyModel::data(const QModelIndex& index, int role) const {
    if (!isGroup(index))
        return QAbstractProxyModel::data(index, role);
    const Group& group = m_nodes[static_cast<std::size_t>(nodeOf(index))];
    switch (role) {
    case GroupKeyRole:
        return group.key;
    case ShownRunCountRole:
        return group.shown;
    case TotalRunCountRole:
        return group.total;
    default:
        break;
    }
    // The other columns hold per-run values; a group row leaves them empty rather than show one run's value.
    if (index.column() != 0)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return QString(group.label + QStringLiteral("  (") + countText(group) + QLatin1Char(')'));
    case Qt::ToolTipRole: {
        const bool experiment = group.key.startsWith(QLatin1Char('E'));
        const QString tip = experiment ? tr("Experiment %1 in %2: %3").arg(group.label, group.source, countText(group))
                                       : tr("Source %1: %2").arg(group.label, countText(group));
        // Tooltips guess rich text from the content: escaped inside a paragraph, an imported name stays as given.
        return QString(QStringLiteral("<p style='white-space:pre'>") + tip.toHtmlEscaped() + QStringLiteral("</p>"));
    }
    case Qt::FontRole: {
        QFont font;
        font.setBold(true);
        return font;
    }
    default:
        return {};
    }
}

QVariant RunGroupProxyModel::headerData(int section, Qt::Orientation orientation, int role) const {
    return sourceModel() ? sourceModel()->headerData(section, orientation, role) : QVariant();
}

Qt::ItemFlags RunGroupProxyModel::flags(const QModelIndex& index) const {
    if (isGroup(index))
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    return QAbstractProxyModel::flags(index);
}

QModelIndex RunGroupProxyModel::sibling(int row, int column, const QModelIndex& index) const {
    return this->index(row, column, parent(index));
}

bool RunGroupProxyModel::canFetchMore(const QModelIndex&) const {
    return false;
}

void RunGroupProxyModel::fetchMore(const QModelIndex&) {}

int RunGroupProxyModel::baseRowOf(int sourceRow) const {
    const auto* filter = qobject_cast<const QAbstractProxyModel*>(sourceModel());
    if (!filter)
        return sourceRow;
    return filter->mapToSource(filter->index(sourceRow, 0)).row();
}

int RunGroupProxyModel::sourceRowOfBase(int baseRow) const {
    const auto* filter = qobject_cast<const QAbstractProxyModel*>(sourceModel());
    if (!filter)
        return baseRow < static_cast<int>(m_runNode.size()) ? baseRow : -1;
    const QAbstractItemModel* base = filter->sourceModel();
    if (!base || baseRow < 0 || baseRow >= base->rowCount())
        return -1;
    return filter->mapFromSource(base->index(baseRow, 0)).row();
}

void RunGroupProxyModel::beginLayout() {
    if (m_inLayout)
        return;
    m_inLayout = true;
    Q_EMIT layoutAboutToBeChanged();
    // After the signal: views and selection models make their persistent indexes in answer to it.
    m_layoutFrom = persistentIndexList();
    m_layoutAnchors.clear();
    m_layoutAnchors.reserve(static_cast<std::size_t>(m_layoutFrom.size()));
    for (const QModelIndex& index : std::as_const(m_layoutFrom)) {
        Anchor anchor;
        anchor.column = index.column();
        if (isGroup(index))
            anchor.groupKey = m_nodes[static_cast<std::size_t>(nodeOf(index))].key;
        else if (const QModelIndex source = mapToSource(index); source.isValid())
            anchor.baseRow = baseRowOf(source.row());
        m_layoutAnchors.push_back(std::move(anchor));
    }
}

void RunGroupProxyModel::endLayout() {
    if (!m_inLayout)
        return;
    rebuild();
    QModelIndexList to;
    to.reserve(m_layoutFrom.size());
    const int columns = columnCount();
    for (const Anchor& anchor : m_layoutAnchors) {
        QModelIndex index;
        if (anchor.column < columns) {
            if (!anchor.groupKey.isEmpty()) {
                if (const int node = m_nodeOfKey.value(anchor.groupKey, -1); node > 0)
                    index = indexOfNode(node, anchor.column);
            } else if (const int row = sourceRowOfBase(anchor.baseRow); row >= 0) {
                const auto r = static_cast<std::size_t>(row);
                index = createIndex(m_runRow[r], anchor.column, static_cast<quintptr>(m_runNode[r]));
            }
        }
        to << index;
    }
    changePersistentIndexList(m_layoutFrom, to);
    m_layoutFrom.clear();
    m_layoutAnchors.clear();
    m_inLayout = false;
    Q_EMIT layoutChanged();
}

RunGroupSelectionModel::RunGroupSelectionModel(RunGroupProxyModel* model, QObject* parent)
    : QItemSelectionModel(model, parent) {}

bool RunGroupSelectionModel::allSelected(const QItemSelection& runs) const {
    for (const QItemSelectionRange& range : runs)
        for (int row = range.top(); row <= range.bottom(); ++row)
            if (!isSelected(model()->index(row, 0, range.parent())))
                return false;
    return true;
}

void RunGroupSelectionModel::select(const QItemSelection& selection, QItemSelectionModel::SelectionFlags command) {
    const auto* groups = qobject_cast<const RunGroupProxyModel*>(model());
    if (!groups) {
        QItemSelectionModel::select(selection, command);
        return;
    }
    // Split into plain runs and groups (a node's groups come before its runs, so they lead any range).
    QItemSelection runs;
    std::vector<QItemSelection> groupRuns;
    for (const QItemSelectionRange& range : selection) {
        if (!range.isValid())
            continue;
        const QModelIndex parent = range.parent();
        int top = range.top();
        for (; top <= range.bottom(); ++top) {
            const QModelIndex index = groups->index(top, 0, parent);
            if (!groups->isGroup(index))
                break;
            groupRuns.push_back(groups->runsUnder(index));
        }
        if (top <= range.bottom())
            runs.select(groups->index(top, range.left(), parent), groups->index(range.bottom(), range.right(), parent));
    }
    if (groupRuns.empty()) {
        QItemSelectionModel::select(selection, command);
        return;
    }
    if (command.testFlag(QItemSelectionModel::Toggle)) {
        QItemSelectionModel::select(runs, command);
        const auto rows = command & QItemSelectionModel::Rows;
        for (const QItemSelection& group : groupRuns)
            QItemSelectionModel::select(
                group, rows | (allSelected(group) ? QItemSelectionModel::Deselect : QItemSelectionModel::Select));
        return;
    }
    for (const QItemSelection& group : groupRuns)
        runs.append(group);
    QItemSelectionModel::select(runs, command);
}

}  // namespace runlens
