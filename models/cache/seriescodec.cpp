// SPDX-License-Identifier: MIT
#include "seriescodec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <tuple>

namespace runlens::seriescodec {
namespace {

constexpr std::uint8_t seriesMagic = 'S';
constexpr std::uint8_t lodMagic = 'L';
constexpr std::uint8_t formatVersion = 1;
constexpr std::uint8_t flagIntegralTimestamps = 1;

std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

void putVarint(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

void putDouble(std::vector<std::uint8_t>& out, double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
}

void putInt64(std::vector<std::uint8_t>& out, std::int64_t v) {
    const auto bits = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
}

// Bounds-checked reader; a short or malformed blob yields an error instead of a crash.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}
    bool varint(std::uint64_t& out) {
        out = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_bytes.size())
                return false;
            const std::uint8_t b = m_bytes[m_pos++];
            out |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return true;
        }
        return false;
    }
    bool fixed64(std::uint64_t& out) {
        if (m_bytes.size() - m_pos < 8)
            return false;
        out = 0;
        for (int i = 0; i < 8; ++i)
            out |= static_cast<std::uint64_t>(m_bytes[m_pos + static_cast<std::size_t>(i)]) << (8 * i);
        m_pos += 8;
        return true;
    }
    bool byte(std::uint8_t& out) {
        if (m_pos >= m_bytes.size())
            return false;
        out = m_bytes[m_pos++];
        return true;
    }
    std::size_t remaining() const { return m_bytes.size() - m_pos; }

private:
    std::span<const std::uint8_t> m_bytes;
    std::size_t m_pos = 0;
};

Error corrupt(const char* what) {
    return Error{{}, {}, std::string("corrupt series data in the cache: ") + what};
}

}  // namespace

void sortByStep(std::vector<MetricPoint>& points) {
    if (!std::is_sorted(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.step < b.step; }))
        std::stable_sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
}

SeriesSummary summarize(std::span<const MetricPoint> points) {
    SeriesSummary s;
    s.count = static_cast<std::int64_t>(points.size());
    if (points.empty())
        return s;
    s.first = points.front().value;
    s.firstStep = points.front().step;
    const MetricPoint* latest = &points.front();
    // NaN compares false, so a NaN value only wins the latest tuple when nothing else ties on (step, time).
    auto later = [](const MetricPoint& a, const MetricPoint& b) {
        return std::tie(a.step, a.timestampMs) != std::tie(b.step, b.timestampMs)
                   ? std::tie(a.step, a.timestampMs) > std::tie(b.step, b.timestampMs)
                   : a.value > b.value;
    };
    for (const MetricPoint& p : points) {
        if (std::isnan(p.value)) {
            ++s.nanCount;
        } else {
            s.min = s.min ? std::min(*s.min, p.value) : p.value;
            s.max = s.max ? std::max(*s.max, p.value) : p.value;
        }
        if (later(p, *latest))
            latest = &p;
    }
    s.last = latest->value;
    s.lastStep = latest->step;
    return s;
}

std::vector<std::uint8_t> encode(std::span<const MetricPoint> points) {
    bool integral = true;
    for (const MetricPoint& p : points) {
        if (!(std::isfinite(p.timestampMs) && p.timestampMs == std::trunc(p.timestampMs) &&
              std::fabs(p.timestampMs) < 9.0e15)) {
            integral = false;
            break;
        }
    }
    // Written through a raw cursor into a buffer sized for the worst case (10-byte varints), then trimmed:
    // this runs once per point of every import.
    std::vector<std::uint8_t> out(16 + points.size() * (10 + (integral ? 10 : 8) + 8));
    std::uint8_t* cursor = out.data();
    auto varint = [&cursor](std::uint64_t v) {
        while (v >= 0x80) {
            *cursor++ = static_cast<std::uint8_t>(v | 0x80);
            v >>= 7;
        }
        *cursor++ = static_cast<std::uint8_t>(v);
    };
    auto fixed64 = [&cursor](std::uint64_t bits) {
        for (int i = 0; i < 8; ++i)
            *cursor++ = static_cast<std::uint8_t>(bits >> (8 * i));
    };
    *cursor++ = seriesMagic;
    *cursor++ = formatVersion;
    *cursor++ = integral ? flagIntegralTimestamps : 0;
    varint(points.size());
    std::uint64_t previousStep = 0;
    for (const MetricPoint& p : points) {
        const auto step = static_cast<std::uint64_t>(p.step);
        varint(zigzag(static_cast<std::int64_t>(step - previousStep)));
        previousStep = step;
    }
    if (integral) {
        std::int64_t previous = 0;
        for (const MetricPoint& p : points) {
            const auto t = static_cast<std::int64_t>(p.timestampMs);
            varint(zigzag(t - previous));
            previous = t;
        }
    } else {
        for (const MetricPoint& p : points)
            fixed64(std::bit_cast<std::uint64_t>(p.timestampMs));
    }
    for (const MetricPoint& p : points)
        fixed64(std::bit_cast<std::uint64_t>(p.value));
    out.resize(static_cast<std::size_t>(cursor - out.data()));
    return out;
}

Result<std::vector<MetricPoint>> decode(std::span<const std::uint8_t> blob) {
    Reader r(blob);
    std::uint8_t magic = 0;
    std::uint8_t version = 0;
    std::uint8_t flags = 0;
    std::uint64_t count = 0;
    if (!r.byte(magic) || magic != seriesMagic || !r.byte(version) || version != formatVersion || !r.byte(flags) ||
        !r.varint(count))
        return corrupt("bad header");
    if (count > r.remaining())  // every point takes at least one byte
        return corrupt("point count larger than the data");
    std::vector<MetricPoint> points(count);
    std::int64_t step = 0;
    for (auto& p : points) {
        std::uint64_t v = 0;
        if (!r.varint(v))
            return corrupt("truncated steps");
        step = static_cast<std::int64_t>(static_cast<std::uint64_t>(step) + static_cast<std::uint64_t>(unzigzag(v)));
        p.step = step;
    }
    if (flags & flagIntegralTimestamps) {
        std::int64_t t = 0;
        for (auto& p : points) {
            std::uint64_t v = 0;
            if (!r.varint(v))
                return corrupt("truncated timestamps");
            t += unzigzag(v);
            p.timestampMs = static_cast<double>(t);
        }
    } else {
        for (auto& p : points) {
            std::uint64_t v = 0;
            if (!r.fixed64(v))
                return corrupt("truncated timestamps");
            p.timestampMs = std::bit_cast<double>(v);
        }
    }
    for (auto& p : points) {
        std::uint64_t v = 0;
        if (!r.fixed64(v))
            return corrupt("truncated values");
        p.value = std::bit_cast<double>(v);
    }
    return points;
}

LodPyramid buildLod(std::span<const MetricPoint> points) {
    LodPyramid pyramid;
    if (static_cast<std::int64_t>(points.size()) < lodMinimumPoints)
        return pyramid;
    // Level 0 from the points, each further level from the one below.
    std::vector<LodBucket> level;
    for (std::size_t i = 0; i < points.size(); i += lodFanout) {
        const std::size_t end = std::min(points.size(), i + lodFanout);
        LodBucket b{points[i].step, points[end - 1].step, std::nan(""), std::nan("")};
        for (std::size_t j = i; j < end; ++j) {
            const double v = points[j].value;
            if (std::isnan(v))
                continue;
            b.min = std::isnan(b.min) ? v : std::min(b.min, v);
            b.max = std::isnan(b.max) ? v : std::max(b.max, v);
        }
        level.push_back(b);
    }
    pyramid.levels.push_back(std::move(level));
    while (pyramid.levels.back().size() > static_cast<std::size_t>(lodFanout)) {
        const auto& below = pyramid.levels.back();
        std::vector<LodBucket> next;
        for (std::size_t i = 0; i < below.size(); i += lodFanout) {
            const std::size_t end = std::min(below.size(), i + lodFanout);
            LodBucket b{below[i].firstStep, below[end - 1].lastStep, std::nan(""), std::nan("")};
            for (std::size_t j = i; j < end; ++j) {
                if (!std::isnan(below[j].min))
                    b.min = std::isnan(b.min) ? below[j].min : std::min(b.min, below[j].min);
                if (!std::isnan(below[j].max))
                    b.max = std::isnan(b.max) ? below[j].max : std::max(b.max, below[j].max);
            }
            next.push_back(b);
        }
        pyramid.levels.push_back(std::move(next));
    }
    return pyramid;
}

std::vector<std::uint8_t> encodeLod(const LodPyramid& pyramid) {
    std::vector<std::uint8_t> out;
    if (pyramid.levels.empty())
        return out;
    out.push_back(lodMagic);
    out.push_back(formatVersion);
    putVarint(out, pyramid.levels.size());
    for (const auto& level : pyramid.levels) {
        putVarint(out, level.size());
        for (const LodBucket& b : level) {
            putInt64(out, b.firstStep);
            putInt64(out, b.lastStep);
            putDouble(out, b.min);
            putDouble(out, b.max);
        }
    }
    return out;
}

Result<LodPyramid> decodeLod(std::span<const std::uint8_t> blob) {
    LodPyramid pyramid;
    if (blob.empty())
        return pyramid;
    Reader r(blob);
    std::uint8_t magic = 0;
    std::uint8_t version = 0;
    std::uint64_t levels = 0;
    if (!r.byte(magic) || magic != lodMagic || !r.byte(version) || version != formatVersion || !r.varint(levels) ||
        levels > 64)
        return corrupt("bad level-of-detail header");
    for (std::uint64_t l = 0; l < levels; ++l) {
        std::uint64_t count = 0;
        if (!r.varint(count) || count > r.remaining() / 32)
            return corrupt("truncated level of detail");
        std::vector<LodBucket> level(count);
        for (auto& b : level) {
            std::uint64_t a = 0;
            std::uint64_t c = 0;
            std::uint64_t mn = 0;
            std::uint64_t mx = 0;
            r.fixed64(a);
            r.fixed64(c);
            r.fixed64(mn);
            r.fixed64(mx);
            b = {static_cast<std::int64_t>(a), static_cast<std::int64_t>(c), std::bit_cast<double>(mn),
                 std::bit_cast<double>(mx)};
        }
        pyramid.levels.push_back(std::move(level));
    }
    return pyramid;
}

}  // namespace runlens::seriescodec
