// SPDX-License-Identifier: MIT
#pragma once

#include "figure/figure.h"

#include <QColor>
#include <QStringList>

#include <vector>

class QAbstractItemModel;

namespace runlens::ui {

// A table painted as a figure (header row, grid, highlighted cells), so the parameter diff and the metric summary
// export to PNG/SVG/PDF and go into a report through the same painter. Holds a snapshot of the model's texts.
class TableFigure : public Figure {
public:
    struct Cell {
        QString text;
        QColor background;  // invalid: none
        bool bold = false;
    };

    // Snapshot of the model's display texts, BackgroundRole colours and bold FontRole.
    static std::shared_ptr<TableFigure> fromModel(const QString& title, const QAbstractItemModel& model);

    TableFigure(QString title, QStringList header, std::vector<std::vector<Cell>> rows);

    QString title() const override { return m_title; }
    QSizeF preferredSize() const override;
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    QString csv() const override;

    int rowCount() const { return static_cast<int>(m_rows.size()); }
    const Cell& cell(int row, int column) const;

    static constexpr qreal maxColumnWidth = 240;  // longer values are elided

private:
    std::vector<qreal> columnWidths(const FigureStyle& style) const;

    QString m_title;
    QStringList m_header;
    std::vector<std::vector<Cell>> m_rows;
};

}  // namespace runlens::ui
