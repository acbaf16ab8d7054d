// `cinepress export DIR` (the store as a content folder that `cinepress import` reads back the
// same) and `cinepress export --wxr FILE` (a WordPress export): docs/CONTENT.md and
// docs/WORDPRESS.md, "Export".
// Contract: as app.h — progress to `out`, an Error for what stopped the command. Both read the
// store only, so they are safe while `serve` runs.
#pragma once

#include <filesystem>
#include <iosfwd>

#include "app/app.h"

namespace cinepress {

// Writes the site's store into `dir` (refused when it is not empty, unless `force`).
Status ExportSiteFolder(const SiteFolder& site, const std::filesystem::path& dir, bool force,
                        std::ostream& out);

// Writes the site's store as a WXR 1.2 file (written beside it, then renamed over it).
Status ExportSiteWxr(const SiteFolder& site, const std::filesystem::path& file, std::ostream& out);

}  // namespace cinepress
