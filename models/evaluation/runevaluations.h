// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/evaluation.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "error.h"

#include <vector>

namespace runlens {

// Every evaluation a run has: the ones RunLens computed and stored (run_analyses, kind evaluation), then the
// confusion matrices and predictions files among the run's cached artifacts, then MLflow evaluate()'s four
// confusion metrics. Artifacts that are not evaluations are passed over; ones that look like evaluations but are
// broken become problems (file = the artifact path), so one bad file never hides the others.
struct RunEvaluations {
    std::vector<analysis::Evaluation> evaluations;
    std::vector<Error> problems;
};

Result<RunEvaluations> loadRunEvaluations(Cache& cache, const RunRow& run,
                                          const analysis::EvaluationOptions& options = {});

}  // namespace runlens
