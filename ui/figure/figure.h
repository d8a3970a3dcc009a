// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <QColor>
#include <QFont>
#include <QSizeF>
#include <QString>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QChart;
class QPainter;
class QPalette;
class QRectF;

namespace runlens::ui {

// Colours and fonts a figure paints with. Sizes are in logical units (pixels on screen, points in a PDF), so a
// figure lays out the same on every device; fonts use pixel sizes for the same reason.
struct FigureStyle {
    QColor background = Qt::white;
    QColor text = QColor(0x20, 0x20, 0x20);
    QColor mutedText = QColor(0x60, 0x60, 0x60);
    QColor grid = QColor(0xe0, 0xe0, 0xe0);
    QColor axis = QColor(0x80, 0x80, 0x80);
    QColor highlight = QColor(0x1f, 0x6f, 0xd0);
    QFont font;       // body text
    QFont titleFont;  // figure title
    bool dark = false;

    // Light, print-friendly style used for every export and the PDF report.
    static FigureStyle forPrint();
    // Follows the widget's palette (light or dark) on screen.
    static FigureStyle forScreen(const QPalette& palette);
};

// Anything that can paint itself at any size on any QPainter: a widget on screen, a PNG, an SVG, a PDF page.
// Views keep their data in a Figure and paint it through paint(), so exports and reports use the same code.
class Figure {
public:
    virtual ~Figure() = default;
    virtual QString title() const = 0;
    // The size an export gets when none is asked for, in logical units.
    virtual QSizeF preferredSize() const { return {960, 600}; }
    virtual void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const = 0;
    // The numbers behind the figure as CSV (RFC 4180, header row first).
    virtual QString csv() const = 0;
};

enum class ExportFormat { png, svg, pdf, csv };

// From a file name's suffix (case-insensitive); nullopt for anything else.
std::optional<ExportFormat> exportFormatForPath(const QString& path);
// Filter string for a save dialog, PNG first.
QString exportFileFilter();
// Quotes a CSV field when it holds a comma, quote or line break.
QString csvField(const QString& text);
// A number for CSV: shortest round-trip form, "NaN"/"inf"/"-inf" for non-finite values.
QString csvNumber(double value);

// Writes the figure to path in the given format (from the suffix when not given). PNG is rendered at pixelRatio
// times the logical size. Errors name the file.
Status exportFigure(const Figure& figure, const QString& path, std::optional<ExportFormat> format = {},
                    QSizeF size = {}, qreal pixelRatio = 2.0);

// Asks where to save (remembering the last folder), exports, and reports a failure in a message box.
void exportFigureWithDialog(QWidget* parent, const Figure& figure, const QString& suggestedBaseName);

// A Qt Charts chart as a Figure: the same builder makes the chart on screen and a fresh one for each export, so
// an export never disturbs the visible chart. The builder's chart is owned by the caller of build().
class ChartFigure : public Figure {
public:
    using Builder = std::function<QChart*(const FigureStyle& style)>;
    ChartFigure(QString title, Builder build, std::function<QString()> csv, QSizeF preferred = {960, 600});

    QString title() const override { return m_title; }
    QSizeF preferredSize() const override { return m_preferred; }
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    QString csv() const override { return m_csv ? m_csv() : QString(); }

private:
    QString m_title;
    Builder m_build;
    std::function<QString()> m_csv;
    QSizeF m_preferred;
};

// A view whose current picture can be exported (File > Export, Ctrl+E exports the current tab's figure).
// Views inherit it next to QWidget; nullptr means there is nothing to export yet.
class FigureSource {
public:
    virtual ~FigureSource() = default;
    virtual std::shared_ptr<const Figure> currentFigure() const = 0;
    // File name (without suffix) suggested in the export dialog.
    virtual QString exportBaseName() const { return QStringLiteral("runlens-figure"); }
};

// Shows a Figure, repainted at the widget's size with the screen style.
class FigureWidget : public QWidget {
    Q_OBJECT
public:
    explicit FigureWidget(QWidget* parent = nullptr);
    void setFigure(std::shared_ptr<const Figure> figure);
    std::shared_ptr<const Figure> figure() const { return m_figure; }
    // Shown centred when there is no figure (an empty state that says what to do).
    void setPlaceholder(const QString& text);
    QSize sizeHint() const override { return {640, 400}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::shared_ptr<const Figure> m_figure;
    QString m_placeholder;
};

}  // namespace runlens::ui
