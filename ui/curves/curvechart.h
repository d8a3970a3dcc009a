// SPDX-License-Identifier: MIT
#pragma once

#include "curves/curvefigure.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>

class QToolButton;
class QMenu;

namespace runlens::ui::curves {

// One chart of the grid: paints its CurveFigure (cached as an image, so hovering never repaints curves), and turns
// the mouse into requests the grid applies to every chart: rubber-band and wheel zoom, double-click reset.
// Hovering shows a crosshair with each run's value at that x.
class CurveChart : public QWidget {
    Q_OBJECT
public:
    explicit CurveChart(QString key, QWidget* parent = nullptr);

    QString key() const { return m_key; }
    void setScene(std::shared_ptr<const ChartScene> scene);
    std::shared_ptr<const ChartScene> scene() const;
    // The chart as painted here, and the same with a legend for exports.
    std::shared_ptr<const CurveFigure> figure() const { return m_figure; }
    std::shared_ptr<const CurveFigure> exportFigure() const;
    // Device pixels across the plot area: what the curves are decimated to.
    int plotColumns() const;
    QRectF plotArea() const;
    void setFocusedChart(bool focused);
    bool isFocusedChart() const { return m_focused; }
    // The hover read-out for a widget x position: the x value first, then one line per run or group.
    QStringList readoutAt(double widgetX) const;
    QMenu* exportMenu() const { return m_menu; }

    QSize sizeHint() const override { return {460, 300}; }
    QSize minimumSizeHint() const override { return {240, 180}; }

Q_SIGNALS:
    void xZoomRequested(double x0, double x1);
    void yZoomRequested(const QString& key, double y0, double y1);
    void resetRequested();
    void activated(const QString& key);  // clicked or focused: the chart Ctrl+E exports

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void exportAs(const QString& suffix, const QString& filter);
    void zoomAround(double anchorX, double factor);

    QString m_key;
    std::shared_ptr<const CurveFigure> m_figure;
    QImage m_cache;  // an image, so dense curves take the figure's direct raster path
    std::optional<QPointF> m_hover;
    std::optional<QPointF> m_pressAt;
    std::optional<QPointF> m_dragTo;
    bool m_focused = false;
    QToolButton* m_menuButton = nullptr;
    QMenu* m_menu = nullptr;
};

}  // namespace runlens::ui::curves
