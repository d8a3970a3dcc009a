// SPDX-License-Identifier: MIT
#include "artifactindex.h"

#include "paths.h"
#include "text.h"

#include <algorithm>
#include <array>
#include <system_error>

namespace runlens::importers {
namespace {

std::string lowerExtension(std::string_view path) {
    const auto slash = path.rfind('/');
    const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0)
        return {};
    return text::lower(name.substr(dot + 1));
}

bool contains(std::initializer_list<std::string_view> list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::string artifactKind(std::string_view relativePath) {
    const auto slash = relativePath.rfind('/');
    const auto name = slash == std::string_view::npos ? relativePath : relativePath.substr(slash + 1);
    if (name == "MLmodel")
        return artifact_kind::model;
    const std::string ext = lowerExtension(relativePath);
    if (contains({"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "tif", "tiff"}, ext))
        return artifact_kind::image;
    if (ext == "json")
        return artifact_kind::json;
    if (contains({"csv", "tsv", "jsonl", "ndjson"}, ext))
        return artifact_kind::table;
    if (contains({"txt", "md", "yaml", "yml", "log", "html", "htm", "toml", "cfg", "ini", "py"}, ext) ||
        name == "requirements.txt")
        return artifact_kind::text;
    return artifact_kind::other;
}

void indexArtifacts(const std::filesystem::path& root, ImportSink& sink, ImportObserver& observer) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec))
        return;
    std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::skip_permission_denied,
                                                     ec);
    std::size_t count = 0;
    for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        const auto& entry = *it;
        std::error_code statError;
        if (entry.is_symlink(statError) || !entry.is_regular_file(statError))
            continue;
        if (++count > maxArtifactsPerRun) {
            observer.warning(
                {displayPath(root),
                 {},
                 "more than " + std::to_string(maxArtifactsPerRun) + " artifacts; the rest are not listed"});
            return;
        }
        const std::string relative = escapeInvalidUtf8(entry.path().lexically_relative(root).generic_string());
        ArtifactRecord record;
        record.path = relative;
        record.size = static_cast<std::int64_t>(entry.file_size(statError));
        record.kind = artifactKind(relative);
        const bool evaluation = record.kind == artifact_kind::json || record.kind == artifact_kind::table;
        const bool smallText = record.kind == artifact_kind::model || record.kind == artifact_kind::text;
        if ((evaluation && record.size <= maxStoredEvaluationBytes) ||
            (smallText && record.size <= maxStoredTextBytes)) {
            auto content = readFile(entry.path());
            if (content)
                record.content = std::move(*content);
            else
                observer.warning(content.error());
        }
        sink.artifact(record);
    }
    if (ec)
        observer.warning({displayPath(root), {}, "cannot list artifacts: " + ec.message()});
}

void fingerprintTree(const std::filesystem::path& root, Fingerprint& fp) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec))
        return;
    std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::skip_permission_denied,
                                                     ec);
    for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code statError;
        if (it->is_symlink(statError)) {
            // A link counts by where it points, so adding or breaking one is a change.
            fp.add(it->path().lexically_relative(root).native());
            fp.add(std::filesystem::read_symlink(it->path(), statError).native());
        }
        if (it->is_regular_file(statError))
            fp.addFileStat(it->path(), it->path().lexically_relative(root).native());
    }
}

}  // namespace runlens::importers
