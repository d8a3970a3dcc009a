// SPDX-License-Identifier: MIT
#include "runevaluations.h"

#include "analysis/confusionartifact.h"
#include "cache/analysisstore.h"
#include "text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace runlens {

namespace {

using nlohmann::json;

using text::iendsWith;

// Whether a stored evaluation was computed from this very artifact: saved with `eval --predictions FILE --run RUN`
// where FILE is in the run's own artifact folder. Its path ends with the artifact's path (whole names) and the file
// there still holds the artifact's bytes. The artifact's own copy in the cache is compared, not only the names, so a
// file of the same name elsewhere is never taken for it.
bool isStoredFile(const std::vector<std::string>& storedPaths, const ArtifactRow& artifact,
                  const std::string& content) {
    for (const std::string& stored : storedPaths) {
        if (stored.size() <= artifact.path.size() || !stored.ends_with(artifact.path) ||
            stored[stored.size() - artifact.path.size() - 1] != '/')
            continue;
        std::error_code ec;
        if (std::filesystem::file_size(stored, ec) != content.size() || ec)
            continue;
        std::ifstream in(stored, std::ios::binary);
        if (std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()) == content)
            return true;
    }
    return false;
}

std::string fileName(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Kubeflow keeps a confusion_matrix output as outputs/<metadata stem>/<index>-confusion_matrix/<file>; its labels
// are in outputs[index] of the metadata file <stem>.json, which the importer keeps as an artifact too.
std::optional<std::vector<std::string>> kubeflowLabels(CacheReader& reader, std::int64_t runId,
                                                       const std::vector<ArtifactRow>& artifacts,
                                                       const std::string& path) {
    if (!path.starts_with("outputs/"))
        return std::nullopt;
    const auto stemEnd = path.find('/', 8);
    const auto indexEnd = stemEnd == std::string::npos ? std::string::npos : path.find('/', stemEnd + 1);
    if (indexEnd == std::string::npos)
        return std::nullopt;
    const std::string stem = path.substr(8, stemEnd - 8);
    const std::string folder = path.substr(stemEnd + 1, indexEnd - stemEnd - 1);
    if (!folder.ends_with("-confusion_matrix"))
        return std::nullopt;
    std::size_t index = 0;
    try {
        index = std::stoul(folder);
    } catch (...) {
        return std::nullopt;
    }
    for (const auto& a : artifacts) {
        if (a.path.find('/') != std::string::npos || a.path != stem + ".json" || !a.hasContent)
            continue;
        auto content = reader.artifactContent(runId, a.path);
        if (!content || !*content)
            return std::nullopt;
        const json metadata = json::parse(**content, nullptr, false);
        const json* output = nullptr;
        if (metadata.is_object() && metadata.contains("outputs") && metadata["outputs"].is_array() &&
            index < metadata["outputs"].size())
            output = &metadata["outputs"][index];
        else if (metadata.is_object() && index == 0 && metadata.contains("type"))
            output = &metadata;
        if (!output || !output->contains("labels") || !(*output)["labels"].is_array())
            return std::vector<std::string>{};
        std::vector<std::string> labels;
        for (const auto& l : (*output)["labels"])
            labels.push_back(l.is_string() ? l.get<std::string>() : l.dump());
        return labels;
    }
    return std::vector<std::string>{};
}

}  // namespace

Result<RunEvaluations> loadRunEvaluations(Cache& cache, const RunRow& run, const analysis::EvaluationOptions& options) {
    RunEvaluations out;
    std::vector<std::string> storedPaths;
    auto stored = runAnalyses(cache, run.id, analysis_kind::evaluation);
    if (!stored)
        return stored.error();
    for (const auto& row : *stored) {
        const json doc = json::parse(row.resultJson, nullptr, false);
        auto e = analysis::evaluationFromJson(doc);
        if (!e) {
            out.problems.push_back(Error{row.name, {}, "stored evaluation is unreadable: " + e.error().message});
            continue;
        }
        if (e->name.empty())
            e->name = row.name;
        if (!e->path.empty())
            storedPaths.push_back(e->path);
        out.evaluations.push_back(std::move(*e));
    }

    CacheReader reader(cache);
    auto artifacts = reader.artifacts(run.id);
    if (!artifacts)
        return artifacts.error();
    for (const auto& a : *artifacts) {
        if (!a.hasContent)
            continue;
        const bool json = iendsWith(a.path, ".json");
        const bool csv = iendsWith(a.path, ".csv") || iendsWith(a.path, ".tsv");
        const bool jsonl = iendsWith(a.path, ".jsonl") || iendsWith(a.path, ".ndjson");
        if (!json && !csv && !jsonl)
            continue;
        auto content = reader.artifactContent(run.id, a.path);
        if (!content)
            return content.error();
        if (!*content)
            continue;
        const std::string& text = **content;
        // Listed once: the stored evaluation has the name and options it was saved with.
        if (isStoredFile(storedPaths, a, text))
            continue;
        if (csv) {
            if (auto labels = kubeflowLabels(reader, run.id, *artifacts, a.path)) {
                auto m = analysis::kubeflowConfusion(text, *labels, a.path);
                if (m)
                    out.evaluations.push_back(analysis::evaluateConfusion(m->matrix, a.path, a.path, m->shape));
                else
                    out.problems.push_back(m.error());
                continue;
            }
        }
        if (!jsonl) {
            auto m = analysis::readConfusionArtifact(text, a.path);
            if (!m) {
                out.problems.push_back(m.error());
                continue;
            }
            if (*m) {
                out.evaluations.push_back(analysis::evaluateConfusion((*m)->matrix, a.path, a.path, (*m)->shape));
                continue;
            }
        }
        if (json)
            continue;
        // A predictions file logged as an artifact. One without prediction columns is some other table.
        auto p = analysis::readPredictionsText(text, a.path);
        if (!p) {
            const std::string& at = p.error().position;
            if (!at.empty() && !at.starts_with("header"))
                out.problems.push_back(p.error());
            continue;
        }
        auto e = analysis::evaluatePredictions(*p, fileName(a.path), options);
        if (!e) {
            out.problems.push_back(e.error());
            continue;
        }
        e->path = a.path;
        out.evaluations.push_back(std::move(*e));
    }

    auto metric = [&](std::string_view key) -> std::optional<double> {
        for (const auto& m : run.metrics)
            if (m.key == key && m.summary.count > 0)
                return m.summary.last;
        return std::nullopt;
    };
    if (auto m = analysis::mlflowBinaryConfusion(metric("true_negatives"), metric("false_positives"),
                                                 metric("false_negatives"), metric("true_positives")))
        out.evaluations.push_back(analysis::evaluateConfusion(m->matrix, "metrics", "", m->shape));
    return out;
}

}  // namespace runlens
