// `cinepress podcasts stats`: podcast downloads per episode and day, counted over every node's
// rows as the IAB guidelines say (src/downloads).
// Contract: one function per command; output to `out`, errors returned.
#pragma once

#include <ostream>
#include <string>

#include "app/app.h"
#include "core/result.h"

namespace cinepress {

// Downloads of the episodes of show `show` (its slug: /podcasts/{show}/…; "" for every show),
// as a table, or as CSV.
Status PodcastStats(const SiteFolder& site, const std::string& show, bool csv, std::ostream& out);

}  // namespace cinepress
