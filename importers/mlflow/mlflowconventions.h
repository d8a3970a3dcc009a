// SPDX-License-Identifier: MIT
#pragma once

#include "records.h"

#include <algorithm>

namespace runlens::importers::mlflow {

// MLflow 3 keeps prompts in the model registry as registered models with this tag; its model searches leave them
// out, and so do we (they are not models to compare or promote).
inline bool isPrompt(const RegisteredModelRecord& model) {
    return std::any_of(model.tags.begin(), model.tags.end(),
                       [](const auto& tag) { return tag.first == "mlflow.prompt.is_prompt" && tag.second == "true"; });
}

}  // namespace runlens::importers::mlflow
