// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens::importers::mlflow {

// Decodes %XX escapes of a URI path.
std::string percentDecode(std::string_view text);

// Finds a run's artifact folder on this machine. MLflow stores absolute URIs that go stale when a store is
// copied (another machine, Windows drive letters) or proxied (mlflow-artifacts:/); those are remapped by their
// "<experiment>/<run>/artifacts" tail onto the folders given in searchRoots (the store itself, a sibling
// mlartifacts/, the folder that held the server). Relative locations are taken relative to baseDirectory.
std::optional<std::filesystem::path> resolveArtifactRoot(std::string_view artifactUri,
                                                         const std::filesystem::path& baseDirectory,
                                                         const std::vector<std::filesystem::path>& searchRoots,
                                                         std::string_view experimentId, std::string_view runId);

}  // namespace runlens::importers::mlflow
