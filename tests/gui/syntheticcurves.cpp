// SPDX-License-Identifier: MIT
#include "syntheticcurves.h"

#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cache/cachewriter.h"

#include <array>
#include <cmath>

namespace runlens::test {
namespace {

constexpr std::array<const char*, 6> keyNames{"train/loss", "val/loss",  "train/accuracy",
                                              "lr",         "grad_norm", "val/accuracy"};

// A reproducible value in [-1, 1) from a few integers (SplitMix64).
double noise(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    std::uint64_t z = a * 0x9e3779b97f4a7c15ULL + b * 0xbf58476d1ce4e5b9ULL + c * 0x94d049bb133111ebULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / static_cast<double>(1ULL << 52) - 1.0;
}

}  // namespace

Status writeSyntheticCache(const std::string& path, int runs, std::int64_t points, int keys,
                           std::optional<Spike> spike) {
    auto cache = Cache::open(path);
    if (!cache)
        return cache.error();
    auto writer = SourceWriter::begin(*cache, "/synthetic", "generic");
    if (!writer)
        return writer.error();
    (*writer)->experiment({"1", "synthetic", "active", {}, {}, {}, {}});
    const double startMs = 1.7e12;
    for (int r = 0; r < runs; ++r) {
        RunRecord run;
        run.externalId = "run" + std::to_string(r);
        run.experimentExternalId = "1";
        run.name = "run-" + std::to_string(r);
        run.status = run_status::finished;
        run.startMs = static_cast<std::int64_t>(startMs);
        run.fingerprint = run.externalId;
        (*writer)->beginRun(run);
        (*writer)->param("seed", std::to_string(r % 3));
        (*writer)->param("optim", r < runs / 2 ? "adam" : "sgd");
        for (int k = 0; k < std::min<int>(keys, static_cast<int>(keyNames.size())); ++k) {
            std::vector<MetricPoint> series(static_cast<std::size_t>(points));
            const double scale = 1.0 + 0.15 * (r % 7) + 0.3 * k;
            const double decay = static_cast<double>(points) / (3.0 + r % 4);
            for (std::int64_t i = 0; i < points; ++i) {
                const double x = static_cast<double>(i);
                series[static_cast<std::size_t>(i)] = {
                    i, startMs + x * 1000.0,
                    scale * (0.2 + std::exp(-x / decay)) *
                        (1.0 + 0.08 * noise(static_cast<std::uint64_t>(r), static_cast<std::uint64_t>(k),
                                            static_cast<std::uint64_t>(i)))};
            }
            if (spike && spike->run == r && k == 0 && spike->step < points)
                series[static_cast<std::size_t>(spike->step)].value = spike->value;
            (*writer)->metricSeries(keyNames[static_cast<std::size_t>(k)], std::move(series));
        }
        (*writer)->endRun();
    }
    if (!(*writer)->writeStatus())
        return (*writer)->writeStatus();
    return (*writer)->commit("synthetic");
}

Result<std::vector<ui::CurveRun>> curveRunsOf(const std::string& path) {
    std::vector<ui::CurveRun> out;
    auto cache = Cache::openExisting(path);
    if (!cache)
        return cache.error();
    CacheReader reader(*cache);
    auto runs = reader.runs(true);
    if (!runs)
        return runs.error();
    for (const RunRow& row : *runs) {
        ui::CurveRun run{row.id, QString::fromStdString(row.run.name), {}, {}};
        for (const auto& metric : row.metrics)
            run.keys.push_back(QString::fromStdString(metric.key));
        for (const auto& [name, value] : row.params)
            run.params.emplace_back(QString::fromStdString(name), QString::fromStdString(value));
        out.push_back(std::move(run));
    }
    return out;
}

}  // namespace runlens::test
