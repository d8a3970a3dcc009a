// SPDX-License-Identifier: MIT
#include "curves/curvechart.h"

#include <QContextMenuEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QRegularExpression>
#include <QSettings>
#include <QToolButton>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace runlens::ui::curves {
namespace {

constexpr double minimumDrag = 6;  // pixels; a shorter drag is a click
constexpr int maximumReadoutRows = 14;

QString columnText(const Columns& c, std::size_t k) {
    if (c.low[k] == c.high[k])
        return valueText(c.low[k]);
    return QStringLiteral("%1 to %2").arg(valueText(c.low[k]), valueText(c.high[k]));
}

// The entry of c nearest to pixel column target, within reach columns.
std::optional<std::size_t> nearestColumn(const Columns& c, int target, int reach) {
    if (c.empty())
        return std::nullopt;
    const auto it = std::lower_bound(c.index.begin(), c.index.end(), target);
    std::optional<std::size_t> best;
    int bestDistance = reach + 1;
    for (auto candidate : {it, it == c.index.begin() ? it : it - 1}) {
        if (candidate == c.index.end())
            continue;
        const int distance = std::abs(*candidate - target);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = static_cast<std::size_t>(candidate - c.index.begin());
        }
    }
    return best;
}

}  // namespace

CurveChart::CurveChart(QString key, QWidget* parent) : QWidget(parent), m_key(std::move(key)) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    // No tooltip: it would cover the hover read-out. The hint goes to the status bar and screen readers.
    setStatusTip(tr("Drag to zoom, wheel to zoom the steps, double-click to reset; right-click to export"));
    setAccessibleDescription(statusTip());
    setAccessibleName(tr("Chart of %1").arg(m_key));

    m_menu = new QMenu(this);
    m_menu->addAction(tr("Export as PNG..."), this,
                      [this] { exportAs(QStringLiteral("png"), tr("PNG image (*.png)")); });
    m_menu->addAction(tr("Export as SVG..."), this,
                      [this] { exportAs(QStringLiteral("svg"), tr("SVG vector image (*.svg)")); });
    m_menu->addAction(tr("Export as PDF..."), this,
                      [this] { exportAs(QStringLiteral("pdf"), tr("PDF document (*.pdf)")); });
    m_menu->addAction(tr("Export data as CSV..."), this,
                      [this] { exportAs(QStringLiteral("csv"), tr("CSV data (*.csv)")); });
    m_menu->addSeparator();
    m_menu->addAction(tr("Reset zoom"), this, &CurveChart::resetRequested);

    m_menuButton = new QToolButton(this);
    m_menuButton->setText(QStringLiteral("\u2026"));
    m_menuButton->setAutoRaise(true);
    m_menuButton->setToolTip(tr("Export this chart as an image or its data as CSV"));
    m_menuButton->setMenu(m_menu);
    m_menuButton->setPopupMode(QToolButton::InstantPopup);
    m_menuButton->setFocusPolicy(Qt::NoFocus);
}

void CurveChart::setScene(std::shared_ptr<const ChartScene> scene) {
    m_figure = scene ? std::make_shared<CurveFigure>(std::move(scene), false) : nullptr;
    m_cache = QImage();
    update();
}

std::shared_ptr<const ChartScene> CurveChart::scene() const {
    return m_figure ? m_figure->sharedScene() : nullptr;
}

std::shared_ptr<const CurveFigure> CurveChart::exportFigure() const {
    return m_figure ? std::make_shared<CurveFigure>(m_figure->sharedScene(), true) : nullptr;
}

QRectF CurveChart::plotArea() const {
    if (!m_figure)
        return QRectF(rect()).adjusted(60, 30, -12, -40);
    return m_figure->plotRect(QRectF(rect()), FigureStyle::forScreen(palette()));
}

int CurveChart::plotColumns() const {
    return std::max(50, static_cast<int>(plotArea().width() * devicePixelRatioF()));
}

void CurveChart::setFocusedChart(bool focused) {
    if (m_focused == focused)
        return;
    m_focused = focused;
    update();
}

void CurveChart::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    m_cache = QImage();
    const QSize button = m_menuButton->sizeHint();
    m_menuButton->setGeometry(width() - button.width() - 2, 2, button.width(), button.height());
}

void CurveChart::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        m_cache = QImage();  // follow the system switching between light and dark
}

void CurveChart::paintEvent(QPaintEvent*) {
    const FigureStyle style = FigureStyle::forScreen(palette());
    const qreal ratio = devicePixelRatioF();
    if (m_cache.isNull() || m_cache.size() != size() * ratio) {
        m_cache = QImage(size() * ratio, QImage::Format_ARGB32_Premultiplied);
        m_cache.setDevicePixelRatio(ratio);
        m_cache.fill(style.background);
        QPainter painter(&m_cache);
        painter.setRenderHint(QPainter::TextAntialiasing);
        if (m_figure) {
            m_figure->paint(painter, QRectF(rect()), style);
        } else {
            painter.setPen(style.mutedText);
            painter.setFont(style.font);
            painter.drawText(rect(), Qt::AlignCenter, tr("Loading %1...").arg(m_key));
        }
    }
    QPainter painter(this);
    painter.drawImage(0, 0, m_cache);
    if (!m_figure)
        return;
    const QRectF plot = plotArea();

    if (m_focused) {
        painter.setPen(QPen(style.highlight, 1.5));
        painter.drawRect(QRectF(rect()).adjusted(0.75, 0.75, -0.75, -0.75));
    }
    if (m_pressAt && m_dragTo) {
        QRectF band = QRectF(*m_pressAt, *m_dragTo).normalized().intersected(plot);
        if (band.height() < minimumDrag)  // a flat drag zooms the x axis only
            band = QRectF(band.left(), plot.top(), band.width(), plot.height());
        QColor fill = style.highlight;
        fill.setAlphaF(0.18f);
        painter.fillRect(band, fill);
        painter.setPen(QPen(style.highlight, 1));
        painter.drawRect(band);
        return;
    }
    if (!m_hover || !plot.contains(*m_hover))
        return;

    // Crosshair and read-out.
    painter.setPen(QPen(style.axis, 1, Qt::DashLine));
    painter.drawLine(QPointF(m_hover->x(), plot.top()), QPointF(m_hover->x(), plot.bottom()));
    painter.drawLine(QPointF(plot.left(), m_hover->y()), QPointF(plot.right(), m_hover->y()));
    const QStringList lines = readoutAt(m_hover->x());
    if (lines.isEmpty())
        return;
    const ChartScene& s = m_figure->scene();
    std::vector<QColor> colours{QColor()};
    if (!s.groups.empty())
        for (const auto& g : s.groups)
            colours.push_back(g.colour);
    painter.setFont(style.font);
    const QFontMetricsF metrics(style.font);
    double width = 0;
    for (const QString& line : lines)
        width = std::max(width, metrics.horizontalAdvance(line));
    const double row = metrics.height() + 2;
    QRectF box(0, 0, std::min(width + 28, plot.width() * 0.9), row * static_cast<double>(lines.size()) + 8);
    box.moveTopLeft(QPointF(m_hover->x() + 14, plot.top() + 6));
    if (box.right() > plot.right())
        box.moveRight(m_hover->x() - 14);
    if (box.left() < 2)  // too wide for either side: keep it inside the chart
        box.moveLeft(2);
    QColor background = style.background;
    background.setAlphaF(0.92f);
    painter.setPen(QPen(style.axis, 1));
    painter.setBrush(background);
    painter.drawRoundedRect(box, 3, 3);
    painter.setBrush(Qt::NoBrush);
    double y = box.top() + 4;
    for (int i = 0; i < lines.size(); ++i) {
        // Lines after the first name a run or group; they carry its colour as a swatch.
        const QString& line = lines[i];
        const QRectF textBox(box.left() + 20, y, box.width() - 24, row);
        if (i > 0) {
            QColor swatch;
            const qsizetype tab = line.indexOf(QLatin1Char('\t'));
            swatch = QColor(line.left(tab));
            painter.fillRect(QRectF(box.left() + 6, y + row / 2 - 4, 9, 8), swatch.isValid() ? swatch : style.axis);
            painter.setPen(style.text);
            painter.drawText(textBox, Qt::AlignLeft | Qt::AlignVCenter,
                             metrics.elidedText(line.mid(tab + 1), Qt::ElideMiddle, textBox.width()));
        } else {
            painter.setPen(style.mutedText);
            painter.drawText(textBox.adjusted(-14, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, line);
        }
        y += row;
    }
}

QStringList CurveChart::readoutAt(double widgetX) const {
    QStringList lines;
    if (!m_figure)
        return lines;
    const ChartScene& s = m_figure->scene();
    const QRectF plot = plotArea();
    const double x = m_figure->pixelToX(widgetX, plot);
    if (s.columns <= 0 || x < s.x0 || x > s.x1)
        return lines;
    const int target =
        std::clamp(static_cast<int>((x - s.x0) / (s.x1 - s.x0) * s.columns), 0, std::max(s.columns - 1, 0));
    const int reach = std::max(2, s.columns / 100);
    lines << m_figure->xText(x);
    // Rows are "colour<TAB>name: value" so the painter can draw the swatch; tests read the text after the tab.
    if (!s.groups.empty()) {
        for (const SceneGroup& g : s.groups) {
            auto it = std::lower_bound(g.x.begin(), g.x.end(), x);
            if (it == g.x.end() && it != g.x.begin())
                --it;
            if (it == g.x.end())
                continue;
            const auto k = static_cast<std::size_t>(it - g.x.begin());
            lines << QStringLiteral("%1\t%2: mean %3 (%4 to %5)")
                         .arg(g.colour.name(), g.label, valueText(g.mean[k]), valueText(g.low[k]),
                              valueText(g.high[k]));
        }
        return lines;
    }
    int rows = 0;
    int more = 0;
    for (const SceneRun& run : s.runs) {
        const auto k = nearestColumn(run.shown(), target, reach);
        if (!k)
            continue;
        if (rows >= maximumReadoutRows) {
            ++more;
            continue;
        }
        QString value = columnText(run.shown(), *k);
        if (!run.smooth.empty()) {
            if (const auto r = nearestColumn(run.raw, target, reach))
                value += QStringLiteral("  (raw %1)").arg(columnText(run.raw, *r));
        }
        lines << QStringLiteral("%1\t%2: %3").arg(run.colour.name(), run.name, value);
        ++rows;
    }
    if (more > 0)
        lines << QStringLiteral("\tand %1 more").arg(more);
    return lines;
}

void CurveChart::mousePressEvent(QMouseEvent* event) {
    Q_EMIT activated(m_key);
    if (event->button() == Qt::LeftButton && m_figure && plotArea().contains(event->position())) {
        m_pressAt = event->position();
        m_dragTo.reset();
    }
    QWidget::mousePressEvent(event);
}

void CurveChart::mouseMoveEvent(QMouseEvent* event) {
    if (m_pressAt)
        m_dragTo = event->position();
    m_hover = event->position();
    update();
}

void CurveChart::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !m_pressAt || !m_figure) {
        m_pressAt.reset();
        return;
    }
    const QRectF plot = plotArea();
    const QRectF band = QRectF(*m_pressAt, event->position()).normalized().intersected(plot);
    m_pressAt.reset();
    m_dragTo.reset();
    update();
    if (band.width() >= minimumDrag)
        Q_EMIT xZoomRequested(m_figure->pixelToX(band.left(), plot), m_figure->pixelToX(band.right(), plot));
    if (band.height() >= minimumDrag)
        Q_EMIT yZoomRequested(m_key, m_figure->pixelToY(band.bottom(), plot), m_figure->pixelToY(band.top(), plot));
}

void CurveChart::mouseDoubleClickEvent(QMouseEvent*) {
    Q_EMIT resetRequested();
}

void CurveChart::zoomAround(double anchorX, double factor) {
    if (!m_figure)
        return;
    const ChartScene& s = m_figure->scene();
    Q_EMIT xZoomRequested(anchorX - (anchorX - s.x0) * factor, anchorX + (s.x1 - anchorX) * factor);
}

void CurveChart::wheelEvent(QWheelEvent* event) {
    if (!m_figure || event->angleDelta().y() == 0) {
        event->ignore();  // let the grid scroll
        return;
    }
    // The wheel zooms the steps around the pointer; Shift+wheel scrolls a grid taller than the window.
    if (event->modifiers() & Qt::ShiftModifier) {
        event->ignore();
        return;
    }
    const double factor = std::pow(0.85, event->angleDelta().y() / 120.0);
    zoomAround(m_figure->pixelToX(event->position().x(), plotArea()), factor);
    event->accept();
}

void CurveChart::leaveEvent(QEvent* event) {
    QWidget::leaveEvent(event);
    m_hover.reset();
    update();
}

void CurveChart::focusInEvent(QFocusEvent* event) {
    QWidget::focusInEvent(event);
    Q_EMIT activated(m_key);
}

void CurveChart::keyPressEvent(QKeyEvent* event) {
    if (!m_figure) {
        QWidget::keyPressEvent(event);
        return;
    }
    const ChartScene& s = m_figure->scene();
    const double centre = 0.5 * (s.x0 + s.x1);
    const double shift = 0.1 * (s.x1 - s.x0);
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomAround(centre, 0.8);
        break;
    case Qt::Key_Minus:
        zoomAround(centre, 1.25);
        break;
    case Qt::Key_Left:
        Q_EMIT xZoomRequested(s.x0 - shift, s.x1 - shift);
        break;
    case Qt::Key_Right:
        Q_EMIT xZoomRequested(s.x0 + shift, s.x1 + shift);
        break;
    case Qt::Key_0:
    case Qt::Key_Home:
        Q_EMIT resetRequested();
        break;
    case Qt::Key_Menu:
        m_menu->popup(mapToGlobal(QPoint(width() / 2, height() / 2)));
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

void CurveChart::contextMenuEvent(QContextMenuEvent* event) {
    Q_EMIT activated(m_key);
    m_menu->popup(event->globalPos());
}

void CurveChart::exportAs(const QString& suffix, const QString& filter) {
    const auto figure = exportFigure();
    if (!figure)
        return;
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("export/lastFolder")).toString();
    QString base = m_key;
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(m_key),
                                                QDir(folder).filePath(base + QLatin1Char('.') + suffix), filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + suffix;
    settings.setValue(QStringLiteral("export/lastFolder"), QFileInfo(path).absolutePath());
    if (Status s = ui::exportFigure(*figure, path); !s)
        QMessageBox::warning(
            this, tr("Export failed"),
            tr("%1: %2").arg(QString::fromStdString(s.error().file), QString::fromStdString(s.error().message)));
}

}  // namespace runlens::ui::curves
