// SPDX-License-Identifier: MIT
#pragma once

#include "records.h"

#include <QAbstractTableModel>
#include <QColor>

#include <cstdint>
#include <optional>
#include <vector>

namespace runlens {

// One run as the parameter diff needs it.
struct ParamDiffRun {
    std::int64_t cacheId = 0;
    QString name;
    KeyValues params;  // sorted by key
    QColor colour;     // the run's colour in every view; shown beside its name when valid
};

// Parameters side by side: one row per parameter key, the key in column 0 and one column per run. A row
// differs when any run's value (or its absence) differs; the cells that differ from the row's most common value
// are highlighted.
class ParamDiffModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role {
        DiffersRole = Qt::UserRole + 1,  // bool: this cell's value differs from the row's most common value
        RowDiffersRole,                  // bool: the row is not the same for every run
        FullTextRole,                    // the value exactly as logged (multi-line kept)
    };

    explicit ParamDiffModel(QObject* parent = nullptr);

    void setRuns(std::vector<ParamDiffRun> runs);
    void setOnlyDifferences(bool only);
    bool onlyDifferences() const { return m_onlyDifferences; }
    int runCount() const { return static_cast<int>(m_runs.size()); }
    int keyCount() const { return static_cast<int>(m_keys.size()); }
    int differingKeyCount() const;
    // Background of differing cells; translucent so it reads on light and dark palettes.
    static QColor differenceColour() { return QColor(255, 170, 0, 90); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct KeyRow {
        QString key;
        std::vector<std::optional<QString>> values;  // per run; nullopt when the run lacks the param
        std::vector<bool> differs;
        bool rowDiffers = false;
    };
    void rebuildVisible();
    const KeyRow& keyRow(int row) const { return m_keys[m_visible[static_cast<std::size_t>(row)]]; }

    std::vector<ParamDiffRun> m_runs;
    std::vector<KeyRow> m_keys;
    std::vector<std::size_t> m_visible;  // indexes into m_keys shown under the current toggle
    bool m_onlyDifferences = false;
};

}  // namespace runlens
