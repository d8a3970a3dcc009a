// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "importsink.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace runlens::importers {

enum class Outcome { completed, cancelled };

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
};

}  // namespace runlens::importers
