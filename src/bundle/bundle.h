// The files built into the program: the default theme (themes/default/…), the newsroom's
// templates (admin/…) and the demo magazine (demo/…), as they are in the repository.
// Contract: read-only data with static lifetime; thread-safe.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

#include "core/result.h"

namespace cinepress {

struct EmbeddedFile {
  std::string_view path;  // "themes/default/templates/article.mustache"
  std::string_view data;
};

std::span<const EmbeddedFile> EmbeddedFiles();

// Writes every embedded file under `prefix` ("themes/default/") to `dest`, without the prefix.
// Returns how many files were written; existing files are kept unless `overwrite`.
Result<size_t> ExtractEmbedded(std::string_view prefix, const std::filesystem::path& dest,
                               bool overwrite);

}  // namespace cinepress
