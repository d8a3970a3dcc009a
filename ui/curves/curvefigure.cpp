// SPDX-License-Identifier: MIT
#include "curves/curvefigure.h"

#include "curves/columnwalk.h"

#include <QDateTime>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QThread>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define RUNLENS_AVX2_FILL 1  // built for any x86-64, with an AVX2 fill chosen at run time where the CPU has it
#endif

namespace runlens::ui::curves {
namespace {

constexpr double titleGap = 6;
constexpr double tickLength = 4;
constexpr int denseVertexCount = 150000;      // beyond this, overlays paint with thin pens and no antialiasing
constexpr std::size_t denseCurveCount = 120;  // each stroked, antialiased curve costs ~0.1 ms however short
constexpr double zigzagTravel = 8;            // a curve going up and down more than this many plot heights is noise

// 1, 2 or 5 times a power of ten, near range / count.
double niceStep(double range, int count) {
    const double raw = range / std::max(count, 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double fraction = raw / magnitude;
    const double nice = fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10;
    return nice * magnitude;
}

std::vector<double> linearTicks(double low, double high, int count, double step = 0) {
    std::vector<double> ticks;
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high))
        return ticks;
    if (step <= 0)
        step = niceStep(high - low, count);
    for (double t = std::ceil(low / step) * step; t <= high + step * 1e-9; t += step)
        ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

// Steps a time axis reads well at, in seconds.
double niceTimeStep(double range, int count) {
    static constexpr std::array<double, 18> steps{1,   2,   5,    10,   15,   30,    60,    120,   300,
                                                  600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
    const double raw = range / std::max(count, 1);
    for (double s : steps) {
        if (s >= raw)
            return s;
    }
    return niceStep(range / 86400, count) * 86400;
}

struct TimeUnit {
    double seconds;
    const char* name;
};

TimeUnit relativeUnit(double span) {
    if (span < 120)
        return {1, "s"};
    if (span < 2 * 3600)
        return {60, "min"};
    if (span < 2 * 86400)
        return {3600, "h"};
    return {86400, "d"};
}

QPointF clampedPoint(double x, double y) {
    // Painters misbehave on huge coordinates; anything this far out is off the plot anyway.
    return {std::clamp(x, -1e5, 1e5), std::clamp(y, -1e5, 1e5)};
}

// Draws one-pixel polylines into a 32-bit premultiplied image without a painter: each segment becomes one vertical
// run of pixels per pixel column it crosses. Curves decimated to pixel columns have a vertex in nearly every
// column, so the work is a few pixel blends per vertex. The runs go to a column-major layer first (a vertical run
// is then contiguous memory), which is composed over the image once at the end.
class SpanRaster {
public:
    // At most one raster per thread at a time: the layer is the thread's buffer, kept between redraws so that a
    // redraw neither allocates nor faults in fresh pages. Between rasters the buffer is all zero (flush clears it).
    SpanRaster(QImage& image, const QRect& clip)
        : m_image(image), m_clip(clip.intersected(image.rect())), m_layer(threadLayer()) {
        if (m_clip.isEmpty()) {
            m_layer.clear();
            return;
        }
        // Room after the last column for the whole groups of pixels blend() and fillRunsAvx2() read and write back.
        m_layer.resize(static_cast<std::size_t>(m_clip.width()) * static_cast<std::size_t>(m_clip.height()) + 8, 0U);
    }
    SpanRaster(const SpanRaster&) = delete;
    SpanRaster& operator=(const SpanRaster&) = delete;
    ~SpanRaster() { flush(); }

    void setColour(const QColor& colour) { setColour(keepOf(colour), premultipliedOf(colour)); }
    void setColour(quint32 keep, quint32 source) {
        m_keep = keep;
        m_source = source;
    }
    static quint32 keepOf(const QColor& colour) { return 255 - static_cast<quint32>(colour.alpha()); }
    static quint32 premultipliedOf(const QColor& colour) { return qPremultiply(colour.rgba()); }

    // The pieces of one polyline in one pixel column join into one run (the line is continuous and its columns
    // come left to right), so a translucent curve blends each of its pixels once, and overlapping pieces (the
    // vertical min-max stroke and the segments either side of it) are filled once.
    void polyline(const std::vector<QPointF>& points) {
        if (m_layer.empty())
            return;
        // The column waiting to be filled lives in locals: as members, every pixel write (unsigned int, which may
        // alias int) sent them back to memory.
        int column = INT_MIN;
        int top = 0;
        int bottom = 0;
        const int left = m_clip.left();
        const int right = m_clip.right();
        walkColumns(points.data(), points.size(), left, right, [&](int x, int ya, int yb) {
            if (x < left || x > right)
                return;
            const int low = std::min(ya, yb);
            const int high = std::max(ya, yb);
            if (x == column) {
                top = std::min(top, low);
                bottom = std::max(bottom, high);
                return;
            }
            fill(column, top, bottom);
            column = x;
            top = low;
            bottom = high;
        });
        fill(column, top, bottom);
    }

    // Fills rows top..bottom of pixel column x (no column: INT_MIN) with the current colour.
    void fill(int x, int top, int bottom) {
        if (x == INT_MIN)
            return;
        top = std::max(top, m_clip.top());
        bottom = std::min(bottom, m_clip.bottom());
        if (top > bottom)
            return;
        m_dirty = true;
        quint32* pixel =
            m_layer.data() + static_cast<std::size_t>(x - m_clip.left()) * m_clip.height() + (top - m_clip.top());
        blend(pixel, pixel + (bottom - top + 1), m_keep, m_source);
    }

    // Fills a curve's run in each pixel column from..to of runs (indexed by column - origin.x(), rows relative to
    // origin.y(), an empty column has top > bottom) with the current colour. The colour is held in locals: pixel
    // stores may alias the members.
    void fillRuns(const ColumnRun* runs, int from, int to, const QPoint& origin) {
        if (m_layer.empty() || from > to)
            return;
        const int height = m_clip.height();
        const int firstRow = m_clip.top() - origin.y();
        const int lastRow = m_clip.bottom() - origin.y();
        const quint32 keep = m_keep;
        const quint32 source = m_source;
        quint32* column = m_layer.data() + static_cast<std::size_t>(origin.x() + from - m_clip.left()) * height;
#if defined(RUNLENS_AVX2_FILL)
        // RUNLENS_NO_AVX2 keeps the baseline path, so tests can check both give the same pixels.
        static const bool avx2 = __builtin_cpu_supports("avx2") && !qEnvironmentVariableIsSet("RUNLENS_NO_AVX2");
        if (avx2) {
            m_dirty = fillRunsAvx2(runs, from, to, column, height, firstRow, lastRow, keep, source) || m_dirty;
            return;
        }
#endif
        bool filled = false;
        for (int c = from; c <= to; ++c, column += height) {
            quint32* pixel = nullptr;
            quint32* end = nullptr;
            if (!pixelsOf(runs[c], column, firstRow, lastRow, pixel, end))
                continue;
            filled = true;
            blend(pixel, end, keep, source);
        }
        m_dirty = m_dirty || filled;
    }

    // Composes what was drawn over the image (source over destination, both premultiplied) and clears the layer,
    // so that curves the painter draws next land on top of these.
    void flush() {
        if (!m_dirty)
            return;
        m_dirty = false;
        const int height = m_clip.height();
        for (int y = 0; y < height; ++y) {
            auto* row = reinterpret_cast<quint32*>(m_image.scanLine(m_clip.top() + y)) + m_clip.left();
            quint32* layer = m_layer.data() + y;
            for (int x = 0; x < m_clip.width(); ++x, layer += height) {
                const quint32 over = *layer;
                if (over != 0) {
                    row[x] = over + scaled(row[x], 255 - (over >> 24));
                    *layer = 0;  // cleared while in cache instead of in a second pass over the whole layer
                }
            }
        }
    }

private:
    static std::vector<quint32>& threadLayer() {
        thread_local std::vector<quint32> layer;
        return layer;
    }

    // Source over a contiguous run of premultiplied pixels with one colour (an opaque one replaces them), with the
    // same rounding as scaled(). With SSE2 the run goes four pixels per step, the last step masked so pixels past
    // the end are written back as they were: runs are short and of every length, and the scalar loop for the rest
    // was a second mispredicted loop exit per run. Up to three pixels past the end must be part of the layer.
    static void blend(quint32* pixel, quint32* const end, quint32 keep, quint32 sourceColour) {
#if defined(__SSE2__)
        alignas(16) static constexpr quint32 lastStepMasks[4][4] = {
            {~0U, ~0U, ~0U, ~0U}, {~0U, 0, 0, 0}, {~0U, ~0U, 0, 0}, {~0U, ~0U, ~0U, 0}};
        const __m128i source = _mm_set1_epi32(static_cast<int>(sourceColour));
        const auto* const lastMask = reinterpret_cast<const __m128i*>(lastStepMasks[(end - pixel) & 3]);
        if (keep == 0) {
            for (; pixel < end; pixel += 4) {
                auto* const at = reinterpret_cast<__m128i*>(pixel);
                const __m128i mask = end - pixel >= 4 ? _mm_set1_epi32(-1) : _mm_load_si128(lastMask);
                const __m128i under = _mm_loadu_si128(at);
                _mm_storeu_si128(at, _mm_or_si128(_mm_and_si128(mask, source), _mm_andnot_si128(mask, under)));
            }
            return;
        }
        const __m128i zero = _mm_setzero_si128();
        const __m128i factor = _mm_set1_epi16(static_cast<short>(keep));
        const __m128i half = _mm_set1_epi16(0x80);
        for (; pixel < end; pixel += 4) {
            auto* const at = reinterpret_cast<__m128i*>(pixel);
            const __m128i mask = end - pixel >= 4 ? _mm_set1_epi32(-1) : _mm_load_si128(lastMask);
            const __m128i under = _mm_loadu_si128(at);
            __m128i low = _mm_mullo_epi16(_mm_unpacklo_epi8(under, zero), factor);
            __m128i high = _mm_mullo_epi16(_mm_unpackhi_epi8(under, zero), factor);
            low = _mm_srli_epi16(_mm_add_epi16(_mm_add_epi16(low, _mm_srli_epi16(low, 8)), half), 8);
            high = _mm_srli_epi16(_mm_add_epi16(_mm_add_epi16(high, _mm_srli_epi16(high, 8)), half), 8);
            const __m128i blended = _mm_adds_epu8(_mm_packus_epi16(low, high), source);
            _mm_storeu_si128(at, _mm_or_si128(_mm_and_si128(mask, blended), _mm_andnot_si128(mask, under)));
        }
#else
        if (keep == 0) {
            std::fill(pixel, end, sourceColour);
            return;
        }
        for (; pixel != end; ++pixel)
            *pixel = sourceColour + scaled(*pixel, keep);
#endif
    }

    // The pixels [pixel, end) a run covers in its layer column (rows firstRow..lastRow of the clip); false when it
    // covers none there.
    static bool pixelsOf(const ColumnRun& run, quint32* column, int firstRow, int lastRow, quint32*& pixel,
                         quint32*& end) {
        const int top = std::max<int>(run.top, firstRow);
        const int bottom = std::min<int>(run.bottom, lastRow);
        if (top > bottom)
            return false;
        pixel = column + (top - firstRow);
        end = column + (bottom - firstRow) + 1;
        return true;
    }

#if defined(RUNLENS_AVX2_FILL)
    // fillRuns() eight pixels per step, the same arithmetic as blend() in twice the width; true when it filled any.
    // Up to seven pixels past a run's end must be part of the layer.
    [[gnu::target("avx2")]] static bool fillRunsAvx2(const ColumnRun* runs, int from, int to, quint32* column,
                                                     int height, int firstRow, int lastRow, quint32 keep,
                                                     quint32 sourceColour) {
        alignas(32) static constexpr quint32 lastStepMasks[8][8] = {{~0U, ~0U, ~0U, ~0U, ~0U, ~0U, ~0U, ~0U},
                                                                    {~0U, 0, 0, 0, 0, 0, 0, 0},
                                                                    {~0U, ~0U, 0, 0, 0, 0, 0, 0},
                                                                    {~0U, ~0U, ~0U, 0, 0, 0, 0, 0},
                                                                    {~0U, ~0U, ~0U, ~0U, 0, 0, 0, 0},
                                                                    {~0U, ~0U, ~0U, ~0U, ~0U, 0, 0, 0},
                                                                    {~0U, ~0U, ~0U, ~0U, ~0U, ~0U, 0, 0},
                                                                    {~0U, ~0U, ~0U, ~0U, ~0U, ~0U, ~0U, 0}};
        const __m256i source = _mm256_set1_epi32(static_cast<int>(sourceColour));
        const __m256i zero = _mm256_setzero_si256();
        const __m256i factor = _mm256_set1_epi16(static_cast<short>(keep));
        const __m256i half = _mm256_set1_epi16(0x80);
        const __m256i all = _mm256_set1_epi32(-1);
        bool filled = false;
        for (int c = from; c <= to; ++c, column += height) {
            quint32* pixel = nullptr;
            quint32* end = nullptr;
            if (!pixelsOf(runs[c], column, firstRow, lastRow, pixel, end))
                continue;
            filled = true;
            const __m256i lastMask =
                _mm256_load_si256(reinterpret_cast<const __m256i*>(lastStepMasks[(end - pixel) & 7]));
            for (; pixel < end; pixel += 8) {
                auto* const at = reinterpret_cast<__m256i*>(pixel);
                const __m256i mask = end - pixel >= 8 ? all : lastMask;
                const __m256i under = _mm256_loadu_si256(at);
                __m256i blended = source;
                if (keep != 0) {
                    __m256i low = _mm256_mullo_epi16(_mm256_unpacklo_epi8(under, zero), factor);
                    __m256i high = _mm256_mullo_epi16(_mm256_unpackhi_epi8(under, zero), factor);
                    low =
                        _mm256_srli_epi16(_mm256_add_epi16(_mm256_add_epi16(low, _mm256_srli_epi16(low, 8)), half), 8);
                    high = _mm256_srli_epi16(_mm256_add_epi16(_mm256_add_epi16(high, _mm256_srli_epi16(high, 8)), half),
                                             8);
                    blended = _mm256_adds_epu8(_mm256_packus_epi16(low, high), source);
                }
                _mm256_storeu_si256(at, _mm256_blendv_epi8(under, blended, mask));
            }
        }
        return filled;
    }
#endif

    // Every channel of a premultiplied pixel times factor / 255, two channels per multiplication.
    static quint32 scaled(quint32 pixel, quint32 factor) {
        quint32 redBlue = (pixel & 0x00ff00ffU) * factor;
        redBlue = ((redBlue + ((redBlue >> 8) & 0x00ff00ffU) + 0x00800080U) >> 8) & 0x00ff00ffU;
        quint32 alphaGreen = ((pixel >> 8) & 0x00ff00ffU) * factor;
        alphaGreen = (alphaGreen + ((alphaGreen >> 8) & 0x00ff00ffU) + 0x00800080U) & 0xff00ff00U;
        return alphaGreen | redBlue;
    }

    QImage& m_image;
    QRect m_clip;
    std::vector<quint32>& m_layer;  // column-major, m_clip.height() pixels per column
    quint32 m_keep = 0;             // 255 - alpha of the current colour
    quint32 m_source = 0;
    bool m_dirty = false;
};

}  // namespace

int yTickCount(double plotHeight) {
    return std::max(2, static_cast<int>(plotHeight / 45));
}

QString valueText(double value) {
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(value, 'g', 4);
}

Ticks xTicks(XMode mode, double x0, double x1, int count) {
    Ticks ticks;
    switch (mode) {
    case XMode::step:
        ticks.title = QStringLiteral("step");
        ticks.values = linearTicks(x0, x1, count, std::max(1.0, niceStep(x1 - x0, count)));
        for (double v : ticks.values)
            ticks.labels.push_back(QString::number(v, 'g', 10));
        break;
    case XMode::relativeTime: {
        const TimeUnit unit = relativeUnit(x1 - x0);
        ticks.title = QStringLiteral("relative time (%1)").arg(QLatin1String(unit.name));
        ticks.values = linearTicks(x0, x1, count, niceStep((x1 - x0) / unit.seconds, count) * unit.seconds);
        for (double v : ticks.values)
            ticks.labels.push_back(QString::number(v / unit.seconds, 'g', 6));
        break;
    }
    case XMode::wallTime: {
        const double span = x1 - x0;
        ticks.title = QStringLiteral("wall time");
        const double step = niceTimeStep(span, count);
        // Align ticks to local midnight-based multiples so 10:00, 10:30 appear rather than 10:07.
        const qint64 offset = QDateTime::fromSecsSinceEpoch(static_cast<qint64>(x0)).offsetFromUtc();
        for (double t = std::ceil((x0 + offset) / step) * step - offset; t <= x1; t += step)
            ticks.values.push_back(t);
        const QString format = span < 600          ? QStringLiteral("HH:mm:ss")
                               : span < 86400      ? QStringLiteral("HH:mm")
                               : span < 86400 * 60 ? QStringLiteral("MM-dd HH:mm")
                                                   : QStringLiteral("yyyy-MM-dd");
        for (double v : ticks.values)
            ticks.labels.push_back(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(v * 1000)).toString(format));
        if (!ticks.values.empty())
            ticks.title = QStringLiteral("wall time (from %1)")
                              .arg(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(x0 * 1000))
                                       .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        break;
    }
    }
    return ticks;
}

Ticks yTicks(bool logScale, double y0, double y1, int count) {
    Ticks ticks;
    if (logScale && y0 > 0 && y1 > y0) {
        const double a = std::log10(y0);
        const double b = std::log10(y1);
        const int decadeStep = std::max(1, static_cast<int>(std::ceil((b - a) / std::max(count, 1))));
        for (int d = static_cast<int>(std::ceil(a)); d <= static_cast<int>(std::floor(b)); d += decadeStep)
            ticks.values.push_back(std::pow(10.0, d));
        if (b - a < 2.5) {  // few decades: 2 and 5 in between
            for (int d = static_cast<int>(std::floor(a)); d <= static_cast<int>(std::ceil(b)); ++d) {
                for (double m : {2.0, 5.0}) {
                    const double v = m * std::pow(10.0, d);
                    if (v >= y0 && v <= y1)
                        ticks.values.push_back(v);
                }
            }
            std::sort(ticks.values.begin(), ticks.values.end());
        }
        if (ticks.values.size() < 2)  // less than a decade: plain nice values
            ticks.values = linearTicks(y0, y1, count);
    } else {
        ticks.values = linearTicks(y0, y1, count);
    }
    for (double v : ticks.values)
        ticks.labels.push_back(valueText(v));
    return ticks;
}

CurveFigure::CurveFigure(std::shared_ptr<const ChartScene> scene, bool withLegend)
    : m_scene(std::move(scene)), m_withLegend(withLegend) {}

double CurveFigure::legendWidth(const FigureStyle& style) const {
    if (!m_withLegend)
        return 0;
    const QFontMetricsF metrics(style.font);
    double widest = metrics.horizontalAdvance(QStringLiteral("and 0000 more"));
    const auto consider = [&](const QString& text) {
        widest = std::max(widest, metrics.horizontalAdvance(text));
    };
    for (const auto& run : m_scene->runs)
        consider(run.name);
    for (const auto& group : m_scene->groups)
        consider(group.label + QStringLiteral(" (00)"));
    return std::min(widest, 240.0) + 34;
}

QRectF CurveFigure::plotRect(const QRectF& area, const FigureStyle& style) const {
    const QFontMetricsF body(style.font);
    const QFontMetricsF title(style.titleFont);
    const double top = area.top() + title.height() + titleGap + 4;
    const double bottom = area.bottom() - 2 * body.height() - tickLength - 6;
    // The same ticks paint() draws, so the widest label fits.
    const Ticks y = yTicks(m_scene->logY, m_scene->y0, m_scene->y1, yTickCount(bottom - top));
    double labelWidth = body.horizontalAdvance(QStringLiteral("0.000"));
    for (const QString& label : y.labels)
        labelWidth = std::max(labelWidth, body.horizontalAdvance(label));
    const double left = area.left() + labelWidth + tickLength + 8;
    const double right = area.right() - 12 - legendWidth(style);
    return QRectF(QPointF(left, top), QPointF(std::max(left + 10, right), std::max(top + 10, bottom)));
}

double CurveFigure::xToPixel(double x, const QRectF& plot) const {
    return plot.left() + (x - m_scene->x0) / (m_scene->x1 - m_scene->x0) * plot.width();
}
double CurveFigure::pixelToX(double px, const QRectF& plot) const {
    return m_scene->x0 + (px - plot.left()) / plot.width() * (m_scene->x1 - m_scene->x0);
}

double CurveFigure::yToPixel(double y, const QRectF& plot) const {
    if (m_scene->logY) {
        const double a = std::log10(m_scene->y0);
        const double b = std::log10(m_scene->y1);
        const auto l = logY(y);
        if (!l)  // zero and negative values sit below the axis
            return plot.bottom() + 4;
        return plot.bottom() - (*l - a) / (b - a) * plot.height();
    }
    return plot.bottom() - (y - m_scene->y0) / (m_scene->y1 - m_scene->y0) * plot.height();
}

double CurveFigure::pixelToY(double py, const QRectF& plot) const {
    const double fraction = (plot.bottom() - py) / plot.height();
    if (m_scene->logY) {
        const double a = std::log10(m_scene->y0);
        const double b = std::log10(m_scene->y1);
        return std::pow(10.0, a + fraction * (b - a));
    }
    return m_scene->y0 + fraction * (m_scene->y1 - m_scene->y0);
}

QString CurveFigure::xText(double x) const {
    switch (m_scene->xMode) {
    case XMode::step:
        return QStringLiteral("step %1").arg(std::llround(x));
    case XMode::relativeTime: {
        const TimeUnit unit = relativeUnit(m_scene->x1 - m_scene->x0);
        return QStringLiteral("%1 %2").arg(QString::number(x / unit.seconds, 'f', 2), QLatin1String(unit.name));
    }
    case XMode::wallTime:
        return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(x * 1000))
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    return {};
}

void CurveFigure::paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const {
    painter.save();
    const QRectF plot = plotRect(area, style);
    const QFontMetricsF body(style.font);

    // Title: the metric key, as plain text.
    painter.setFont(style.titleFont);
    painter.setPen(style.text);
    const QRectF titleBox(area.left() + 8, area.top() + 2, area.width() - 16, QFontMetricsF(style.titleFont).height());
    const QString title = m_scene->logY ? QStringLiteral("%1  (log y)").arg(m_scene->key) : m_scene->key;
    painter.drawText(titleBox, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(style.titleFont).elidedText(title, Qt::ElideMiddle, titleBox.width()));

    // Grid and tick labels.
    painter.setFont(style.font);
    const int xCount = std::max(2, static_cast<int>(plot.width() / 110));
    const int yCount = yTickCount(plot.height());
    const Ticks xt = xTicks(m_scene->xMode, m_scene->x0, m_scene->x1, xCount);
    const Ticks yt = yTicks(m_scene->logY, m_scene->y0, m_scene->y1, yCount);
    painter.setPen(QPen(style.grid, 1));
    for (double v : xt.values) {
        const double px = xToPixel(v, plot);
        painter.drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()));
    }
    for (double v : yt.values) {
        const double py = yToPixel(v, plot);
        painter.drawLine(QPointF(plot.left(), py), QPointF(plot.right(), py));
    }
    painter.setPen(QPen(style.axis, 1));
    painter.drawRect(plot);
    painter.setPen(style.mutedText);
    for (std::size_t i = 0; i < xt.values.size(); ++i) {
        const double px = xToPixel(xt.values[i], plot);
        painter.drawLine(QPointF(px, plot.bottom()), QPointF(px, plot.bottom() + tickLength));
        const double w = body.horizontalAdvance(xt.labels[i]);
        const double left = std::clamp(px - w / 2, area.left(), area.right() - w);
        painter.drawText(QPointF(left, plot.bottom() + tickLength + body.ascent() + 2), xt.labels[i]);
    }
    for (std::size_t i = 0; i < yt.values.size(); ++i) {
        const double py = yToPixel(yt.values[i], plot);
        painter.drawLine(QPointF(plot.left() - tickLength, py), QPointF(plot.left(), py));
        const double w = body.horizontalAdvance(yt.labels[i]);
        painter.drawText(QPointF(plot.left() - tickLength - 4 - w, py + body.ascent() / 2 - 1), yt.labels[i]);
    }
    const QString xTitle = xt.title;
    painter.drawText(QRectF(plot.left(), plot.bottom() + tickLength + body.height() + 2, plot.width(), body.height()),
                     Qt::AlignHCenter | Qt::AlignVCenter, xTitle);

    if (!m_scene->hasData()) {
        painter.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap,
                         m_scene->hiddenRuns > 0 ? QStringLiteral("Every run with this metric is hidden.")
                                                 : QStringLiteral("No data in this range."));
    } else {
        painter.save();
        painter.setClipRect(plot.adjusted(-1, -1, 1, 1));
        paintCurves(painter, plot);
        painter.restore();
    }

    if (m_withLegend) {
        const QRectF box(plot.right() + 12, plot.top(), area.right() - plot.right() - 12, plot.height());
        paintLegend(painter, box, style);
    }
    painter.restore();
}

void CurveFigure::paintCurves(QPainter& painter, const QRectF& plot) const {
    const ChartScene& s = *m_scene;
    std::size_t vertices = 0;
    for (const auto& run : s.runs)
        vertices += 2 * (run.raw.size() + run.smooth.size());
    // Dense overlays: thin cosmetic pens take the raster engine's direct line drawing instead of stroking each
    // polyline into a polygon, which is what makes a thousand curves cheap.
    const std::size_t curves = s.runs.size() * (s.smoothed ? 2 : 1);
    const bool dense = vertices > static_cast<std::size_t>(denseVertexCount) || curves > denseCurveCount;
    painter.setRenderHint(QPainter::Antialiasing, !dense);
    const auto pen = [&](const QColor& colour, double width) {
        QPen p(colour, dense ? 1.0 : width);
        p.setCosmetic(dense || width <= 1.0);
        p.setJoinStyle(Qt::BevelJoin);
        return p;
    };

    // Dense or zigzagging curves on a raster image at a plain scale (the screen, PNG exports) skip the painter:
    // antialiasing adds nothing to them, and stroking a polyline that crosses itself a thousand times is slow.
    std::optional<SpanRaster> raster;
    QImage* image = nullptr;
    const QTransform toDevice = painter.deviceTransform();
    const QRect deviceClip = toDevice.mapRect(plot).toAlignedRect();
    if (painter.device() && painter.device()->devType() == QInternal::Image && toDevice.type() <= QTransform::TxScale) {
        image = static_cast<QImage*>(painter.device());
        if (image->format() == QImage::Format_ARGB32_Premultiplied)
            raster.emplace(*image, deviceClip);
        else
            image = nullptr;
    }

    // Data to pixels as scale and offset (log10 first on a log axis), computed once per chart, not per vertex.
    const double xScale = plot.width() / (s.x1 - s.x0);
    const double xOffset = plot.left() - s.x0 * xScale;
    const double yBottom = s.logY ? std::log10(s.y0) : s.y0;
    const double yTop = s.logY ? std::log10(s.y1) : s.y1;
    const double yScale = -plot.height() / (yTop - yBottom);
    const double yOffset = plot.bottom() - yBottom * yScale;
    const double belowAxis = plot.bottom() + 4;
    const auto yPixel = [&](double y) {
        if (s.logY)
            return y > 0 ? std::log10(y) * yScale + yOffset : belowAxis;
        return y * yScale + yOffset;
    };

    std::vector<QPointF> line;
    // A column as a vertical stroke from its min to its max, joined to the next: every spike stays visible.
    const auto envelope = [&](const Columns& c) {
        line.clear();
        line.reserve(c.size() * 2);
        for (std::size_t k = 0; k < c.size(); ++k) {
            const double px = c.x[k] * xScale + xOffset;
            line.push_back(clampedPoint(px, yPixel(c.low[k])));
            if (c.high[k] != c.low[k])
                line.push_back(clampedPoint(px, yPixel(c.high[k])));
        }
        double travel = 0;
        for (std::size_t k = 1; k < line.size(); ++k)
            travel += std::abs(line[k].y() - line[k - 1].y());
        if (raster && (dense || travel > zigzagTravel * plot.height())) {
            for (QPointF& point : line)
                point = toDevice.map(point);
            raster->setColour(painter.pen().color());
            raster->polyline(line);
            return;
        }
        if (raster)
            raster->flush();  // keep the drawing order
        if (line.size() == 1)
            line.push_back(line.front() + QPointF(0.5, 0));  // a single point still shows as a dot
        painter.drawPolyline(line.data(), static_cast<int>(line.size()));
    };

    if (!s.groups.empty()) {
        for (const SceneGroup& g : s.groups) {
            QColor fill = g.colour;
            fill.setAlphaF(0.2f);
            // One band and one mean line per stretch of columns some member run spans.
            for (std::size_t begin = 0; begin < g.x.size();) {
                std::size_t end = begin + 1;
                while (end < g.x.size() && !g.startsSegment[end])
                    ++end;
                QPolygonF band;
                for (std::size_t k = begin; k < end; ++k)
                    band << clampedPoint(xToPixel(g.x[k], plot), yToPixel(g.high[k], plot));
                for (std::size_t k = end; k-- > begin;)
                    band << clampedPoint(xToPixel(g.x[k], plot), yToPixel(g.low[k], plot));
                painter.setPen(Qt::NoPen);
                painter.setBrush(fill);
                painter.drawPolygon(band);
                painter.setBrush(Qt::NoBrush);
                painter.setPen(pen(g.colour, 2.0));
                line.clear();
                for (std::size_t k = begin; k < end; ++k)
                    line.push_back(clampedPoint(xToPixel(g.x[k], plot), yToPixel(g.mean[k], plot)));
                if (line.size() == 1)
                    line.push_back(line.front() + QPointF(0.5, 0));
                painter.drawPolyline(line.data(), static_cast<int>(line.size()));
                begin = end;
            }
        }
        return;
    }
    // Raw curves first (faint when smoothed), then smoothed ones on top of all of them. Raw envelopes of noisy
    // series zigzag across the plot, so they always use a one-pixel pen.
    if (raster && dense && deviceClip.height() < SHRT_MAX) {
        // Many curves, in drawing order.
        std::vector<std::pair<const Columns*, QColor>> order;
        for (const SceneRun& run : s.runs) {
            QColor colour = run.colour;
            if (!run.smooth.empty())
                colour.setAlphaF(0.28f);
            order.emplace_back(&run.raw, colour);
        }
        for (const SceneRun& run : s.runs)
            if (!run.smooth.empty())
                order.emplace_back(&run.smooth, run.colour);
        raster.reset();
        const QRect clip = deviceClip.intersected(image->rect());
        if (clip.isEmpty())
            return;
        const double deviceXScale = xScale * toDevice.m11();
        const double deviceXOffset = xOffset * toDevice.m11() + toDevice.dx();
        // First every curve's pixel-column runs, one curve per task: its points are walked once and read in
        // order, instead of once per strip after a search for the strip's edges in memory no cache still holds.
        // Rows are kept relative to the clip, clamped one row beyond it (clamping commutes with joining pieces).
        const int width = clip.width();
        const int rowLimit = clip.height();
        // Kept between redraws on the painting thread; every row is reset before use. Workers see it through the
        // reference (a thread_local named in the lambda would be each worker's own).
        thread_local std::vector<ColumnRun> runBuffer;
        std::vector<ColumnRun>& runs = runBuffer;
        runs.resize(order.size() * static_cast<std::size_t>(width));
        std::vector<std::pair<int, int>> reach(order.size());  // first and last column with a run, clip-relative
        std::vector<std::size_t> curveIndexes(order.size());
        for (std::size_t i = 0; i < curveIndexes.size(); ++i)
            curveIndexes[i] = i;
        QtConcurrent::blockingMap(curveWorkers(), curveIndexes, [&](std::size_t curve) {
            const Columns& c = *order[curve].first;
            thread_local std::vector<QPointF> points;
            // Both ends of every column's stroke are written; the top one is kept only when it differs, without a
            // branch (it is as likely as not).
            points.resize(2 * c.size());
            std::size_t kept = 0;
            for (std::size_t k = 0; k < c.size(); ++k) {
                const double px = c.x[k] * deviceXScale + deviceXOffset;
                points[kept] = clampedPoint(px, yPixel(c.low[k]) * toDevice.m22() + toDevice.dy());
                points[kept + 1] = clampedPoint(px, yPixel(c.high[k]) * toDevice.m22() + toDevice.dy());
                kept += c.high[k] != c.low[k] ? 2 : 1;
            }
            ColumnRun* const row = runs.data() + curve * static_cast<std::size_t>(width);
            std::fill(row, row + width, ColumnRun{SHRT_MAX, SHRT_MIN});
            int first = INT_MAX;
            int last = INT_MIN;
            walkIntoRow(points.data(), kept, clip, rowLimit, row, first, last);
            reach[curve] = {first, last};
        });
        // Then vertical strips of the plot are filled in parallel, each strip every curve in order, so the result
        // is the same as one pass; the strips are disjoint memory. Several strips per thread: the noisy start of
        // the curves costs far more than their flat tails, and equal halves left one thread idle.
        std::vector<std::pair<quint32, quint32>> colours;  // converted once, not once per strip
        for (const auto& [columns, colour] : order)
            colours.emplace_back(SpanRaster::keepOf(colour), SpanRaster::premultipliedOf(colour));
        const int threads = std::clamp(QThread::idealThreadCount(), 1, 8);
        const int count = threads == 1 ? 1 : std::clamp(width / 32, 1, 4 * threads);
        std::vector<QRect> strips;
        for (int i = 0; i < count; ++i) {
            const int left = clip.left() + width * i / count;
            const int right = clip.left() + width * (i + 1) / count - 1;
            if (right >= left)
                strips.emplace_back(QPoint(left, clip.top()), QPoint(right, clip.bottom()));
        }
        QtConcurrent::blockingMap(curveWorkers(), strips, [&](const QRect& strip) {
            SpanRaster part(*image, strip);
            const int stripFirst = strip.left() - clip.left();
            const int stripLast = strip.right() - clip.left();
            for (std::size_t curve = 0; curve < order.size(); ++curve) {
                const int from = std::max(stripFirst, reach[curve].first);
                const int to = std::min(stripLast, reach[curve].second);
                if (from > to)
                    continue;
                part.setColour(colours[curve].first, colours[curve].second);
                part.fillRuns(runs.data() + curve * static_cast<std::size_t>(width), from, to, clip.topLeft());
            }
        });
        return;
    }
    for (const SceneRun& run : s.runs) {
        QColor colour = run.colour;
        if (!run.smooth.empty())
            colour.setAlphaF(0.28f);
        painter.setPen(pen(colour, 1.0));
        envelope(run.raw);
    }
    for (const SceneRun& run : s.runs) {
        if (run.smooth.empty())
            continue;
        painter.setPen(pen(run.colour, 1.8));
        envelope(run.smooth);
    }
}

void CurveFigure::paintLegend(QPainter& painter, const QRectF& box, const FigureStyle& style) const {
    const QFontMetricsF metrics(style.font);
    const double row = metrics.height() + 4;
    const int capacity = std::max(1, static_cast<int>(box.height() / row));
    struct Entry {
        QString text;
        QColor colour;
    };
    std::vector<Entry> entries;
    for (const auto& g : m_scene->groups)
        entries.push_back({QStringLiteral("%1 (%2)").arg(g.label).arg(g.members), g.colour});
    if (m_scene->groups.empty())
        for (const auto& r : m_scene->runs)
            entries.push_back({r.name, r.colour});
    const int total = static_cast<int>(entries.size());
    const int shown = total > capacity ? capacity - 1 : total;
    painter.setFont(style.font);
    double y = box.top();
    for (int i = 0; i < shown; ++i) {
        painter.setPen(QPen(entries[static_cast<std::size_t>(i)].colour, 3));
        painter.drawLine(QPointF(box.left(), y + row / 2), QPointF(box.left() + 18, y + row / 2));
        painter.setPen(style.text);
        painter.drawText(
            QRectF(box.left() + 24, y, box.width() - 24, row), Qt::AlignLeft | Qt::AlignVCenter,
            metrics.elidedText(entries[static_cast<std::size_t>(i)].text, Qt::ElideRight, box.width() - 24));
        y += row;
    }
    painter.setPen(style.mutedText);
    if (shown < total) {
        painter.drawText(QRectF(box.left() + 24, y, box.width() - 24, row), Qt::AlignLeft | Qt::AlignVCenter,
                         QStringLiteral("and %1 more").arg(total - shown));
        y += row;
    }
    if (m_scene->hiddenRuns > 0)
        painter.drawText(QRectF(box.left() + 24, y, box.width() - 24, row), Qt::AlignLeft | Qt::AlignVCenter,
                         QStringLiteral("%1 hidden").arg(m_scene->hiddenRuns));
}

QString CurveFigure::csv() const {
    const ChartScene& s = *m_scene;
    const QString xName = s.xMode == XMode::step           ? QStringLiteral("step")
                          : s.xMode == XMode::relativeTime ? QStringLiteral("relative_time_s")
                                                           : QStringLiteral("wall_time_s");
    QString out;
    const QChar comma(QLatin1Char(','));
    const QChar newline(QLatin1Char('\n'));
    if (!s.groups.empty()) {
        out += QStringLiteral("group,runs,%1,mean,min,max\n").arg(xName);
        for (const SceneGroup& g : s.groups) {
            for (std::size_t k = 0; k < g.x.size(); ++k)
                out += csvField(g.label) + comma + QString::number(g.members) + comma + csvNumber(g.x[k]) + comma +
                       csvNumber(g.mean[k]) + comma + csvNumber(g.low[k]) + comma + csvNumber(g.high[k]) + newline;
        }
        return out;
    }
    out += QStringLiteral("run,run_id,%1,raw_min,raw_max,smoothed_min,smoothed_max\n").arg(xName);
    for (const SceneRun& run : s.runs) {
        // Raw and smoothed columns merged by pixel column; a side without data there stays empty.
        std::size_t i = 0;
        std::size_t j = 0;
        while (i < run.raw.size() || j < run.smooth.size()) {
            const int ci = i < run.raw.size() ? run.raw.index[i] : INT32_MAX;
            const int cj = j < run.smooth.size() ? run.smooth.index[j] : INT32_MAX;
            const int column = std::min(ci, cj);
            const bool hasRaw = ci == column;
            const bool hasSmooth = cj == column;
            const double x = hasRaw ? run.raw.x[i] : run.smooth.x[j];
            out += csvField(run.name) + comma + QString::number(run.runId) + comma + csvNumber(x) + comma +
                   (hasRaw ? csvNumber(run.raw.low[i]) : QString()) + comma +
                   (hasRaw ? csvNumber(run.raw.high[i]) : QString()) + comma +
                   (hasSmooth ? csvNumber(run.smooth.low[j]) : QString()) + comma +
                   (hasSmooth ? csvNumber(run.smooth.high[j]) : QString()) + newline;
            i += hasRaw ? 1 : 0;
            j += hasSmooth ? 1 : 0;
        }
    }
    return out;
}

}  // namespace runlens::ui::curves
