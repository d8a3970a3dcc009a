// SPDX-License-Identifier: MIT
#include "driftfigures.h"

#include "analysis/driftreport.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>

namespace runlens::ui {

using nlohmann::json;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double numberOf(const json& v) {
    if (v.is_number())
        return v.get<double>();
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (s == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (s == "-Infinity")
            return -std::numeric_limits<double>::infinity();
    }
    return nan;
}

double numberAt(const json& object, const char* key) {
    const auto it = object.find(key);
    return it == object.end() ? nan : numberOf(*it);
}

std::vector<double> numbers(const json& array) {
    std::vector<double> out;
    if (array.is_array())
        for (const auto& v : array)
            out.push_back(numberOf(v));
    return out;
}

QString text(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

QString formatNumber(double v) {
    if (std::isnan(v))
        return QStringLiteral("-");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    if (v != 0 && (std::fabs(v) < 1e-3 || std::fabs(v) >= 1e5))
        return QString::number(v, 'g', 3);
    return QString::number(v, 'g', 4);
}

// About `count` round tick values covering [low, high].
std::vector<double> niceTicks(double low, double high, int count) {
    std::vector<double> ticks;
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high))
        return {low};
    const double raw = (high - low) / count;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        step = m * magnitude;
        if (step >= raw)
            break;
    }
    for (double t = std::ceil(low / step) * step; t <= high + step * 1e-9; t += step)
        ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

struct Axes {
    QRectF plot;
    double xLow = 0, xHigh = 1, yLow = 0, yHigh = 1;
    double x(double v) const { return plot.left() + (v - xLow) / (xHigh - xLow) * plot.width(); }
    double y(double v) const { return plot.bottom() - (v - yLow) / (yHigh - yLow) * plot.height(); }
};

// Frame, grid and tick labels; returns the plotting rectangle's mapping.
Axes drawAxes(QPainter& p, const QRectF& area, double xLow, double xHigh, double yLow, double yHigh,
              const FigureStyle& style, const QString& caption, bool xTicks = true) {
    const QFontMetricsF metrics(style.font);
    Axes a;
    a.xLow = xLow;
    a.xHigh = xHigh > xLow ? xHigh : xLow + 1;
    a.yLow = yLow;
    a.yHigh = yHigh > yLow ? yHigh : yLow + 1;
    const double left = metrics.horizontalAdvance(QStringLiteral("0.000")) + 10;
    a.plot = QRectF(area.left() + left, area.top() + metrics.height() + 6, area.width() - left - 8,
                    area.height() - 2 * metrics.height() - 14);
    p.setFont(style.font);
    p.setPen(style.text);
    p.drawText(QRectF(area.left(), area.top(), area.width(), metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
               caption);
    for (double t : niceTicks(a.yLow, a.yHigh, 4)) {
        p.setPen(QPen(style.grid, 1));
        p.drawLine(QPointF(a.plot.left(), a.y(t)), QPointF(a.plot.right(), a.y(t)));
        p.setPen(style.mutedText);
        p.drawText(QRectF(area.left(), a.y(t) - metrics.height() / 2, left - 6, metrics.height()),
                   Qt::AlignRight | Qt::AlignVCenter, formatNumber(t));
    }
    if (xTicks) {
        for (double t : niceTicks(a.xLow, a.xHigh, 5)) {
            // Whole tick values are written out ("150000", not "1.5e+05").
            const QString label =
                std::fabs(t) < 1e9 && t == std::floor(t) ? QString::number(t, 'f', 0) : formatNumber(t);
            const double w = metrics.horizontalAdvance(label);
            p.setPen(QPen(style.grid, 1));
            p.drawLine(QPointF(a.x(t), a.plot.top()), QPointF(a.x(t), a.plot.bottom()));
            p.setPen(style.mutedText);
            p.drawText(QRectF(a.x(t) - w / 2 - 2, a.plot.bottom() + 3, w + 4, metrics.height()), Qt::AlignCenter,
                       label);
        }
    }
    p.setPen(QPen(style.axis, 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(a.plot);
    return a;
}

std::vector<double> sharesOf(const std::vector<double>& counts) {
    double total = 0;
    for (double c : counts)
        total += std::isfinite(c) ? c : 0;
    std::vector<double> out;
    for (double c : counts)
        out.push_back(total > 0 && std::isfinite(c) ? c / total : 0.0);
    return out;
}

constexpr double legendLabelWidth = 220;

// What drawLegend() takes, from its first swatch to its last letter.
double legendWidth(const FigureStyle& style, const QString& reference, const QString& current) {
    const QFontMetricsF metrics(style.font);
    double width = 12;  // between the two entries
    for (const QString& label : {reference, current})
        width += metrics.horizontalAdvance(metrics.elidedText(label, Qt::ElideMiddle, legendLabelWidth)) + 22;
    return width;
}

void drawLegend(QPainter& p, const QPointF& topRight, const FigureStyle& style, const QString& reference,
                const QString& current) {
    const QFontMetricsF metrics(style.font);
    const QString labels[2] = {reference, current};
    const QColor colors[2] = {driftReferenceColor(), driftCurrentColor()};
    double x = topRight.x();
    for (int i = 1; i >= 0; --i) {
        const QString label = metrics.elidedText(labels[i], Qt::ElideMiddle, legendLabelWidth);
        x -= metrics.horizontalAdvance(label) + 22;
        p.fillRect(QRectF(x, topRight.y() + metrics.height() / 2 - 5, 12, 10), colors[i]);
        p.setPen(style.text);
        p.drawText(QPointF(x + 16, topRight.y() + metrics.ascent()), label);
        x -= 12;
    }
}

}  // namespace

QColor driftReferenceColor() {
    return {0x4c, 0x72, 0xb0};
}

QColor driftCurrentColor() {
    return {0xdd, 0x84, 0x52};
}

QColor driftStatusColor(bool drift, double severity) {
    if (drift)
        return {0xd3, 0x2f, 0x2f};
    return severity >= 0.8 ? QColor(0xf0, 0xa2, 0x02) : QColor(0x38, 0x8e, 0x3c);
}

QString driftVerdictText(const json& document) {
    const bool drift = document.value("verdict", std::string()) == "drift";
    const auto drifted = document.value("columns_drifted", std::int64_t{0});
    const auto total = document.value("columns_total", std::int64_t{0});
    const double share = total > 0 ? 100.0 * static_cast<double>(drifted) / static_cast<double>(total) : 0.0;
    QString line = (drift ? QObject::tr("Drift") : QObject::tr("No drift")) +
                   QObject::tr(": %1 of %2 columns drifted (%3 %)").arg(drifted).arg(total).arg(share, 0, 'f', 1);
    const QString policy = text(document, "policy");
    if (!policy.isEmpty())
        line += QObject::tr(" under policy %1").arg(QFileInfo(policy).fileName());
    return line;
}

namespace {

// Share of one side's rows below x, assuming rows spread evenly inside each bin.
double cumulativeShareAt(const std::vector<double>& edges, const std::vector<double>& shares, double x) {
    double below = 0;
    for (std::size_t b = 0; b < shares.size() && b + 1 < edges.size(); ++b) {
        if (x >= edges[b + 1]) {
            below += shares[b];
        } else {
            if (x > edges[b] && edges[b + 1] > edges[b])
                below += shares[b] * (x - edges[b]) / (edges[b + 1] - edges[b]);
            break;
        }
    }
    return below;
}

// Imported reports (Evidently) may bin reference and current over different ranges ("histograms" with an
// edges/values pair per side). The figure draws one shared grid, so both sides are re-binned onto the union of
// their edges; the shares per side are kept, only split where the other side has an edge.
json withSharedHistogram(json column) {
    if (column.contains("histogram") || !column.contains("histograms") || !column["histograms"].is_object())
        return column;
    const json& sides = column["histograms"];
    if (!sides.contains("reference") || !sides.contains("current"))
        return column;
    const auto refEdges = numbers(sides["reference"].value("edges", json::array()));
    const auto curEdges = numbers(sides["current"].value("edges", json::array()));
    const auto ref = sharesOf(numbers(sides["reference"].value("values", json::array())));
    const auto cur = sharesOf(numbers(sides["current"].value("values", json::array())));
    if (refEdges.size() < 2 || curEdges.size() < 2 || ref.empty() || cur.empty())
        return column;
    std::vector<double> edges = refEdges;
    edges.insert(edges.end(), curEdges.begin(), curEdges.end());
    std::erase_if(edges, [](double e) { return !std::isfinite(e); });
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    json shared = {{"edges", edges}, {"reference", json::array()}, {"current", json::array()}};
    for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
        shared["reference"].push_back(cumulativeShareAt(refEdges, ref, edges[b + 1]) -
                                      cumulativeShareAt(refEdges, ref, edges[b]));
        shared["current"].push_back(cumulativeShareAt(curEdges, cur, edges[b + 1]) -
                                    cumulativeShareAt(curEdges, cur, edges[b]));
    }
    column["histogram"] = std::move(shared);
    return column;
}

}  // namespace

DriftColumnFigure::DriftColumnFigure(json column, QString referenceName, QString currentName)
    : m_column(withSharedHistogram(std::move(column))), m_referenceName(std::move(referenceName)),
      m_currentName(std::move(currentName)) {}

QString DriftColumnFigure::title() const {
    return QObject::tr("Drift of %1").arg(text(m_column, "column"));
}

void DriftColumnFigure::paint(QPainter& p, const QRectF& area, const FigureStyle& style) const {
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.fillRect(area, style.background);
    const QFontMetricsF titleMetrics(style.titleFont);
    const QFontMetricsF metrics(style.font);
    const QRectF inner = area.adjusted(12, 10, -12, -10);

    // Title: the column and its verdict, then the headline test.
    const bool drift = m_column.value("drift", false);
    const double severity = analysis::driftSeverity(m_column);
    p.setFont(style.titleFont);
    p.setPen(style.text);
    const QString name = text(m_column, "column");
    p.drawText(QRectF(inner.left(), inner.top(), inner.width(), titleMetrics.height()),
               Qt::AlignLeft | Qt::TextSingleLine, titleMetrics.elidedText(name, Qt::ElideRight, inner.width() * 0.6));
    const QString badge = drift ? QObject::tr("DRIFT") : QObject::tr("no drift");
    const double badgeWidth = metrics.horizontalAdvance(badge) + 16;
    const QRectF badgeRect(inner.right() - badgeWidth, inner.top(), badgeWidth, titleMetrics.height());
    p.setPen(Qt::NoPen);
    p.setBrush(driftStatusColor(drift, severity));
    p.drawRoundedRect(badgeRect, 4, 4);
    p.setFont(style.font);
    p.setPen(Qt::white);
    p.drawText(badgeRect, Qt::AlignCenter, badge);

    QString detail = text(m_column, "type") + QStringLiteral(" · ") + text(m_column, "test") + QStringLiteral(" ") +
                     formatNumber(numberAt(m_column, "statistic"));
    const double pValue = numberAt(m_column, "p_value");
    if (!std::isnan(pValue))
        detail += QObject::tr(", p = %1").arg(formatNumber(pValue));
    detail += QObject::tr(" · threshold %1").arg(formatNumber(numberAt(m_column, "threshold")));
    p.setPen(style.mutedText);
    const double detailTop = inner.top() + titleMetrics.height() + 2;
    // The legend goes right of the test line when both fit, else on a line of its own below it.
    const double legend = legendWidth(style, m_referenceName, m_currentName);
    const bool legendBeside = metrics.horizontalAdvance(detail) + 16 + legend <= inner.width();
    p.drawText(QRectF(inner.left(), detailTop, inner.width(), metrics.height()), Qt::AlignLeft,
               metrics.elidedText(detail, Qt::ElideRight, inner.width()));
    const double legendTop = legendBeside ? detailTop : detailTop + metrics.height() + 2;
    drawLegend(p, QPointF(inner.right(), legendTop), style, m_referenceName, m_currentName);

    const QRectF body(inner.left(), legendTop + metrics.height() + 10, inner.width(),
                      inner.bottom() - legendTop - metrics.height() - 10);
    const auto histogram = m_column.find("histogram");
    const auto categories = m_column.find("categories");
    if (histogram != m_column.end() && histogram->is_object()) {
        const auto edges = numbers((*histogram)["edges"]);
        const auto ref = sharesOf(numbers((*histogram)["reference"]));
        const auto cur = sharesOf(numbers((*histogram)["current"]));
        const std::size_t bins = std::min({ref.size(), cur.size(), edges.empty() ? 0 : edges.size() - 1});
        const QRectF left(body.left(), body.top(), body.width() * 0.5 - 10, body.height());
        const QRectF right(body.left() + body.width() * 0.5 + 10, body.top(), body.width() * 0.5 - 10, body.height());
        if (bins > 0) {
            double top = 0;
            for (std::size_t b = 0; b < bins; ++b)
                top = std::max({top, ref[b], cur[b]});
            const Axes a = drawAxes(p, left, edges.front(), edges[bins], 0, top * 1.1, style,
                                    QObject::tr("Share of rows per bin"));
            // Overlaid, translucent: where both agree the colours mix.
            for (int side = 0; side < 2; ++side) {
                QColor c = side == 0 ? driftReferenceColor() : driftCurrentColor();
                c.setAlphaF(0.55);
                const auto& shares = side == 0 ? ref : cur;
                for (std::size_t b = 0; b < bins; ++b) {
                    const QRectF bar(QPointF(a.x(edges[b]), a.y(shares[b])), QPointF(a.x(edges[b + 1]), a.y(0)));
                    p.fillRect(bar.normalized(), c);
                }
            }
            // ECDFs: from the document's grid, else from the histogram's cumulative shares.
            std::vector<double> xs;
            std::vector<double> refCdf;
            std::vector<double> curCdf;
            const auto ecdf = m_column.find("ecdf");
            if (ecdf != m_column.end() && ecdf->is_object()) {
                xs = numbers((*ecdf)["values"]);
                refCdf = numbers((*ecdf)["reference"]);
                curCdf = numbers((*ecdf)["current"]);
            } else {
                double r = 0;
                double c = 0;
                xs.push_back(edges.front());
                refCdf.push_back(0);
                curCdf.push_back(0);
                for (std::size_t b = 0; b < bins; ++b) {
                    r += ref[b];
                    c += cur[b];
                    xs.push_back(edges[b + 1]);
                    refCdf.push_back(r);
                    curCdf.push_back(c);
                }
            }
            const Axes e =
                drawAxes(p, right, edges.front(), edges[bins], 0, 1, style, QObject::tr("Cumulative share (ECDF)"));
            const std::size_t n = std::min({xs.size(), refCdf.size(), curCdf.size()});
            double gapX = nan;
            double gapRef = 0;
            double gapCur = 0;
            for (int side = 0; side < 2; ++side) {
                const auto& cdf = side == 0 ? refCdf : curCdf;
                QPainterPath path;
                for (std::size_t i = 0; i < n; ++i) {
                    const QPointF point(e.x(xs[i]), e.y(cdf[i]));
                    if (i == 0) {
                        path.moveTo(point);
                    } else {
                        path.lineTo(QPointF(point.x(), e.y(cdf[i - 1])));  // a step: flat, then up
                        path.lineTo(point);
                    }
                }
                p.setPen(QPen(side == 0 ? driftReferenceColor() : driftCurrentColor(), 2));
                p.setBrush(Qt::NoBrush);
                p.drawPath(path);
            }
            if (ecdf != m_column.end() && ecdf->contains("ks_location")) {
                gapX = numberAt(*ecdf, "ks_location");
                gapRef = numberAt(*ecdf, "ks_reference");
                gapCur = numberAt(*ecdf, "ks_current");
            } else {
                double best = -1;
                for (std::size_t i = 0; i < n; ++i) {
                    if (std::fabs(refCdf[i] - curCdf[i]) > best) {
                        best = std::fabs(refCdf[i] - curCdf[i]);
                        gapX = xs[i];
                        gapRef = refCdf[i];
                        gapCur = curCdf[i];
                    }
                }
            }
            if (std::isfinite(gapX) && std::isfinite(gapRef) && std::isfinite(gapCur)) {
                // The KS statistic is this vertical distance.
                const double x = std::clamp(e.x(gapX), e.plot.left(), e.plot.right());
                p.setPen(QPen(driftStatusColor(true, 2), 2, Qt::DashLine));
                p.drawLine(QPointF(x, e.y(gapRef)), QPointF(x, e.y(gapCur)));
                p.setPen(style.text);
                const QString label = QObject::tr("KS gap %1").arg(formatNumber(std::fabs(gapRef - gapCur)));
                const double w = metrics.horizontalAdvance(label);
                const double lx = x + 6 + w < e.plot.right() ? x + 6 : x - 6 - w;
                p.drawText(QPointF(lx, (e.y(gapRef) + e.y(gapCur)) / 2 + metrics.ascent() / 2), label);
            }
        }
    } else if (categories != m_column.end() && categories->is_object()) {
        const auto& names = (*categories)["names"];
        const auto ref = sharesOf(numbers((*categories)["reference"]));
        const auto cur = sharesOf(numbers((*categories)["current"]));
        const std::size_t shown = std::min<std::size_t>({names.size(), ref.size(), cur.size(), 24});
        double top = 0;
        for (std::size_t i = 0; i < shown; ++i)
            top = std::max({top, ref[i], cur[i]});
        const Axes a = drawAxes(p, body.adjusted(0, 0, 0, -metrics.height()), 0, static_cast<double>(shown), 0,
                                top * 1.1, style, QObject::tr("Share of rows per category"), false);
        const double slot = a.plot.width() / std::max<double>(static_cast<double>(shown), 1);
        for (std::size_t i = 0; i < shown; ++i) {
            const double x0 = a.plot.left() + slot * static_cast<double>(i);
            const double w = slot * 0.38;
            p.fillRect(QRectF(QPointF(x0 + slot * 0.1, a.y(ref[i])), QPointF(x0 + slot * 0.1 + w, a.y(0))).normalized(),
                       driftReferenceColor());
            p.fillRect(
                QRectF(QPointF(x0 + slot * 0.52, a.y(cur[i])), QPointF(x0 + slot * 0.52 + w, a.y(0))).normalized(),
                driftCurrentColor());
            const QString label =
                metrics.elidedText(names[i].is_string() ? QString::fromStdString(names[i].get<std::string>())
                                                        : QString::fromStdString(names[i].dump()),
                                   Qt::ElideRight, slot - 4);
            p.setPen(style.text);
            p.drawText(QRectF(x0, a.plot.bottom() + 3, slot, metrics.height()), Qt::AlignHCenter | Qt::AlignTop, label);
        }
    } else {
        p.setPen(style.mutedText);
        p.drawText(body, Qt::AlignCenter, QObject::tr("This report holds no distribution for the column."));
    }
    p.restore();
}

QString DriftColumnFigure::csv() const {
    QString out;
    if (const auto h = m_column.find("histogram"); h != m_column.end() && h->is_object()) {
        out = QStringLiteral("bin_lower,bin_upper,reference,current\n");
        const auto edges = numbers((*h)["edges"]);
        const auto ref = numbers((*h)["reference"]);
        const auto cur = numbers((*h)["current"]);
        for (std::size_t b = 0; b + 1 < edges.size() && b < ref.size() && b < cur.size(); ++b)
            out += csvNumber(edges[b]) + u',' + csvNumber(edges[b + 1]) + u',' + csvNumber(ref[b]) + u',' +
                   csvNumber(cur[b]) + u'\n';
    } else if (const auto c = m_column.find("categories"); c != m_column.end() && c->is_object()) {
        out = QStringLiteral("category,reference,current\n");
        const auto& names = (*c)["names"];
        const auto ref = numbers((*c)["reference"]);
        const auto cur = numbers((*c)["current"]);
        for (std::size_t i = 0; i < names.size() && i < ref.size() && i < cur.size(); ++i) {
            const QString name = names[i].is_string() ? QString::fromStdString(names[i].get<std::string>())
                                                      : QString::fromStdString(names[i].dump());
            out += csvField(name) + u',' + csvNumber(ref[i]) + u',' + csvNumber(cur[i]) + u'\n';
        }
    }
    return out;
}

DriftSummaryFigure::DriftSummaryFigure(json document) : m_document(std::move(document)) {}

QString DriftSummaryFigure::title() const {
    return QObject::tr("Drift report");
}

QSizeF DriftSummaryFigure::preferredSize() const {
    const auto rows = m_document.contains("columns") ? m_document["columns"].size() : 0;
    return {960, 150.0 + 22.0 * static_cast<double>(rows)};
}

void DriftSummaryFigure::paint(QPainter& p, const QRectF& area, const FigureStyle& style) const {
    p.save();
    p.fillRect(area, style.background);
    const QFontMetricsF titleMetrics(style.titleFont);
    const QFontMetricsF metrics(style.font);
    const QRectF inner = area.adjusted(12, 10, -12, -10);
    const bool drift = m_document.value("verdict", std::string()) == "drift";
    double y = inner.top();
    p.setFont(style.titleFont);
    p.setPen(driftStatusColor(drift, drift ? 2 : 0));
    p.drawText(QRectF(inner.left(), y, inner.width(), titleMetrics.height()), Qt::AlignLeft,
               driftVerdictText(m_document));
    y += titleMetrics.height() + 4;
    p.setFont(style.font);
    p.setPen(style.mutedText);
    for (const char* side : {"reference", "current"}) {
        const auto it = m_document.find(side);
        if (it == m_document.end() || !it->is_object())
            continue;
        const QString line = QStringLiteral("%1: %2 (%3 rows)")
                                 .arg(QString::fromLatin1(side), text(*it, "path"))
                                 .arg(it->value("rows", std::int64_t{0}));
        p.drawText(QRectF(inner.left(), y, inner.width(), metrics.height()), Qt::AlignLeft,
                   metrics.elidedText(line, Qt::ElideMiddle, inner.width()));
        y += metrics.height() + 2;
    }
    y += 8;
    const QStringList headers = {QObject::tr("Column"),    QObject::tr("Type"),    QObject::tr("Test"),
                                 QObject::tr("Statistic"), QObject::tr("P-value"), QObject::tr("Threshold")};
    const double widths[] = {0.34, 0.13, 0.15, 0.13, 0.13, 0.12};
    const double rowHeight = metrics.height() + 6;
    const auto drawRow = [&](const QStringList& cells, double top, bool bold) {
        double x = inner.left() + 20;
        QFont font = style.font;
        font.setBold(bold);
        p.setFont(font);
        for (int i = 0; i < cells.size(); ++i) {
            const double w = (inner.width() - 20) * widths[i];
            p.drawText(QRectF(x, top, w - 6, rowHeight), (i >= 3 ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter,
                       QFontMetricsF(font).elidedText(cells[i], Qt::ElideRight, w - 6));
            x += w;
        }
    };
    p.setPen(style.text);
    drawRow(headers, y, true);
    y += rowHeight;
    p.setPen(QPen(style.grid, 1));
    p.drawLine(QPointF(inner.left(), y), QPointF(inner.right(), y));
    if (const auto columns = m_document.find("columns"); columns != m_document.end() && columns->is_array()) {
        std::vector<const json*> rows;
        for (const auto& c : *columns)
            rows.push_back(&c);
        std::stable_sort(rows.begin(), rows.end(), [](const json* a, const json* b) {
            const bool da = a->value("drift", false);
            const bool db = b->value("drift", false);
            return da != db ? da : analysis::driftSeverity(*a) > analysis::driftSeverity(*b);
        });
        for (const json* c : rows) {
            if (y + rowHeight > inner.bottom())
                break;
            p.fillRect(QRectF(inner.left(), y + 4, 12, rowHeight - 8),
                       driftStatusColor(c->value("drift", false), analysis::driftSeverity(*c)));
            p.setPen(style.text);
            const double pv = numberAt(*c, "p_value");
            drawRow({text(*c, "column"), text(*c, "type"), text(*c, "test"), formatNumber(numberAt(*c, "statistic")),
                     std::isnan(pv) ? QStringLiteral("-") : formatNumber(pv), formatNumber(numberAt(*c, "threshold"))},
                    y, false);
            y += rowHeight;
        }
    }
    p.restore();
}

QString DriftSummaryFigure::csv() const {
    QString out = QStringLiteral("column,type,test,statistic,p_value,threshold,drift\n");
    if (const auto columns = m_document.find("columns"); columns != m_document.end() && columns->is_array()) {
        for (const auto& c : *columns) {
            out += csvField(text(c, "column")) + u',' + csvField(text(c, "type")) + u',' + csvField(text(c, "test")) +
                   u',' + csvNumber(numberAt(c, "statistic")) + u',' +
                   (c.contains("p_value") && !c["p_value"].is_null() ? csvNumber(numberAt(c, "p_value")) : QString()) +
                   u',' + csvNumber(numberAt(c, "threshold")) + u',' +
                   (c.value("drift", false) ? QStringLiteral("true") : QStringLiteral("false")) + u'\n';
        }
    }
    return out;
}

}  // namespace runlens::ui
