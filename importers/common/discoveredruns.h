// SPDX-License-Identifier: MIT
#pragma once

#include "common/paths.h"
#include "error.h"
#include "importer.h"
#include "importsink.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

// For importers that find every run of a source first (a bounded folder walk) and then read the runs one by one.
// idOf(run) gives a run's external id, fingerprintOf(run) its own fingerprint (file stats, never a parse).
namespace runlens::importers {

// The source's fingerprint: each run's id and fingerprint, in discovery order.
template <typename Run, typename IdOf, typename FingerprintOf>
std::string sourceFingerprint(const std::vector<Run>& runs, IdOf idOf, FingerprintOf fingerprintOf) {
    Fingerprint fp;
    for (const Run& run : runs) {
        fp.add(std::invoke(idOf, run));
        fp.add(fingerprintOf(run));
    }
    return fp.hex();
}

// Reads every run whose fingerprint the sink does not hold yet, reporting progress as `activity` (runs done of all
// runs). read(run, fingerprint) returns a Status; the first error ends the import.
template <typename Run, typename IdOf, typename FingerprintOf, typename Read>
Result<Outcome> readChangedRuns(const std::vector<Run>& runs, std::string_view activity, ImportSink& sink,
                                ImportObserver& observer, IdOf idOf, FingerprintOf fingerprintOf, Read read) {
    const auto total = static_cast<std::int64_t>(runs.size());
    std::int64_t done = 0;
    for (const Run& run : runs) {
        if (!observer.progress(activity, done++, total))
            return Outcome::cancelled;
        const std::string fingerprint = fingerprintOf(run);
        if (sink.runUnchanged(std::invoke(idOf, run), fingerprint))
            continue;
        if (Status s = read(run, fingerprint); !s)
            return s.error();
    }
    if (!observer.progress(activity, done, total))
        return Outcome::cancelled;
    return Outcome::completed;
}

}  // namespace runlens::importers
