// SPDX-License-Identifier: MIT
#include "validationfigure.h"

#include <QDateTime>
#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <map>
#include <tuple>

namespace runlens::ui {
namespace {

using json = nlohmann::json;

constexpr qreal margin = 16;
constexpr qreal labelWidth = 320;
constexpr qreal cellWidth = 128;
constexpr qreal headerHeight = 46;
constexpr qreal rowHeight = 36;
constexpr qreal titleHeight = 52;

QString text(const json& v) {
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_null())
        return {};
    return QString::fromStdString(v.dump());
}

QString timeText(const std::optional<std::int64_t>& ms) {
    if (!ms)
        return QStringLiteral("no time");
    return QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString runLabel(const ValidationGrid::Column& c) {
    return c.name + QStringLiteral(" (") + timeText(c.timeMs) + QStringLiteral(")");
}

QColor passFill(const FigureStyle& s) {
    return s.dark ? QColor(0x1f, 0x44, 0x2c) : QColor(0xdf, 0xf3, 0xe4);
}
QColor failFill(const FigureStyle& s) {
    return s.dark ? QColor(0x5c, 0x23, 0x28) : QColor(0xf8, 0xd7, 0xda);
}
QColor failMark() {
    return QColor(0xc0, 0x39, 0x2b);
}

}  // namespace

ValidationGrid buildValidationGrid(std::vector<ValidationRun> runs) {
    std::stable_sort(runs.begin(), runs.end(), [](const ValidationRun& a, const ValidationRun& b) {
        if (a.timeMs.has_value() != b.timeMs.has_value())
            return a.timeMs.has_value();
        if (a.timeMs && *a.timeMs != *b.timeMs)
            return *a.timeMs < *b.timeMs;
        return a.name < b.name;
    });
    ValidationGrid grid;
    using Key = std::tuple<QString, QString, QString, int>;
    std::map<Key, std::size_t> rowOf;
    std::map<QString, int> suites;
    for (std::size_t c = 0; c < runs.size(); ++c) {
        const ValidationRun& run = runs[c];
        ValidationGrid::Column column{run.runId, run.name, run.timeMs, true};
        for (const json& doc : run.documents) {
            const QString suite = text(doc.value("suite", json()));
            suites[suite] += 1;
            column.success = column.success && doc.value("success", false);
            std::map<std::tuple<QString, QString>, int> seen;
            if (!doc.contains("results") || !doc["results"].is_array())
                continue;
            for (const json& r : doc["results"]) {
                const QString check = text(r.value("check", json()));
                const QString col = text(r.value("column", json()));
                const int occurrence = seen[{check, col}]++;
                const Key key{suite, check, col, occurrence};
                auto it = rowOf.find(key);
                if (it == rowOf.end()) {
                    it = rowOf.emplace(key, grid.rows.size()).first;
                    grid.rows.push_back({suite, check, col, std::vector<ValidationGrid::Cell>(runs.size()), 0});
                }
                auto& row = grid.rows[it->second];
                auto& cell = row.cells[c];
                cell.present = true;
                cell.success = r.value("success", false);
                cell.observed = text(r.value("observed", json()));
                row.failures += cell.success ? 0 : 1;
            }
        }
        grid.columns.push_back(std::move(column));
    }
    grid.severalSuites = suites.size() > 1;
    return grid;
}

ValidationFigure::ValidationFigure(ValidationGrid grid) : m_grid(std::move(grid)) {}

QString ValidationFigure::title() const {
    QStringList suites;
    for (const auto& row : m_grid.rows)
        if (!suites.contains(row.suite) && !row.suite.isEmpty())
            suites << row.suite;
    return suites.isEmpty() ? QStringLiteral("Validation results")
                            : QStringLiteral("Validation results: ") + suites.join(QStringLiteral(", "));
}

QSizeF ValidationFigure::preferredSize() const {
    return {2 * margin + labelWidth + cellWidth * static_cast<qreal>(std::max<std::size_t>(m_grid.columns.size(), 1)),
            2 * margin + titleHeight + headerHeight +
                rowHeight * static_cast<qreal>(std::max<std::size_t>(m_grid.rows.size(), 1))};
}

void ValidationFigure::paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const {
    painter.save();
    painter.fillRect(area, style.background);
    // Drawn at its natural size; shrunk uniformly when the area is smaller, never stretched.
    const QSizeF natural = preferredSize();
    const qreal scale = std::min({1.0, area.width() / natural.width(), area.height() / natural.height()});
    painter.translate(area.topLeft());
    painter.scale(scale, scale);

    QFont titleFont = style.titleFont;
    QFont font = style.font;
    QFont small = style.font;
    small.setPixelSize(std::max(9, (font.pixelSize() > 0 ? font.pixelSize() : 13) - 2));
    QFont bold = font;
    bold.setBold(true);

    // Title and a one-line summary.
    painter.setPen(style.text);
    painter.setFont(titleFont);
    const QRectF titleRect(margin, margin, natural.width() - 2 * margin, 26);
    painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(titleFont).elidedText(title(), Qt::ElideRight, titleRect.width()));
    const auto failedRuns = std::count_if(m_grid.columns.begin(), m_grid.columns.end(),
                                          [](const ValidationGrid::Column& c) { return !c.success; });
    const auto failingChecks = std::count_if(m_grid.rows.begin(), m_grid.rows.end(),
                                             [](const ValidationGrid::Row& r) { return r.failures > 0; });
    painter.setFont(font);
    painter.setPen(style.mutedText);
    painter.drawText(QRectF(margin, margin + 26, natural.width() - 2 * margin, 20), Qt::AlignLeft | Qt::AlignVCenter,
                     QStringLiteral("%1 runs, oldest first; %2 failed. %3 of %4 checks failed at least once.")
                         .arg(m_grid.columns.size())
                         .arg(failedRuns)
                         .arg(failingChecks)
                         .arg(m_grid.rows.size()));

    const qreal top = margin + titleHeight;
    const qreal left = margin + labelWidth;
    // Column headers: time, then the run name; a failed run's header is marked.
    for (std::size_t c = 0; c < m_grid.columns.size(); ++c) {
        const auto& column = m_grid.columns[c];
        const QRectF cell(left + cellWidth * static_cast<qreal>(c), top, cellWidth, headerHeight);
        if (!column.success)
            painter.fillRect(QRectF(cell.left() + 2, cell.bottom() - 4, cell.width() - 4, 3), failMark());
        painter.setFont(font);
        painter.setPen(style.text);
        painter.drawText(cell.adjusted(4, 2, -4, -headerHeight / 2), Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetricsF(font).elidedText(timeText(column.timeMs), Qt::ElideRight, cellWidth - 8));
        painter.setFont(small);
        painter.setPen(style.mutedText);
        painter.drawText(cell.adjusted(4, headerHeight / 2 - 4, -4, -6), Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetricsF(small).elidedText(column.name, Qt::ElideLeft, cellWidth - 8));
    }
    painter.setPen(QPen(style.axis, 1));
    painter.drawLine(QPointF(margin, top + headerHeight), QPointF(natural.width() - margin, top + headerHeight));

    for (std::size_t r = 0; r < m_grid.rows.size(); ++r) {
        const auto& row = m_grid.rows[r];
        const qreal y = top + headerHeight + rowHeight * static_cast<qreal>(r);
        // Row label: the check, then its column (and suite when several are shown).
        if (row.failures > 0)
            painter.fillRect(QRectF(margin, y + 4, 3, rowHeight - 8), failMark());
        painter.setFont(row.failures > 0 ? bold : font);
        painter.setPen(style.text);
        painter.drawText(QRectF(margin + 8, y + 2, labelWidth - 16, rowHeight / 2), Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetricsF(painter.font()).elidedText(row.check, Qt::ElideMiddle, labelWidth - 16));
        QString sub = row.column.isEmpty() ? QStringLiteral("(table)") : row.column;
        if (m_grid.severalSuites)
            sub = row.suite + QStringLiteral(" / ") + sub;
        painter.setFont(small);
        painter.setPen(style.mutedText);
        painter.drawText(QRectF(margin + 8, y + rowHeight / 2 - 1, labelWidth - 16, rowHeight / 2 - 2),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetricsF(small).elidedText(sub, Qt::ElideRight, labelWidth - 16));
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            const auto& cell = row.cells[c];
            const QRectF box(left + cellWidth * static_cast<qreal>(c) + 1, y + 1, cellWidth - 2, rowHeight - 2);
            if (!cell.present) {
                painter.setFont(font);
                painter.setPen(style.mutedText);
                painter.drawText(box, Qt::AlignCenter, QStringLiteral("not run"));
                continue;
            }
            painter.fillRect(box, cell.success ? passFill(style) : failFill(style));
            painter.setPen(style.text);
            painter.setFont(small);
            const QString observed = QFontMetricsF(small).elidedText(cell.observed, Qt::ElideRight, box.width() - 8);
            if (cell.success) {
                // The colour says it passed; the cell shows what was observed.
                painter.drawText(box.adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter, observed);
                continue;
            }
            painter.setFont(bold);
            painter.drawText(box.adjusted(4, 1, -4, -rowHeight / 2), Qt::AlignLeft | Qt::AlignVCenter,
                             QStringLiteral("FAIL"));
            painter.setFont(small);
            painter.drawText(box.adjusted(4, rowHeight / 2 - 3, -4, -1), Qt::AlignLeft | Qt::AlignVCenter, observed);
        }
        painter.setPen(QPen(style.grid, 1));
        painter.drawLine(QPointF(margin, y + rowHeight), QPointF(natural.width() - margin, y + rowHeight));
    }
    painter.restore();
}

QString ValidationFigure::csv() const {
    QString out = QStringLiteral("suite,check,column");
    for (const auto& c : m_grid.columns)
        out += QLatin1Char(',') + csvField(runLabel(c));
    out += QLatin1Char('\n');
    for (const auto& row : m_grid.rows) {
        out += csvField(row.suite) + QLatin1Char(',') + csvField(row.check) + QLatin1Char(',') + csvField(row.column);
        for (const auto& cell : row.cells) {
            out += QLatin1Char(',');
            if (cell.present)
                out += csvField((cell.success ? QStringLiteral("pass: ") : QStringLiteral("FAIL: ")) + cell.observed);
        }
        out += QLatin1Char('\n');
    }
    return out;
}

}  // namespace runlens::ui
