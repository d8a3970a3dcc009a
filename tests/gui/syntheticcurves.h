// SPDX-License-Identifier: MIT
#pragma once

#include "curveview.h"
#include "error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runlens::test {

// A single step whose value stands far above its neighbours.
struct Spike {
    int run = 0;
    std::int64_t step = 0;
    double value = 0;
};

// Writes a cache of runs whose keys ("train/loss", "val/loss", "lr", ...) are noisy decaying curves, one point
// per step from step 0, one second apart. Runs carry params "seed" (run % 3) and "optim" ("adam" or "sgd" by
// halves), so grouping has something to group. Deterministic.
Status writeSyntheticCache(const std::string& path, int runs, std::int64_t points, int keys,
                           std::optional<Spike> spike = {});

// The runs of a cache as the main window hands them to the curve view.
Result<std::vector<ui::CurveRun>> curveRunsOf(const std::string& path);

}  // namespace runlens::test
