// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cachereader.h"
#include "error.h"

#include <memory>
#include <string>
#include <string_view>

namespace runlens {

// A filter over runs, parsed from text such as
//     metrics.val/loss < 0.3 and params.optim == "adam"
//     not status == "FAILED" and (tags.team contains "vision" or max(metrics.acc) >= 0.9)
// Fields: metrics.KEY (last value; min(...), max(...), first(...) for the others), params.KEY, tags.KEY and the run
// fields name, status, experiment, user, id, source, lifecycle. Keys containing spaces or operators are quoted with
// backticks: params.`learning rate`. Operators: == != < <= > >= contains, joined with and, or, not and parentheses.
// Comparisons with a number are numeric (a param "0.10" equals 0.1); a run without the field never matches.
class RunFilter {
public:
    RunFilter();
    ~RunFilter();
    RunFilter(RunFilter&&) noexcept;
    RunFilter& operator=(RunFilter&&) noexcept;

    // The error's position is "column N" (1-based) and its message says what was expected.
    static Result<RunFilter> parse(std::string_view text);
    bool matches(const RunRow& run) const;
    bool isEmpty() const;

    struct Node;

private:
    std::unique_ptr<Node> m_root;
};

}  // namespace runlens
