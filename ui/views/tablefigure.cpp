// SPDX-License-Identifier: MIT
#include "views/tablefigure.h"

#include <QAbstractItemModel>
#include <QFont>
#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

namespace runlens::ui {
namespace {

constexpr qreal cellPadding = 6;
constexpr qreal margin = 12;

qreal rowHeight(const FigureStyle& style) {
    return QFontMetricsF(style.font).height() + 8;
}

}  // namespace

std::shared_ptr<TableFigure> TableFigure::fromModel(const QString& title, const QAbstractItemModel& model) {
    QStringList header;
    for (int c = 0; c < model.columnCount(); ++c)
        header << model.headerData(c, Qt::Horizontal).toString();
    std::vector<std::vector<Cell>> rows;
    rows.reserve(static_cast<std::size_t>(model.rowCount()));
    for (int r = 0; r < model.rowCount(); ++r) {
        std::vector<Cell> row;
        row.reserve(static_cast<std::size_t>(model.columnCount()));
        for (int c = 0; c < model.columnCount(); ++c) {
            const QModelIndex index = model.index(r, c);
            Cell cell;
            cell.text = index.data().toString();
            const QVariant background = index.data(Qt::BackgroundRole);
            if (background.canConvert<QColor>())
                cell.background = background.value<QColor>();
            const QVariant font = index.data(Qt::FontRole);
            cell.bold = font.canConvert<QFont>() && font.value<QFont>().bold();
            row.push_back(std::move(cell));
        }
        rows.push_back(std::move(row));
    }
    return std::make_shared<TableFigure>(title, header, std::move(rows));
}

TableFigure::TableFigure(QString title, QStringList header, std::vector<std::vector<Cell>> rows)
    : m_title(std::move(title)), m_header(std::move(header)), m_rows(std::move(rows)) {}

const TableFigure::Cell& TableFigure::cell(int row, int column) const {
    return m_rows[static_cast<std::size_t>(row)][static_cast<std::size_t>(column)];
}

std::vector<qreal> TableFigure::columnWidths(const FigureStyle& style) const {
    QFont bold = style.font;
    bold.setBold(true);
    const QFontMetricsF plain(style.font);
    const QFontMetricsF heading(bold);
    std::vector<qreal> widths(static_cast<std::size_t>(m_header.size()), 0);
    for (std::size_t c = 0; c < widths.size(); ++c) {
        widths[c] = heading.horizontalAdvance(m_header[static_cast<qsizetype>(c)]);
        for (const auto& row : m_rows)
            if (c < row.size())
                widths[c] = std::max(widths[c], (row[c].bold ? heading : plain).horizontalAdvance(row[c].text));
        widths[c] = std::min(widths[c], maxColumnWidth) + 2 * cellPadding;
    }
    return widths;
}

QSizeF TableFigure::preferredSize() const {
    const FigureStyle style = FigureStyle::forPrint();
    const auto widths = columnWidths(style);
    qreal width = 2 * margin;
    for (qreal w : widths)
        width += w;
    const qreal title = QFontMetricsF(style.titleFont).height() + 8;
    const qreal height = 2 * margin + title + rowHeight(style) * static_cast<qreal>(m_rows.size() + 1);
    return {std::clamp(width, 320.0, 4000.0), std::clamp(height, 160.0, 6000.0)};
}

void TableFigure::paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const {
    painter.save();
    painter.setClipRect(area);
    const QRectF inner = area.adjusted(margin, margin, -margin, -margin);
    painter.setPen(style.text);
    painter.setFont(style.titleFont);
    const qreal titleHeight = QFontMetricsF(style.titleFont).height() + 8;
    painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), titleHeight), Qt::AlignLeft | Qt::AlignTop,
                     m_title);

    const auto widths = columnWidths(style);
    const qreal height = rowHeight(style);
    QFont bold = style.font;
    bold.setBold(true);
    const QFontMetricsF plainMetrics(style.font);
    const QFontMetricsF boldMetrics(bold);
    const qreal top = inner.top() + titleHeight;
    // Rows that do not fit are counted in a last line instead of being cut in half.
    const int fitting = std::max(0, static_cast<int>((inner.bottom() - top) / height) - 1);
    const int shown = std::min(static_cast<int>(m_rows.size()),
                               m_rows.size() > static_cast<std::size_t>(fitting) ? std::max(0, fitting - 1) : fitting);

    auto drawRow = [&](qreal y, int rowIndex) {
        qreal x = inner.left();
        for (std::size_t c = 0; c < widths.size(); ++c) {
            if (x >= inner.right())
                break;
            const QRectF cellRect(x, y, widths[c], height);
            QString text;
            bool isBold = rowIndex < 0;
            if (rowIndex < 0) {
                text = m_header[static_cast<qsizetype>(c)];
            } else {
                const auto& row = m_rows[static_cast<std::size_t>(rowIndex)];
                if (c < row.size()) {
                    text = row[c].text;
                    isBold = row[c].bold;
                    if (row[c].background.isValid())
                        painter.fillRect(cellRect, row[c].background);
                }
            }
            painter.setFont(isBold ? bold : style.font);
            painter.setPen(style.text);
            const auto& metrics = isBold ? boldMetrics : plainMetrics;
            const QString elided = metrics.elidedText(text, Qt::ElideMiddle, widths[c] - 2 * cellPadding);
            painter.drawText(cellRect.adjusted(cellPadding, 0, -cellPadding, 0), Qt::AlignVCenter | Qt::AlignLeft,
                             elided);
            x += widths[c];
        }
    };

    qreal totalWidth = 0;
    for (qreal w : widths)
        totalWidth += w;
    totalWidth = std::min(totalWidth, inner.width());
    drawRow(top, -1);
    painter.setPen(QPen(style.axis, 1));
    painter.drawLine(QPointF(inner.left(), top + height), QPointF(inner.left() + totalWidth, top + height));
    for (int r = 0; r < shown; ++r) {
        const qreal y = top + height * (r + 1);
        drawRow(y, r);
        painter.setPen(QPen(style.grid, 1));
        painter.drawLine(QPointF(inner.left(), y + height), QPointF(inner.left() + totalWidth, y + height));
    }
    if (shown < static_cast<int>(m_rows.size())) {
        painter.setPen(style.mutedText);
        painter.setFont(style.font);
        painter.drawText(QRectF(inner.left(), top + height * (shown + 1), inner.width(), height),
                         Qt::AlignVCenter | Qt::AlignLeft,
                         QObject::tr("... %1 more rows").arg(static_cast<int>(m_rows.size()) - shown));
    }
    painter.restore();
}

QString TableFigure::csv() const {
    QStringList header;
    for (const QString& h : m_header)
        header << csvField(h);
    QString out = header.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    for (const auto& row : m_rows) {
        QStringList cells;
        for (const Cell& cell : row)
            cells << csvField(cell.text);
        out += cells.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    return out;
}

}  // namespace runlens::ui
