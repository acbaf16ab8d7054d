// A workshop's sessions as an iCalendar file (RFC 5545), made with libical (its escaping of
// TEXT values and folding of long lines): one VEVENT per session, times in UTC, a UID stable
// across downloads so that a calendar updates the events instead of adding them twice.
// Contract: a pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "content/workshop_store.h"

namespace cinepress {

struct IcsOptions {
  std::string page_url;  // the workshop's page ("https://site/workshops/slug/")
  std::string host;      // the site's host, the UIDs' right-hand side
  // A registrant's copy (the confirmation's attachment) has the joining link; the public
  // /workshops/{slug}.ics never has it.
  bool for_registrant = false;
  int64_t stamp = 0;  // DTSTAMP: when the file is made
};

// VCALENDAR with METHOD:PUBLISH; a self-paced course has no events.
std::string WorkshopIcs(const Workshop& workshop, const IcsOptions& options);

}  // namespace cinepress
