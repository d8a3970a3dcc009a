// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace runlens {

// The cache used when none is chosen: $RUNLENS_CACHE, else "RunLens/default.runlens" in the user's data folder.
std::string defaultCachePath();

}  // namespace runlens
