// SPDX-License-Identifier: MIT
#pragma once

#include "curves/curvedata.h"
#include "figure/figure.h"

#include <QRectF>

#include <memory>
#include <vector>

namespace runlens::ui::curves {

// Tick positions and their labels along one axis.
struct Ticks {
    std::vector<double> values;
    std::vector<QString> labels;
    QString title;  // the axis title, with the unit the labels use
};

Ticks xTicks(XMode mode, double x0, double x1, int approximateCount);
Ticks yTicks(bool logScale, double y0, double y1, int approximateCount);

// One learning-curve chart, painted by hand for screen, PNG, SVG, PDF and the report alike: faint raw envelopes
// behind smoothed ones, or a mean line over a min-max band per group. Painting a thousand polylines directly is
// an order of magnitude faster than a thousand Qt Charts series, and keeps one code path for every device.
class CurveFigure : public Figure {
public:
    CurveFigure(std::shared_ptr<const ChartScene> scene, bool withLegend);

    QString title() const override { return m_scene->key; }
    QSizeF preferredSize() const override { return m_withLegend ? QSizeF(960, 560) : QSizeF(640, 400); }
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override;
    // The drawn data: per run and pixel column the raw and smoothed min/max; per group its mean, min and max.
    QString csv() const override;

    const ChartScene& scene() const { return *m_scene; }
    std::shared_ptr<const ChartScene> sharedScene() const { return m_scene; }

    // Where curves go inside area (what the mouse maps through).
    QRectF plotRect(const QRectF& area, const FigureStyle& style) const;
    double xToPixel(double x, const QRectF& plot) const;
    double pixelToX(double px, const QRectF& plot) const;
    double yToPixel(double y, const QRectF& plot) const;
    double pixelToY(double py, const QRectF& plot) const;
    // A value of the x axis as its tick labels write it, for the hover read-out.
    QString xText(double x) const;

private:
    void paintCurves(QPainter& painter, const QRectF& plot) const;
    void paintLegend(QPainter& painter, const QRectF& box, const FigureStyle& style) const;
    double legendWidth(const FigureStyle& style) const;

    std::shared_ptr<const ChartScene> m_scene;
    bool m_withLegend = false;
};

// How many y ticks a plot of this height gets.
int yTickCount(double plotHeight);

// Formats a y value for labels and read-outs (4 significant digits, no trailing zeros).
QString valueText(double value);

}  // namespace runlens::ui::curves
