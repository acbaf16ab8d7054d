// cinepress.toml's text parsed by toml++ (for core's own files: config.cc, config_edit.cc), its
// exception caught here and made an Error naming the file and line.
// Contract: a pure function; thread-safe.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "core/result.h"

namespace cinepress {

Result<toml::table> ParseToml(std::string_view text, const std::string& file);

}  // namespace cinepress
