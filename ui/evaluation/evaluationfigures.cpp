// SPDX-License-Identifier: MIT
#include "evaluationfigures.h"

#include "curveview.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace runlens::ui {

namespace {

using analysis::Normalization;

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

QColor mix(const QColor& a, const QColor& b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// Sequential scale for counts and rates; diverging scale for differences (blue: fewer in B, red: more in B).
QColor sequential(const FigureStyle& style, double t) {
    return mix(style.background, QColor(0x08, 0x45, 0x94), std::sqrt(std::clamp(t, 0.0, 1.0)));
}
QColor diverging(const FigureStyle& style, double t) {
    return t < 0 ? mix(style.background, QColor(0x21, 0x66, 0xac), std::sqrt(-t))
                 : mix(style.background, QColor(0xb2, 0x18, 0x2b), std::sqrt(t));
}
QColor readableOn(const QColor& fill, const FigureStyle& style) {
    return fill.lightnessF() < 0.5 ? QColor(Qt::white) : style.text;
}

QRectF drawTitle(QPainter& painter, const QRectF& area, const FigureStyle& style, const QString& title) {
    painter.setFont(style.titleFont);
    painter.setPen(style.text);
    const qreal h = QFontMetricsF(style.titleFont).height() + 8;
    painter.drawText(QRectF(area.left() + 8, area.top() + 4, area.width() - 16, h), Qt::AlignLeft | Qt::AlignVCenter,
                     title);
    return area.adjusted(8, h + 8, -8, -8);
}

// A point of a plot whose axes both run from 0 to 1 (rates, probabilities), y upwards.
QPointF unitSquarePoint(const QRectF& plot, double x, double y) {
    return QPointF(plot.left() + x * plot.width(), plot.bottom() - y * plot.height());
}

// The grid of such a plot: a line every 0.1, a label every 0.2 under the x axis and left of the y axis.
void drawUnitSquareGrid(QPainter& painter, const QRectF& plot, const FigureStyle& style) {
    painter.setFont(style.font);
    for (int i = 0; i <= 10; ++i) {
        const double v = i / 10.0;
        painter.setPen(QPen(style.grid, 1));
        painter.drawLine(unitSquarePoint(plot, v, 0), unitSquarePoint(plot, v, 1));
        painter.drawLine(unitSquarePoint(plot, 0, v), unitSquarePoint(plot, 1, v));
        if (i % 2 == 0) {
            painter.setPen(style.mutedText);
            painter.drawText(QRectF(unitSquarePoint(plot, v, 0).x() - 20, plot.bottom() + 2, 40, 16), Qt::AlignCenter,
                             QString::number(v, 'f', 1));
            painter.drawText(QRectF(plot.left() - 40, unitSquarePoint(plot, 0, v).y() - 8, 34, 16),
                             Qt::AlignRight | Qt::AlignVCenter, QString::number(v, 'f', 1));
        }
    }
}

QString percent(double rate) {
    return std::isnan(rate) ? QStringLiteral("-") : QString::number(rate * 100.0, 'f', 1) + QLatin1Char('%');
}

QString runTitle(const RunEvaluation& r) {
    return r.runName;
}

// Draws the labels of a matrix: rows left of it, columns above it (rotated), elided to fit.
void drawAxisLabels(QPainter& painter, const QRectF& matrix, const std::vector<std::string>& labels, qreal cell,
                    qreal room, const FigureStyle& style, bool rows, bool columns) {
    if (cell < 7)
        return;
    QFont font = style.font;
    font.setPixelSize(static_cast<int>(std::clamp(cell * 0.55, 7.0, 12.0)));
    painter.setFont(font);
    painter.setPen(style.mutedText);
    const QFontMetricsF metrics(font);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const QString label = metrics.elidedText(text(labels[i]), Qt::ElideMiddle, room - 4);
        const qreal at = static_cast<qreal>(i) * cell;
        if (rows)
            painter.drawText(QRectF(matrix.left() - room, matrix.top() + at, room - 4, cell),
                             Qt::AlignRight | Qt::AlignVCenter, label);
        if (columns) {
            painter.save();
            painter.translate(matrix.left() + at + cell / 2, matrix.top() - 4);
            painter.rotate(-90);
            painter.drawText(QRectF(0, -cell / 2, room - 4, cell), Qt::AlignLeft | Qt::AlignVCenter, label);
            painter.restore();
        }
    }
}

qreal labelRoom(const std::vector<std::string>& labels, const FigureStyle& style) {
    const QFontMetricsF metrics(style.font);
    qreal widest = 30;
    for (const auto& l : labels)
        widest = std::max(widest, metrics.horizontalAdvance(text(l)));
    return std::min<qreal>(widest + 10, 120);
}

void drawScale(QPainter& painter, const QRectF& bar, const FigureStyle& style, bool divergingScale, double maximum,
               const QString& caption) {
    const int steps = 64;
    for (int i = 0; i < steps; ++i) {
        const double t = static_cast<double>(i) / (steps - 1);
        const QColor c = divergingScale ? diverging(style, t * 2 - 1) : sequential(style, t);
        painter.fillRect(
            QRectF(bar.left() + bar.width() * i / steps, bar.top(), bar.width() / steps + 0.5, bar.height()), c);
    }
    painter.setPen(style.axis);
    painter.drawRect(bar);
    painter.setFont(style.font);
    painter.setPen(style.mutedText);
    const QString low = divergingScale ? QStringLiteral("-") + QString::number(maximum, 'g', 3) : QStringLiteral("0");
    painter.drawText(QRectF(bar.left() - 60, bar.top(), 56, bar.height()), Qt::AlignRight | Qt::AlignVCenter, low);
    painter.drawText(QRectF(bar.right() + 4, bar.top() - 4, 480, bar.height() + 8), Qt::AlignLeft | Qt::AlignVCenter,
                     QString::number(maximum, 'g', 3) + QStringLiteral("   ") + caption);
}

std::vector<analysis::ConfusionMatrix> matricesOf(const std::vector<RunEvaluation>& runs) {
    std::vector<analysis::ConfusionMatrix> out;
    for (const auto& r : runs)
        out.push_back(r.evaluation.confusion);
    return out;
}

}  // namespace

QString normalizationName(Normalization how) {
    switch (how) {
    case Normalization::None:
        return QStringLiteral("counts");
    case Normalization::TrueRow:
        return QStringLiteral("rates by true label (recall on the diagonal)");
    case Normalization::PredictedColumn:
        return QStringLiteral("rates by predicted label (precision on the diagonal)");
    case Normalization::All:
        return QStringLiteral("share of all samples");
    }
    return {};
}

QString metricText(std::optional<double> value) {
    if (!value)
        return QStringLiteral("-");
    if (std::isnan(*value))
        return QStringLiteral("NaN");
    return QString::number(*value, 'f', 4);
}

// ---------------------------------------------------------------------------------------------------------------
// Confusion matrices side by side

ConfusionGridFigure::ConfusionGridFigure(std::vector<RunEvaluation> runs, Normalization how)
    : m_runs(std::move(runs)), m_how(how) {
    const auto matrices = matricesOf(m_runs);
    m_aligned = analysis::alignConfusionMatrices(matrices);
    for (const auto& run : m_aligned.runs) {
        analysis::ConfusionMatrix m{m_aligned.labels, run.counts};
        std::vector<double> rates = analysis::normalized(m, how == Normalization::None ? Normalization::All : how);
        m_rates.push_back(std::move(rates));
    }
    const std::size_t k = m_aligned.labels.size();
    for (std::size_t r = 0; r < m_runs.size(); ++r)
        for (std::size_t t = 0; t < k; ++t)
            for (std::size_t p = 0; p < k; ++p)
                if (m_aligned.cell(r, t, p))
                    m_maximum = std::max(m_maximum, value(r, t, p));
    if (m_maximum <= 0)
        m_maximum = 1;
}

double ConfusionGridFigure::value(std::size_t run, std::size_t t, std::size_t p) const {
    const std::size_t k = m_aligned.labels.size();
    if (m_how == Normalization::None)
        return static_cast<double>(m_aligned.runs[run].counts[t * k + p]);
    return m_rates[run][t * k + p];
}

QString ConfusionGridFigure::title() const {
    return QStringLiteral("Confusion matrices: rows true label, columns predicted; colour: ") +
           normalizationName(m_how);
}

QSizeF ConfusionGridFigure::preferredSize() const {
    const qreal k = static_cast<qreal>(m_aligned.labels.size());
    const qreal cell = k >= heatMapFrom ? 8 : std::max<qreal>(34, 60 - k);
    const qreal side = k >= heatMapFrom ? 260 : 0;
    return {std::max<qreal>(700, static_cast<qreal>(m_runs.size()) * (k * cell + 140) + side + 40),
            std::max<qreal>(460, k * cell + 220)};
}

QString ConfusionGridFigure::cellText(std::size_t run, std::size_t t, std::size_t p) const {
    const auto count = m_aligned.cell(run, t, p);
    if (!count)
        return QStringLiteral("missing");
    const std::size_t k = m_aligned.labels.size();
    if (m_how == Normalization::None)
        return QString::number(*count) + QLatin1Char('\n') + percent(m_rates[run][t * k + p]);
    return QString::number(*count) + QLatin1Char('\n') + percent(m_rates[run][t * k + p]);
}

std::vector<std::tuple<std::size_t, std::size_t, std::int64_t>>
ConfusionGridFigure::topConfusions(std::size_t run, std::size_t limit) const {
    std::vector<std::tuple<std::size_t, std::size_t, std::int64_t>> cells;
    const std::size_t k = m_aligned.labels.size();
    for (std::size_t t = 0; t < k; ++t)
        for (std::size_t p = 0; p < k; ++p)
            if (t != p && m_aligned.runs[run].counts[t * k + p] > 0)
                cells.emplace_back(t, p, m_aligned.runs[run].counts[t * k + p]);
    std::stable_sort(cells.begin(), cells.end(),
                     [](const auto& a, const auto& b) { return std::get<2>(a) > std::get<2>(b); });
    if (cells.size() > limit)
        cells.resize(limit);
    return cells;
}

ConfusionGridFigure::Layout ConfusionGridFigure::layoutFor(const QRectF& area, const FigureStyle& style) const {
    Layout l;
    const qreal titleHeight = QFontMetricsF(style.titleFont).height() + 8;
    l.body = area.adjusted(8, titleHeight + 8, -8, -8);  // as drawTitle leaves it
    const std::size_t k = std::max<std::size_t>(1, m_aligned.labels.size());
    const std::size_t n = std::max<std::size_t>(1, m_runs.size());
    const qreal side = k >= heatMapFrom ? 250 : 0;
    const qreal scaleHeight = 34;
    l.room = labelRoom(m_aligned.labels, style);
    l.runTitleHeight = QFontMetricsF(style.font).height() + 6;
    l.panelWidth = (l.body.width() - side - l.gap * static_cast<qreal>(n - 1)) / static_cast<qreal>(n);
    l.size =
        std::max<qreal>(10, std::min(l.panelWidth - l.room, l.body.height() - l.room - l.runTitleHeight - scaleHeight));
    return l;
}

QRectF ConfusionGridFigure::Layout::matrix(std::size_t run) const {
    const qreal left = body.left() + static_cast<qreal>(run) * (panelWidth + gap);
    return {left + room, body.top() + runTitleHeight + room, size, size};
}

std::optional<std::tuple<std::size_t, std::size_t, std::size_t>>
ConfusionGridFigure::cellAt(const QRectF& area, const FigureStyle& style, const QPointF& point) const {
    const std::size_t k = m_aligned.labels.size();
    if (k == 0)
        return std::nullopt;
    const Layout layout = layoutFor(area, style);
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        const QRectF matrix = layout.matrix(r);
        if (!matrix.contains(point))
            continue;
        const qreal cell = matrix.width() / static_cast<qreal>(k);
        return std::tuple{r, std::min(k - 1, static_cast<std::size_t>((point.y() - matrix.top()) / cell)),
                          std::min(k - 1, static_cast<std::size_t>((point.x() - matrix.left()) / cell))};
    }
    return std::nullopt;
}

QString ConfusionGridFigure::describe(std::size_t run, std::size_t t, std::size_t p) const {
    return m_runs[run].runName + QStringLiteral("\ntrue: ") + text(m_aligned.labels[t]) +
           QStringLiteral("\npredicted: ") + text(m_aligned.labels[p]) + QStringLiteral("\n") +
           cellText(run, t, p).replace(QLatin1Char('\n'), QStringLiteral(", "));
}

void ConfusionGridFigure::paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const {
    painter.fillRect(area, style.background);
    QRectF body = drawTitle(painter, area, style, title());
    const std::size_t k = m_aligned.labels.size();
    const std::size_t n = m_runs.size();
    if (k == 0 || n == 0)
        return;
    const bool heatMap = k >= heatMapFrom;
    const qreal side = heatMap ? 250 : 0;
    const qreal scaleHeight = 34;
    const Layout layout = layoutFor(area, style);
    const qreal room = layout.room;
    const qreal runTitleHeight = layout.runTitleHeight;
    const qreal gap = layout.gap;
    const qreal panelWidth = layout.panelWidth;
    const qreal size = layout.size;
    const qreal cell = size / static_cast<qreal>(k);
    QFont cellFont = style.font;
    cellFont.setPixelSize(static_cast<int>(std::clamp(cell * 0.28, 7.0, 12.0)));
    const bool twoLines = cell >= 30;
    const bool oneLine = cell >= 18;

    for (std::size_t r = 0; r < n; ++r) {
        const qreal left = body.left() + static_cast<qreal>(r) * (panelWidth + gap);
        painter.setFont(style.font);
        painter.setPen(runColour(m_runs[r].cacheId));
        painter.drawText(QRectF(left, body.top(), panelWidth, runTitleHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         QFontMetricsF(style.font)
                             .elidedText(runTitle(m_runs[r]) + QStringLiteral("  (") + text(m_runs[r].evaluation.name) +
                                             QLatin1Char(')'),
                                         Qt::ElideMiddle, panelWidth));
        const QRectF matrix = layout.matrix(r);
        drawAxisLabels(painter, matrix, m_aligned.labels, cell, room, style, true, true);
        for (std::size_t t = 0; t < k; ++t) {
            for (std::size_t p = 0; p < k; ++p) {
                const QRectF box(matrix.left() + static_cast<qreal>(p) * cell,
                                 matrix.top() + static_cast<qreal>(t) * cell, cell, cell);
                if (!m_aligned.cell(r, t, p)) {
                    painter.fillRect(box, QBrush(style.grid, Qt::BDiagPattern));
                    if (oneLine) {
                        painter.setFont(cellFont);
                        painter.setPen(style.mutedText);
                        painter.drawText(box, Qt::AlignCenter, QStringLiteral("missing"));
                    }
                    continue;
                }
                const QColor fill = sequential(style, value(r, t, p) / m_maximum);
                painter.fillRect(box, fill);
                if (oneLine) {
                    painter.setFont(cellFont);
                    painter.setPen(readableOn(fill, style));
                    const QString shown = cellText(r, t, p);
                    painter.drawText(box, Qt::AlignCenter, twoLines ? shown : shown.section(QLatin1Char('\n'), 0, 0));
                }
            }
        }
        painter.setPen(style.axis);
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(matrix);
    }
    drawScale(
        painter,
        QRectF(body.left() + room + 60, body.bottom() - scaleHeight + 10, std::min<qreal>(260, body.width() / 3), 12),
        style, false, m_maximum, normalizationName(m_how));

    if (heatMap) {
        // The cells are too small to read: list the largest confusions of each run instead.
        QRectF list(body.right() - side + 10, body.top(), side - 10, body.height());
        painter.setFont(style.titleFont);
        painter.setPen(style.text);
        painter.drawText(QRectF(list.left(), list.top(), list.width(), 20), Qt::AlignLeft,
                         QStringLiteral("Top confusions"));
        qreal y = list.top() + 24;
        QFont small = style.font;
        const QFontMetricsF metrics(small);
        const std::size_t each = std::max<std::size_t>(
            3, static_cast<std::size_t>((list.height() - 24) / metrics.height() / static_cast<double>(n)) - 2);
        for (std::size_t r = 0; r < n; ++r) {
            painter.setFont(small);
            painter.setPen(runColour(m_runs[r].cacheId));
            painter.drawText(QPointF(list.left(), y + metrics.ascent()),
                             metrics.elidedText(runTitle(m_runs[r]), Qt::ElideRight, list.width()));
            y += metrics.height();
            painter.setPen(style.text);
            for (const auto& [t, p, count] : topConfusions(r, each)) {
                const QString line = QString::number(count) + QStringLiteral("  ") + text(m_aligned.labels[t]) +
                                     QStringLiteral(" \u2192 ") + text(m_aligned.labels[p]);
                painter.drawText(QPointF(list.left() + 8, y + metrics.ascent()),
                                 metrics.elidedText(line, Qt::ElideMiddle, list.width() - 8));
                y += metrics.height();
            }
            y += 6;
        }
    }
}

QString ConfusionGridFigure::csv() const {
    QString out = QStringLiteral("run,evaluation,true,predicted,count,rate,normalization\n");
    const std::size_t k = m_aligned.labels.size();
    for (std::size_t r = 0; r < m_runs.size(); ++r)
        for (std::size_t t = 0; t < k; ++t)
            for (std::size_t p = 0; p < k; ++p) {
                const auto count = m_aligned.cell(r, t, p);
                out += csvField(m_runs[r].runName) + QLatin1Char(',') + csvField(text(m_runs[r].evaluation.name)) +
                       QLatin1Char(',') + csvField(text(m_aligned.labels[t])) + QLatin1Char(',') +
                       csvField(text(m_aligned.labels[p])) + QLatin1Char(',') +
                       (count ? QString::number(*count) : QString()) + QLatin1Char(',') +
                       (count ? csvNumber(m_rates[r][t * k + p]) : QString()) + QLatin1Char(',') +
                       csvField(normalizationName(m_how == Normalization::None ? Normalization::All : m_how)) +
                       QLatin1Char('\n');
            }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Difference B - A

ConfusionDifferenceFigure::ConfusionDifferenceFigure(RunEvaluation a, RunEvaluation b, Normalization how)
    : m_grid({a, b}, how), m_runs({std::move(a), std::move(b)}), m_how(how) {}

QString ConfusionDifferenceFigure::title() const {
    return QStringLiteral("Difference B \u2212 A (") + normalizationName(m_how) + QStringLiteral("): A = ") +
           m_runs[0].runName + QStringLiteral(", B = ") + m_runs[1].runName;
}

std::optional<double> ConfusionDifferenceFigure::difference(std::size_t t, std::size_t p) const {
    const auto& aligned = m_grid.aligned();
    if (!aligned.cell(0, t, p) || !aligned.cell(1, t, p))
        return std::nullopt;
    const std::size_t k = aligned.labels.size();
    if (m_how == Normalization::None)
        return static_cast<double>(aligned.runs[1].counts[t * k + p] - aligned.runs[0].counts[t * k + p]);
    const auto rate = [&](std::size_t run) {
        analysis::ConfusionMatrix m{aligned.labels, aligned.runs[run].counts};
        return analysis::normalized(m, m_how)[t * k + p];
    };
    return rate(1) - rate(0);
}

std::vector<std::pair<std::size_t, std::size_t>> ConfusionDifferenceFigure::mostChanged(std::size_t limit) const {
    std::vector<std::pair<double, std::pair<std::size_t, std::size_t>>> cells;
    const std::size_t k = labels().size();
    for (std::size_t t = 0; t < k; ++t)
        for (std::size_t p = 0; p < k; ++p)
            if (auto d = difference(t, p); d && *d != 0)
                cells.push_back({std::fabs(*d), {t, p}});
    std::stable_sort(cells.begin(), cells.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t i = 0; i < cells.size() && i < limit; ++i)
        out.push_back(cells[i].second);
    return out;
}

QRectF ConfusionDifferenceFigure::matrixRect(const QRectF& area) const {
    const qreal titleHeight = 40;
    const qreal side = 300;
    const qreal room = 120;
    const qreal size =
        std::max<qreal>(10, std::min(area.width() - side - room - 24, area.height() - titleHeight - room - 50));
    return {area.left() + 8 + room, area.top() + titleHeight + room, size, size};
}

std::optional<std::pair<std::size_t, std::size_t>> ConfusionDifferenceFigure::cellAt(const QRectF& area,
                                                                                     const QPointF& point) const {
    const QRectF matrix = matrixRect(area);
    const std::size_t k = labels().size();
    if (k == 0 || !matrix.contains(point))
        return std::nullopt;
    const qreal cell = matrix.width() / static_cast<qreal>(k);
    const auto p = std::min(k - 1, static_cast<std::size_t>((point.x() - matrix.left()) / cell));
    const auto t = std::min(k - 1, static_cast<std::size_t>((point.y() - matrix.top()) / cell));
    return std::pair{t, p};
}

QString ConfusionDifferenceFigure::detail(std::size_t t, std::size_t p) const {
    const auto& l = labels();
    QString out =
        QStringLiteral("true ") + text(l[t]) + QStringLiteral(", predicted ") + text(l[p]) + QStringLiteral(":  ");
    for (std::size_t r = 0; r < 2; ++r) {
        out += (r == 0 ? QStringLiteral("A ") : QStringLiteral("   B ")) + m_runs[r].runName + QStringLiteral(" ") +
               m_grid.cellText(r, t, p).replace(QLatin1Char('\n'), QStringLiteral(" ("));
        if (m_grid.aligned().cell(r, t, p))
            out += QLatin1Char(')');
    }
    if (auto d = difference(t, p))
        out += QStringLiteral("   B \u2212 A ") + (m_how == Normalization::None
                                                       ? QString::number(*d, 'f', 0)
                                                       : QString::number(*d * 100, 'f', 1) + QStringLiteral(" points"));
    return out;
}

void ConfusionDifferenceFigure::paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const {
    painter.fillRect(area, style.background);
    drawTitle(painter, area, style, title());
    const std::size_t k = labels().size();
    if (k == 0)
        return;
    const QRectF matrix = matrixRect(area);
    const qreal cell = matrix.width() / static_cast<qreal>(k);
    double maximum = 0;
    for (std::size_t t = 0; t < k; ++t)
        for (std::size_t p = 0; p < k; ++p)
            if (auto d = difference(t, p))
                maximum = std::max(maximum, std::fabs(*d));
    if (maximum == 0)
        maximum = 1;
    drawAxisLabels(painter, matrix, labels(), cell, 120, style, true, true);
    QFont cellFont = style.font;
    cellFont.setPixelSize(static_cast<int>(std::clamp(cell * 0.3, 7.0, 12.0)));
    for (std::size_t t = 0; t < k; ++t) {
        for (std::size_t p = 0; p < k; ++p) {
            const QRectF box(matrix.left() + static_cast<qreal>(p) * cell, matrix.top() + static_cast<qreal>(t) * cell,
                             cell, cell);
            const auto d = difference(t, p);
            if (!d) {
                painter.fillRect(box, QBrush(style.grid, Qt::BDiagPattern));
                continue;
            }
            const QColor fill = diverging(style, *d / maximum);
            painter.fillRect(box, fill);
            if (cell >= 22 && *d != 0) {
                painter.setFont(cellFont);
                painter.setPen(readableOn(fill, style));
                painter.drawText(box, Qt::AlignCenter,
                                 m_how == Normalization::None ? QString::number(*d, 'f', 0)
                                                              : QString::number(*d * 100, 'f', 1));
            }
        }
    }
    painter.setPen(style.axis);
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(matrix);
    drawScale(painter, QRectF(matrix.left() + 60, matrix.bottom() + 16, std::min<qreal>(240, matrix.width()), 12),
              style, true, m_how == Normalization::None ? maximum : maximum * 100,
              m_how == Normalization::None ? QStringLiteral("samples") : QStringLiteral("percentage points"));

    // The cells that changed most.
    const QRectF list(matrix.right() + 24, matrix.top() - 100, area.right() - matrix.right() - 32,
                      matrix.height() + 100);
    painter.setFont(style.titleFont);
    painter.setPen(style.text);
    painter.drawText(QRectF(list.left(), list.top(), list.width(), 20), Qt::AlignLeft,
                     QStringLiteral("Most changed cells"));
    const QFontMetricsF metrics(style.font);
    painter.setFont(style.font);
    qreal y = list.top() + 26;
    for (const auto& [t, p] :
         mostChanged(static_cast<std::size_t>(std::max(1.0, (list.height() - 30) / metrics.height())))) {
        const double d = *difference(t, p);
        const QString amount = m_how == Normalization::None ? QString::number(d, 'f', 0)
                                                            : QString::number(d * 100, 'f', 1) + QStringLiteral(" pt");
        painter.setPen(d > 0 ? QColor(0xb2, 0x18, 0x2b) : QColor(0x21, 0x66, 0xac));
        painter.drawText(QPointF(list.left(), y + metrics.ascent()),
                         (d > 0 ? QStringLiteral("+") : QString()) + amount);
        painter.setPen(style.text);
        painter.drawText(QPointF(list.left() + 64, y + metrics.ascent()),
                         metrics.elidedText(text(labels()[t]) + QStringLiteral(" \u2192 ") + text(labels()[p]),
                                            Qt::ElideMiddle, list.width() - 64));
        y += metrics.height();
        if (y > list.bottom())
            break;
    }
}

QString ConfusionDifferenceFigure::csv() const {
    QString out = QStringLiteral("true,predicted,count_a,count_b,difference\n");
    const std::size_t k = labels().size();
    for (std::size_t t = 0; t < k; ++t)
        for (std::size_t p = 0; p < k; ++p) {
            const auto a = m_grid.aligned().cell(0, t, p);
            const auto b = m_grid.aligned().cell(1, t, p);
            const auto d = difference(t, p);
            out += csvField(text(labels()[t])) + QLatin1Char(',') + csvField(text(labels()[p])) + QLatin1Char(',') +
                   (a ? QString::number(*a) : QString()) + QLatin1Char(',') + (b ? QString::number(*b) : QString()) +
                   QLatin1Char(',') + (d ? csvNumber(*d) : QString()) + QLatin1Char('\n');
        }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Calibration

CalibrationFigure::CalibrationFigure(std::vector<RunEvaluation> runs, std::string classLabel)
    : m_runs(std::move(runs)), m_class(std::move(classLabel)) {}

QString CalibrationFigure::title() const {
    return m_class.empty() ? QStringLiteral("Calibration: top label (multi-class) or positive class (binary)")
                           : QStringLiteral("Calibration: class ") + text(m_class) + QStringLiteral(" one-vs-rest");
}

const analysis::ReliabilityDiagram* CalibrationFigure::diagram(std::size_t run) const {
    const auto& e = m_runs[run].evaluation;
    if (m_class.empty())
        return e.reliability ? &*e.reliability : nullptr;
    if (e.binary() && e.reliability && m_class == e.positiveLabel)
        return &*e.reliability;
    const auto index = e.confusion.indexOf(m_class);
    if (!index || *index >= e.perClassReliability.size())
        return nullptr;
    return &e.perClassReliability[*index];
}

std::vector<std::vector<QString>> CalibrationFigure::tableRows() const {
    std::vector<std::vector<QString>> rows;
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        const auto* d = diagram(r);
        const auto& e = m_runs[r].evaluation;
        // Brier and log loss belong to the whole model, not to one class.
        const bool whole = m_class.empty() || (e.binary() && m_class == e.positiveLabel);
        rows.push_back({m_runs[r].runName, metricText(d ? std::optional(d->ece) : std::nullopt),
                        metricText(d ? std::optional(d->mce) : std::nullopt),
                        metricText(whole ? e.brier : std::nullopt), metricText(whole ? e.logLoss : std::nullopt)});
    }
    return rows;
}

std::vector<std::optional<std::size_t>> CalibrationFigure::bestRows() const {
    const auto rows = tableRows();
    std::vector<std::optional<std::size_t>> best(4);
    for (std::size_t c = 0; c < 4; ++c) {
        double lowest = 0;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            bool ok = false;
            const double v = rows[r][c + 1].toDouble(&ok);
            if (ok && (!best[c] || v < lowest)) {
                best[c] = r;
                lowest = v;
            }
        }
    }
    return best;
}

void CalibrationFigure::paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const {
    painter.fillRect(area, style.background);
    const QRectF body = drawTitle(painter, area, style, title());
    const QFontMetricsF metrics(style.font);
    const qreal axisRoom = 46;
    // The table goes right of the plots when there is room, else under them.
    const bool tableRight = body.width() >= 820;
    const qreal tableWidth = tableRight ? std::min<qreal>(600, body.width() * 0.48) : body.width();
    const qreal tableHeight = tableRight ? 0 : metrics.height() * static_cast<qreal>(m_runs.size() + 1) + 16;
    const qreal left = tableRight ? body.width() - tableWidth - 24 : body.width();
    const qreal free = body.height() - tableHeight - 2 * axisRoom - 8;
    const qreal size = std::max<qreal>(40, std::min(left - axisRoom - 8, free * 0.74));
    const QRectF plot(body.left() + axisRoom, body.top() + 8, std::min(left - axisRoom - 8, size * 1.25), size);
    const QRectF hist(plot.left(), plot.bottom() + axisRoom, plot.width(), std::max<qreal>(20, free - size));
    const QPointF tableAt =
        tableRight ? QPointF(plot.right() + 40, body.top() + 8) : QPointF(body.left(), hist.bottom() + 22);
    auto toPoint = [&](double x, double y) {
        return unitSquarePoint(plot, x, y);
    };

    // Grid, axes and the diagonal.
    drawUnitSquareGrid(painter, plot, style);
    painter.setPen(QPen(style.axis, 1, Qt::DashLine));
    painter.drawLine(toPoint(0, 0), toPoint(1, 1));
    painter.setPen(style.mutedText);
    painter.drawText(QRectF(plot.left(), plot.bottom() + 16, plot.width(), 16), Qt::AlignCenter,
                     QStringLiteral("mean predicted probability (confidence)"));
    painter.save();
    painter.translate(body.left() + 8, plot.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-plot.height() / 2, -8, plot.height(), 16), Qt::AlignCenter,
                     QStringLiteral("observed frequency"));
    painter.restore();

    painter.setRenderHint(QPainter::Antialiasing, true);
    std::int64_t histogramMax = 0;
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        const auto* d = diagram(r);
        if (!d)
            continue;
        const QColor colour = runColour(m_runs[r].cacheId);
        // Wilson band: upper edge forwards, lower edge back.
        QPolygonF band;
        QPolygonF line;
        for (const auto& b : d->bins)
            if (b.count > 0) {
                band << toPoint(b.meanConfidence, b.wilsonHigh);
                line << toPoint(b.meanConfidence, b.observed);
            }
        for (auto it = d->bins.rbegin(); it != d->bins.rend(); ++it)
            if (it->count > 0)
                band << toPoint(it->meanConfidence, it->wilsonLow);
        QColor fill = colour;
        fill.setAlphaF(0.16f);
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawPolygon(band);
        painter.setPen(QPen(colour, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawPolyline(line);
        painter.setBrush(colour);
        for (const QPointF& p : line)
            painter.drawEllipse(p, 3, 3);
        for (const auto& b : d->bins)
            histogramMax = std::max(histogramMax, b.count);
    }
    painter.setRenderHint(QPainter::Antialiasing, false);

    // Confidence histogram: each bin's share of the run's samples, runs side by side within a bin.
    painter.setPen(style.axis);
    painter.setBrush(Qt::NoBrush);
    painter.drawLine(hist.bottomLeft(), hist.bottomRight());
    painter.setPen(style.mutedText);
    painter.drawText(QRectF(hist.left(), hist.bottom() + 2, body.width(), 16), Qt::AlignLeft | Qt::AlignVCenter,
                     QStringLiteral("confidence histogram (share of each run's samples per bin)"));
    double shareMax = 0;
    for (std::size_t r = 0; r < m_runs.size(); ++r)
        if (const auto* d = diagram(r); d && d->total > 0)
            for (const auto& b : d->bins)
                shareMax = std::max(shareMax, static_cast<double>(b.count) / static_cast<double>(d->total));
    if (shareMax > 0) {
        const qreal n = static_cast<qreal>(m_runs.size());
        for (std::size_t r = 0; r < m_runs.size(); ++r) {
            const auto* d = diagram(r);
            if (!d || d->total == 0)
                continue;
            for (const auto& b : d->bins) {
                const qreal x0 = hist.left() + b.lower * hist.width();
                const qreal w = (b.upper - b.lower) * hist.width() / n;
                const qreal h = static_cast<double>(b.count) / static_cast<double>(d->total) / shareMax * hist.height();
                painter.fillRect(
                    QRectF(x0 + w * static_cast<qreal>(r), hist.bottom() - h, std::max<qreal>(1, w - 1), h),
                    runColour(m_runs[r].cacheId));
            }
        }
    }

    // Metrics table, best per column in bold with a marker.
    const auto rows = tableRows();
    const auto best = bestRows();
    const QStringList header{QStringLiteral("run"), QStringLiteral("ECE"), QStringLiteral("MCE"),
                             QStringLiteral("Brier"), QStringLiteral("log loss")};
    const qreal tableTop = tableAt.y();
    const qreal first = std::min<qreal>(220, tableWidth * 0.4);
    const qreal column = std::min<qreal>(110, (tableWidth - first) / 4);
    QFont bold = style.font;
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(style.text);
    for (int c = 0; c < header.size(); ++c)
        painter.drawText(QRectF(tableAt.x() + (c == 0 ? 0 : first + column * (c - 1)), tableTop,
                                c == 0 ? first : column, metrics.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, header[c]);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const qreal y = tableTop + metrics.height() * static_cast<qreal>(r + 1);
        painter.fillRect(QRectF(tableAt.x(), y + 3, 10, metrics.height() - 6), runColour(m_runs[r].cacheId));
        painter.setFont(style.font);
        painter.setPen(style.text);
        painter.drawText(QRectF(tableAt.x() + 14, y, first - 14, metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(rows[r][0], Qt::ElideMiddle, first - 18));
        for (std::size_t c = 0; c < 4; ++c) {
            const bool isBest = best[c] && *best[c] == r && rows.size() > 1;
            painter.setFont(isBest ? bold : style.font);
            painter.setPen(isBest ? style.highlight : style.text);
            painter.drawText(QRectF(tableAt.x() + first + column * static_cast<qreal>(c), y, column, metrics.height()),
                             Qt::AlignLeft | Qt::AlignVCenter,
                             rows[r][c + 1] + (isBest ? QStringLiteral(" \u2605") : QString()));
        }
    }
    if (rows.size() > 1) {
        painter.setFont(style.font);
        painter.setPen(style.mutedText);
        painter.drawText(QPointF(tableAt.x(), tableTop + metrics.height() * static_cast<qreal>(rows.size() + 1) + 8 +
                                                  metrics.ascent()),
                         QStringLiteral("\u2605 best (lowest) in its column; bands: 95% Wilson intervals"));
    }
}

QString CalibrationFigure::csv() const {
    QString out = QStringLiteral(
        "run,class,lower,upper,count,mean_confidence,observed,wilson_low,wilson_high,ece,mce,brier,log_loss\n");
    const auto rows = tableRows();
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        const auto* d = diagram(r);
        if (!d)
            continue;
        for (const auto& b : d->bins)
            out += csvField(m_runs[r].runName) + QLatin1Char(',') +
                   csvField(m_class.empty() ? QStringLiteral("top label") : text(m_class)) + QLatin1Char(',') +
                   csvNumber(b.lower) + QLatin1Char(',') + csvNumber(b.upper) + QLatin1Char(',') +
                   QString::number(b.count) + QLatin1Char(',') + csvNumber(b.meanConfidence) + QLatin1Char(',') +
                   csvNumber(b.observed) + QLatin1Char(',') + csvNumber(b.wilsonLow) + QLatin1Char(',') +
                   csvNumber(b.wilsonHigh) + QLatin1Char(',') + rows[r][1] + QLatin1Char(',') + rows[r][2] +
                   QLatin1Char(',') + rows[r][3] + QLatin1Char(',') + rows[r][4] + QLatin1Char('\n');
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// ROC and PR

RankingCurvesFigure::RankingCurvesFigure(std::vector<RunEvaluation> runs, std::string classLabel)
    : m_runs(std::move(runs)), m_class(std::move(classLabel)) {}

QString RankingCurvesFigure::title() const {
    return m_class.empty()
               ? QStringLiteral("ROC and precision-recall")
               : QStringLiteral("ROC and precision-recall: class ") + text(m_class) + QStringLiteral(" one-vs-rest");
}

std::pair<const analysis::RocCurve*, const analysis::PrecisionRecallCurve*>
RankingCurvesFigure::curves(std::size_t run) const {
    const auto& e = m_runs[run].evaluation;
    if (m_class.empty() || (e.binary() && m_class == e.positiveLabel))
        return {e.roc ? &*e.roc : nullptr, e.pr ? &*e.pr : nullptr};
    const auto index = e.confusion.indexOf(m_class);
    if (!index || *index >= e.perClassRoc.size() || !e.perClassRoc[*index])
        return {nullptr, nullptr};
    const auto& pr = e.perClassPr[*index];
    return {&*e.perClassRoc[*index], pr ? &*pr : nullptr};
}

std::vector<QString> RankingCurvesFigure::legend(bool roc) const {
    std::vector<QString> out;
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        const auto [rocCurve, prCurve] = curves(r);
        const auto& e = m_runs[r].evaluation;
        const QString none = m_class.empty() && !e.binary() && !e.perClassRoc.empty()
                                 ? QStringLiteral("  (multi-class: pick a class)")
                                 : QStringLiteral("  (no scores)");
        if (roc)
            out.push_back(m_runs[r].runName +
                          (rocCurve ? QStringLiteral("  AUC ") + QString::number(rocCurve->auc, 'f', 4) : none));
        else
            out.push_back(
                m_runs[r].runName +
                (prCurve ? QStringLiteral("  AP ") + QString::number(prCurve->averagePrecision, 'f', 4) : none));
    }
    return out;
}

void RankingCurvesFigure::paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const {
    painter.fillRect(area, style.background);
    const QRectF body = drawTitle(painter, area, style, title());
    const QFontMetricsF metrics(style.font);
    const qreal legendHeight = metrics.height() * static_cast<qreal>(m_runs.size()) + 10;
    const qreal gap = 60;
    const qreal size = std::min((body.width() - gap * 2) / 2, body.height() - legendHeight - 70);
    for (int panel = 0; panel < 2; ++panel) {
        const bool roc = panel == 0;
        const QRectF plot(body.left() + 50 + static_cast<qreal>(panel) * (size + gap), body.top() + 26, size, size);
        auto toPoint = [&](double x, double y) {
            return unitSquarePoint(plot, x, y);
        };
        drawUnitSquareGrid(painter, plot, style);
        painter.setPen(style.mutedText);
        painter.drawText(QRectF(plot.left(), plot.bottom() + 16, plot.width(), 16), Qt::AlignCenter,
                         roc ? QStringLiteral("false positive rate") : QStringLiteral("recall"));
        painter.drawText(QRectF(plot.left(), plot.top() - 22, plot.width(), 16), Qt::AlignCenter,
                         roc ? QStringLiteral("ROC (true positive rate)")
                             : QStringLiteral("precision-recall (precision)"));
        if (roc) {
            painter.setPen(QPen(style.axis, 1, Qt::DashLine));
            painter.drawLine(toPoint(0, 0), toPoint(1, 1));
        }
        painter.setRenderHint(QPainter::Antialiasing, true);
        for (std::size_t run = 0; run < m_runs.size(); ++run) {
            const auto& r = m_runs[run];
            const auto [rocCurve, prCurve] = curves(run);
            const std::vector<double>* xs =
                roc ? (rocCurve ? &rocCurve->fpr : nullptr) : (prCurve ? &prCurve->recall : nullptr);
            const std::vector<double>* ys =
                roc ? (rocCurve ? &rocCurve->tpr : nullptr) : (prCurve ? &prCurve->precision : nullptr);
            if (!xs || !ys)
                continue;
            // Points closer than half a pixel to the last one drawn add nothing.
            QPolygonF line;
            for (std::size_t i = 0; i < xs->size() && i < ys->size(); ++i) {
                const QPointF p = toPoint((*xs)[i], (*ys)[i]);
                if (line.isEmpty() || i + 1 == xs->size() || std::fabs(p.x() - line.back().x()) >= 0.5 ||
                    std::fabs(p.y() - line.back().y()) >= 0.5)
                    line << p;
            }
            painter.setPen(QPen(runColour(r.cacheId), 2));
            painter.drawPolyline(line);
        }
        painter.setRenderHint(QPainter::Antialiasing, false);
        const auto entries = legend(roc);
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const qreal y = plot.bottom() + 36 + metrics.height() * static_cast<qreal>(i);
            painter.fillRect(QRectF(plot.left(), y + metrics.height() / 2 - 2, 16, 4), runColour(m_runs[i].cacheId));
            painter.setPen(style.text);
            painter.drawText(QRectF(plot.left() + 22, y, plot.width() - 22, metrics.height()),
                             Qt::AlignLeft | Qt::AlignVCenter,
                             metrics.elidedText(entries[i], Qt::ElideMiddle, plot.width() - 22));
        }
    }
}

QString RankingCurvesFigure::csv() const {
    QString out = QStringLiteral("run,class,curve,x,y,threshold\n");
    const QString cls = csvField(m_class.empty() ? QString() : text(m_class));
    for (std::size_t run = 0; run < m_runs.size(); ++run) {
        const auto& r = m_runs[run];
        const auto [roc, pr] = curves(run);
        if (roc)
            for (std::size_t i = 0; i < roc->fpr.size(); ++i)
                out += csvField(r.runName) + QLatin1Char(',') + cls + QStringLiteral(",roc,") + csvNumber(roc->fpr[i]) +
                       QLatin1Char(',') + csvNumber(roc->tpr[i]) + QLatin1Char(',') + csvNumber(roc->thresholds[i]) +
                       QLatin1Char('\n');
        if (pr)
            for (std::size_t i = 0; i < pr->recall.size(); ++i)
                out += csvField(r.runName) + QLatin1Char(',') + cls + QStringLiteral(",pr,") +
                       csvNumber(pr->recall[i]) + QLatin1Char(',') + csvNumber(pr->precision[i]) + QLatin1Char(',') +
                       (i < pr->thresholds.size() ? csvNumber(pr->thresholds[i]) : QString()) + QLatin1Char('\n');
    }
    return out;
}

}  // namespace runlens::ui
