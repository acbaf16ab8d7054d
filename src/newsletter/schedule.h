// When a newsletter's next issue is due: weekly on a day at an hour, or daily at an hour on the
// mornings after each day of a festival edition, in the site's time zone.
// Contract: a pure function of the config, the clock and the latest issue; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "content/newsletter_store.h"
#include "core/config.h"
#include "core/dates.h"

namespace cinepress {

// The start of the scheduled slot that `now` falls in or after on the same local day (e.g.
// Friday 08:00 for a weekly newsletter on Friday at 8, when now is Friday 08:00–23:59), or
// nullopt when no slot is open today. A missed hour is caught up later that day, not after.
std::optional<int64_t> OpenSlot(const NewsletterConfig& nl, const SiteConfig& site,
                                const TimeZone& tz, int64_t now);

// Whether an issue is due now: a slot is open and no issue was made since it opened.
bool IsDue(const NewsletterConfig& nl, const SiteConfig& site, const TimeZone& tz, int64_t now,
           const NewsletterIssue* latest);

}  // namespace cinepress
