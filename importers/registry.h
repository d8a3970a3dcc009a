// SPDX-License-Identifier: MIT
#pragma once

#include "importer.h"

#include <memory>
#include <vector>

namespace runlens::importers {

// Every importer this build has, in a fixed order.
const std::vector<std::unique_ptr<Importer>>& allImporters();
const Importer* importerForFormat(std::string_view formatId);

// The importer most confident about path, or an Error that names the path and says what was looked for.
Result<const Importer*> detect(const std::filesystem::path& path);

}  // namespace runlens::importers
