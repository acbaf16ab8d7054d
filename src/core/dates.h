// Dates and the site's time zone: parsing front-matter dates and formatting them for pages,
// feeds and sitemaps. Times are kept as Unix seconds (UTC) everywhere else.
// Contract: a SiteClock is immutable after construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace date {
class time_zone;
}

namespace cinepress {

class TimeZone {
 public:
  // "America/Toronto", "UTC"… an unknown name is an error naming it.
  static Result<TimeZone> Named(std::string_view name);

  // Accepts RFC 3339 ("2021-10-06T05:00:34+00:00", "…Z"), and a date or date-time without an
  // offset ("2021-10-06", "2021-10-06 14:30", "2021-10-06T14:30:00"), read in this zone.
  std::optional<int64_t> Parse(std::string_view text) const;

  std::string Iso(int64_t t) const;      // 2021-10-06T01:00:34-04:00
  std::string Display(int64_t t) const;  // October 6, 2021
  std::string Rfc822(int64_t t) const;   // Wed, 06 Oct 2021 01:00:34 -0400 (RSS)
  static std::string IsoUtc(int64_t t);  // 2021-10-06T05:00:34Z (Atom, sitemap)
  // Year and month (1-12) of `t` in this zone.
  std::pair<int, int> YearMonth(int64_t t) const;
  const std::string& name() const { return name_; }

 private:
  const date::time_zone* zone_ = nullptr;
  std::string name_;
};

const char* MonthName(int month);  // 1 -> "January"

// Two calendar days ("2026-01-29", "2026-02-08") as people write them in `language` (ICU's
// date intervals): "January 29 – February 8, 2026" in "en", "29 January – 8 February 2026" in
// "en-GB", "29 janv. – 8 févr. 2026"-like forms elsewhere; the shared month and year are said
// once. One day when `end` is empty or the same; "" when `start` is not a date.
std::string FormatDateRange(std::string_view start, std::string_view end,
                            std::string_view language);

// The current time; the outside world behind a function so tests can fix it.
int64_t NowSeconds();

}  // namespace cinepress
