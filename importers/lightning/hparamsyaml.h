// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "records.h"

#include <filesystem>
#include <optional>

namespace runlens::importers::lightning {

// Reads Lightning's hparams.yaml as flat params: nested plain maps become keys joined with '/', as Lightning's
// log_hyperparams flattens them; sequences become their YAML flow text. Python-specific nodes
// (!!python/object..., !!python/tuple, !!binary) are never constructed: their value is the tag's text.
// "{}" and an empty file give no params. When yaml-cpp cannot parse a file that Python's dumper wrote (it trips over
// some block scalars inside Python object trees), the top-level "key: value" lines are read instead and *fallback
// says why; the caller turns that into a warning.
Result<KeyValues> readHparamsYaml(const std::filesystem::path& file, std::optional<Error>* fallback = nullptr);

}  // namespace runlens::importers::lightning
