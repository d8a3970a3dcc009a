// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "importsink.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace runlens::importers {

enum class Outcome { completed, cancelled };

// How an importer treats damaged input. Formats without a damage-tolerant reader ignore it.
struct RunOptions {
    // Keep what comes before corruption inside a file (with a warning) instead of failing the source.
    bool lenient = false;
};

// One source format. Importers are stateless and never touch widgets: a path in, records into a sink.
class Importer {
public:
    virtual ~Importer() = default;

    // Stable id stored in the cache ("mlflow-filestore").
    virtual std::string_view formatId() const = 0;
    // For people ("MLflow FileStore").
    virtual std::string_view displayName() const = 0;
    // How sure this importer is that path is its format, judged by content: 0 = not mine, 100 = certain.
    virtual int sniff(const std::filesystem::path& path) const = 0;
    // Cheap identity of the source's current state (sizes and modification times, never a parse).
    virtual Result<std::string> fingerprint(const std::filesystem::path& path) const = 0;
    // Streams the source into the sink. An Error means the source must not be committed.
    virtual Result<Outcome> run(const std::filesystem::path& path, ImportSink& sink,
                                ImportObserver& observer) const = 0;
    // run() with options; importSource() calls this. The default ignores the options.
    virtual Result<Outcome> runWithOptions(const std::filesystem::path& path, ImportSink& sink,
                                           ImportObserver& observer, const RunOptions& options) const {
        (void)options;
        return run(path, sink, observer);
    }
};

}  // namespace runlens::importers
