// SPDX-License-Identifier: MIT
#include "reportloader.h"

#include "reportformats.h"

namespace runlens::reports {

std::string reportTypeOf(const RunRow& run) {
    for (const auto& [key, value] : run.tags)
        if (key == reportTypeTag)
            return value;
    return {};
}

Result<RunReports> loadRunReports(CacheReader& reader, const RunRow& run) {
    RunReports out;
    out.reportType = reportTypeOf(run);
    if (out.reportType.empty())
        return out;
    auto artifacts = reader.artifacts(run.id);
    if (!artifacts)
        return artifacts.error();
    // Errors name the original file: the run's artifact root is the folder the report was imported from.
    std::string root = run.run.artifactUri;
    if (!root.empty() && !root.ends_with('/'))
        root += '/';
    std::vector<ReportFile> files;
    for (const auto& artifact : *artifacts) {
        if (!artifact.hasContent)
            continue;
        if (!artifact.path.ends_with(".json") && !artifact.path.ends_with(".pbtxt"))
            continue;
        auto content = reader.artifactContent(run.id, artifact.path);
        if (!content)
            return content.error();
        if (!*content)
            continue;
        files.push_back({root + artifact.path, std::move(**content)});
    }
    auto normalised = normaliseFiles(files);
    if (!normalised)
        return normalised.error();
    out.drift = std::move(normalised->drift);
    out.validation = std::move(normalised->validation);
    return out;
}

}  // namespace runlens::reports
