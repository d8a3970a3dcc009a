// SPDX-License-Identifier: MIT
#include "artifactroot.h"

#include "common/paths.h"

namespace runlens::importers::mlflow {
namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string percentDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int hi = hexValue(text[i + 1]);
            const int lo = hexValue(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

std::optional<std::filesystem::path> resolveArtifactRoot(std::string_view artifactUri,
                                                         const std::filesystem::path& baseDirectory,
                                                         const std::vector<std::filesystem::path>& searchRoots,
                                                         std::string_view experimentId, std::string_view runId) {
    std::string local;
    std::string_view uri = artifactUri;
    if (uri.starts_with("file://")) {
        uri.remove_prefix(7);
        // file:///C:/x -> C:/x ; file:///home/x -> /home/x ; file://host/x is not local.
        local = percentDecode(uri);
        if (local.size() > 3 && local[0] == '/' && local[2] == ':')
            local.erase(0, 1);
    } else if (uri.find("://") == std::string_view::npos && !uri.starts_with("mlflow-artifacts:") &&
               !uri.starts_with("dbfs:") && !uri.empty()) {
        local = std::string(uri);
    }
    if (!local.empty()) {
        std::filesystem::path candidate(local);
        if (candidate.is_relative())
            candidate = baseDirectory / candidate;
        if (isDir(candidate))
            return candidate;
    }
    // Remap the stable tail onto folders we know.
    if (experimentId.empty() || runId.empty())
        return std::nullopt;
    const std::filesystem::path tail =
        std::filesystem::path(std::string(experimentId)) / std::string(runId) / "artifacts";
    for (const auto& root : searchRoots) {
        if (isDir(root / tail))
            return root / tail;
    }
    return std::nullopt;
}

}  // namespace runlens::importers::mlflow
