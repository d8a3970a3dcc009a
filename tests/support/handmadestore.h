// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

namespace runlens::test {

inline constexpr const char* runA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
inline constexpr const char* runB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
inline constexpr const char* runC = "cccccccccccccccccccccccccccccccc";

// A run meta.yaml as MLflow 2.x writes it (keys sorted).
std::string runMeta(const std::string& id, const std::string& experiment, int status, const std::string& lifecycle,
                    const std::string& runName);

// A small FileStore written by hand in MLflow's layout (formats.md section 1): experiment 0 with runs A (params with
// newlines and empty values, unsorted/duplicate/NaN/inf metric lines, CRLF, nested and 2- and 5-field metric files,
// artifacts) and B (failed, deleted, child of A), a trashed experiment 7 with run C, and registry model "my model"
// (Staging v1, Production v2, soft-deleted v3, alias champion -> 2).
void writeHandmadeStore(const std::filesystem::path& root);

}  // namespace runlens::test
