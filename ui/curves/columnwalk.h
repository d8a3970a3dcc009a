// SPDX-License-Identifier: MIT
#pragma once

#include <QPointF>
#include <QRect>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>

// How a one-pixel polyline covers pixel columns: the pieces of each segment per column, and the rows a whole curve
// covers in each column of a clip. The dense curve raster fills those rows; kept apart so tests can check the fast
// walk against the plain one.
namespace runlens::ui::curves {

// floor() for coordinates already clamped to +-1e5: without SSE4.1 std::floor is a library call, and it ran several
// times per vertex.
inline int floorToInt(double v) {
    const int truncated = static_cast<int>(v);
    return truncated - (v < truncated ? 1 : 0);
}

// A point's pixel: the column and row it falls in.
struct Pixel {
    int x;
    int y;
};

inline Pixel pixelOf(const QPointF& p) {
    return {floorToInt(p.x()), floorToInt(p.y())};
}

// Calls span(column, ya, yb) for each piece of the segment a-b (pixels pa, pb) in a pixel column: the segment is cut
// at the column edges (the exit of one column is the entry of the next), a vertical stroke stays one piece. A
// segment enters at a's pixel when a's column is drawn and leaves at b's pixel.
template <typename Span> void walkSegment(QPointF a, QPointF b, Pixel pa, Pixel pb, int left, int right, Span&& span) {
    if (a.x() > b.x()) {
        std::swap(a, b);
        std::swap(pa, pb);
    }
    if (b.x() - a.x() < 1e-9) {
        span(pa.x, pa.y, pb.y);
        return;
    }
    const int first = std::max(pa.x, left);
    const int last = std::min(pb.x, right);
    const double slope = (b.y() - a.y()) / (b.x() - a.x());
    // first <= a.x() exactly when first is a's own column (first >= floor(a.x) and first is whole).
    int entry = first == pa.x ? pa.y : floorToInt(a.y() + (first - a.x()) * slope);
    for (int px = first; px <= last; ++px) {
        const int exit = px + 1 >= b.x() ? pb.y : floorToInt(a.y() + (px + 1 - a.x()) * slope);
        span(px, entry, exit);
        entry = exit;
    }
}

// Walks a one-pixel polyline whose points come left to right and calls span(column, ya, yb) for each piece of it
// in a pixel column (see walkSegment). Columns outside [left, right] may still be passed for single points and
// vertical strokes; span() skips them. Each point's pixel is computed once, not once per segment it ends.
template <typename Span> void walkColumns(const QPointF* points, std::size_t count, int left, int right, Span&& span) {
    if (count == 0)
        return;
    Pixel previous = pixelOf(points[0]);
    if (count == 1)
        span(previous.x, previous.y, previous.y);
    for (std::size_t i = 1; i < count; ++i) {
        const Pixel next = pixelOf(points[i]);
        walkSegment(points[i - 1], points[i], previous, next, left, right, span);
        previous = next;
    }
}

// The rows one curve covers in one pixel column.
struct ColumnRun {
    std::int16_t top;
    std::int16_t bottom;
};

// The rows a polyline covers in each pixel column of clip, as walkColumns() finds them, merged into row (indexed by
// column - clip.left(), rows relative to clip.top() and clamped one row beyond it); first and last grow to the
// columns reached.
//
// Decimated curves step about one pixel column per point, and whether a point has a partner above it, or a segment
// crosses a column edge, is as good as random. So the common segment (left to right, inside the clip, over at most
// one column edge) is handled without a branch on the data, and the column being drawn is carried in registers and
// only stored, never read back: mispredicted branches, and each segment waiting for the previous one's store to its
// column, cost more than all the arithmetic. Anything else takes walkSegment() with read-modify-write merges; the
// carried column is then reloaded from the row, and once the curve has gone right to left every later segment
// takes that path, so a store never hides an earlier piece.
inline void walkIntoRow(const QPointF* points, std::size_t count, const QRect& clip, int rowLimit, ColumnRun* row,
                        int& first, int& last) {
    const int left = clip.left();
    const int right = clip.right();
    const int top = clip.top();
    // A pixel row relative to the clip, clamped one row beyond it.
    const auto rowOf = [&](int y) {
        return std::clamp(y - top, -1, rowLimit);
    };
    const auto merge = [&](int x, int ya, int yb) {
        if (x < left || x > right)
            return;
        ColumnRun& run = row[x - left];
        run.top = static_cast<std::int16_t>(std::min<int>(run.top, rowOf(std::min(ya, yb))));
        run.bottom = static_cast<std::int16_t>(std::max<int>(run.bottom, rowOf(std::max(ya, yb))));
        first = std::min(first, x - left);
        last = std::max(last, x - left);
    };
    if (count == 0)
        return;
    Pixel previous = pixelOf(points[0]);
    if (count == 1)
        merge(previous.x, previous.y, previous.y);
    int carriedColumn = INT_MIN;  // clip-relative; INT_MIN: nothing carried
    int carriedTop = 0;
    int carriedBottom = 0;
    bool backwards = false;
    for (std::size_t i = 1; i < count; ++i) {
        const QPointF a = points[i - 1];
        const QPointF b = points[i];
        const Pixel pa = previous;
        const Pixel pb = pixelOf(b);
        previous = pb;
        backwards = backwards || a.x() > b.x();
        if (backwards || pa.x < left || pb.x > right) [[unlikely]] {
            walkSegment(a, b, pa, pb, left, right, merge);
            carriedColumn = INT_MIN;
            continue;
        }
        const int column = pa.x - left;
        if (column != carriedColumn) [[unlikely]] {
            carriedColumn = column;
            carriedTop = row[column].top;
            carriedBottom = row[column].bottom;
        }
        if (pb.x - pa.x > 1) {
            // A long segment (zoomed in past the points), cut as walkSegment() cuts it; its pieces come column by
            // column from a's, and the columns after a's are new, so they are stored without being read.
            walkSegment(a, b, pa, pb, left, right, [&](int x, int ya, int yb) {
                const bool carried = x - left == carriedColumn;
                carriedTop = carried ? std::min(carriedTop, rowOf(std::min(ya, yb))) : rowOf(std::min(ya, yb));
                carriedBottom = carried ? std::max(carriedBottom, rowOf(std::max(ya, yb))) : rowOf(std::max(ya, yb));
                carriedColumn = x - left;
                row[carriedColumn] = {static_cast<std::int16_t>(carriedTop), static_cast<std::int16_t>(carriedBottom)};
            });
            first = std::min(first, column);
            last = std::max(last, carriedColumn);
            continue;
        }
        // A vertical stroke is one piece in a's column. Otherwise the segment enters a's column at a's row and
        // leaves it at b's row when b is in the same column or sits on its right edge, else where it crosses the
        // edge; the rest, in b's column, runs from there to b's row.
        const double dx = b.x() - a.x();
        const bool crosses = dx >= 1e-9 && pb.x > pa.x && pa.x + 1 < b.x();
        const double edgeY = a.y() + (pa.x + 1 - a.x()) * ((b.y() - a.y()) / (crosses ? dx : 1.0));
        const int middle = crosses ? floorToInt(crosses ? edgeY : 0.0) : pb.y;
        const int secondColumn = (dx >= 1e-9 ? pb.x : pa.x) - left;
        const int firstTop = rowOf(std::min(pa.y, middle));
        const int firstBottom = rowOf(std::max(pa.y, middle));
        const int secondTop = rowOf(std::min(middle, pb.y));
        const int secondBottom = rowOf(std::max(middle, pb.y));
        const int columnTop = std::min(carriedTop, firstTop);
        const int columnBottom = std::max(carriedBottom, firstBottom);
        const bool sameColumn = secondColumn == column;
        // a's column is complete unless b is in it too; b's column starts with the second piece.
        const int doneTop = sameColumn ? std::min(columnTop, secondTop) : columnTop;
        const int doneBottom = sameColumn ? std::max(columnBottom, secondBottom) : columnBottom;
        row[column] = {static_cast<std::int16_t>(doneTop), static_cast<std::int16_t>(doneBottom)};
        carriedTop = sameColumn ? doneTop : secondTop;
        carriedBottom = sameColumn ? doneBottom : secondBottom;
        carriedColumn = secondColumn;
        row[secondColumn] = {static_cast<std::int16_t>(carriedTop), static_cast<std::int16_t>(carriedBottom)};
        first = std::min(first, column);
        last = std::max(last, secondColumn);
    }
}

}  // namespace runlens::ui::curves
