// SPDX-License-Identifier: MIT
#pragma once

#include "figure/figure.h"

#include <nlohmann/json.hpp>

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace runlens::ui {

// One run's validation documents, as the validation view gets them.
struct ValidationRun {
    std::int64_t runId = 0;
    QString name;
    std::optional<std::int64_t> timeMs;  // the report's timestamp (the run's start)
    std::vector<nlohmann::json> documents;
};

// Checks (rows) by runs (columns, oldest first): pass, fail, or not run, with what was observed.
struct ValidationGrid {
    struct Cell {
        bool present = false;
        bool success = false;
        QString observed;
    };
    struct Row {
        QString suite;
        QString check;
        QString column;           // empty when the check is about the whole table
        std::vector<Cell> cells;  // one per column of the grid
        int failures = 0;
    };
    struct Column {
        std::int64_t runId = 0;
        QString name;
        std::optional<std::int64_t> timeMs;
        bool success = true;
    };
    std::vector<Column> columns;
    std::vector<Row> rows;
    bool severalSuites = false;
};

// Orders the runs by time (runs without one last, by name) and lines their checks up: a check is identified by
// suite, check name, column and its occurrence among equal ones, in the order it first appears.
ValidationGrid buildValidationGrid(std::vector<ValidationRun> runs);

// The grid painted as a table, so the screen, PNG/SVG/PDF exports and the PDF report share one painter.
class ValidationFigure final : public Figure {
public:
    explicit ValidationFigure(ValidationGrid grid);

    QString title() const override;
    QSizeF preferredSize() const override;
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    QString csv() const override;

    const ValidationGrid& grid() const { return m_grid; }

private:
    ValidationGrid m_grid;
};

}  // namespace runlens::ui
