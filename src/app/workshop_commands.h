// The workshops' commands of the composition root (src/workshops): `cinepress workshops
// registrants` and `cinepress workshops cancel` (README.md's command table, docs/WORKSHOPS.md).
// Contract: as app.h — results to `out`, an Error for what refused the command (the program
// exits 1 with it).
#pragma once

#include <iosfwd>
#include <string>

#include "app/app.h"

namespace cinepress {

// A workshop's registrations, oldest first: a line each, or CSV. Abandoned checkouts are
// expired first (their seats return).
Status WorkshopRegistrantsCommand(const SiteFolder& site, const std::string& slug, bool csv,
                                  std::ostream& out);
// Cancels a workshop: every paid or free registration cancelled, each payment refunded through
// Stripe (a failed refund is tried again by running the command again), every registrant
// emailed (queued for the outbox of `cinepress serve`).
Status WorkshopCancelCommand(const SiteFolder& site, const std::string& slug, std::ostream& out);

}  // namespace cinepress
