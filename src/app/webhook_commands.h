// The webhooks' command of the composition root: `cinepress webhooks deliveries`, the delivery
// log (docs/API.md).
// Contract: as app.h — results to `out`, an Error for what refused the command.
#pragma once

#include <iosfwd>

#include "app/app.h"

namespace cinepress {

// The newest `limit` deliveries: when, event, URL, status, tries, the last error.
Status WebhookDeliveries(const SiteFolder& site, size_t limit, std::ostream& out);

}  // namespace cinepress
