#include "newsletter/schedule.h"

#include <cstdio>
#include <string>

namespace cinepress {
namespace {

// Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(y + (m <= 2)), m, d);
  return buf;
}

std::optional<int64_t> DaysOf(const std::string& date) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

}  // namespace

std::optional<int64_t> OpenSlot(const NewsletterConfig& nl, const SiteConfig& site,
                                const TimeZone& tz, int64_t now) {
  const NewsletterSchedule& s = nl.schedule;
  if (s.kind == "manual") return std::nullopt;
  const std::string today = tz.Iso(now).substr(0, 10);
  auto days = DaysOf(today);
  if (!days) return std::nullopt;
  if (s.kind == "weekly") {
    if ((*days + 4) % 7 != s.weekday) return std::nullopt;  // 1970-01-01 was a Thursday
  } else if (s.kind == "daily") {
    // The mornings after each day of the edition: from its second day to the day after its last.
    std::optional<int64_t> first, last;
    const size_t slash = s.edition.find('/');
    for (const FestivalConfig& f : site.festivals) {
      if (slash == std::string::npos || f.slug != s.edition.substr(0, slash)) continue;
      for (const FestivalEditionConfig& e : f.editions) {
        if (std::to_string(e.year) != s.edition.substr(slash + 1)) continue;
        first = DaysOf(e.start);
        last = DaysOf(e.end.empty() ? e.start : e.end);
      }
    }
    if (!first || !last || *days < *first + 1 || *days > *last + 1) return std::nullopt;
  } else {
    return std::nullopt;
  }
  char hour[8];
  std::snprintf(hour, sizeof hour, " %02d:00", s.hour);
  auto slot = tz.Parse(CivilFromDays(*days) + hour);
  if (!slot || now < *slot) return std::nullopt;
  return slot;
}

bool IsDue(const NewsletterConfig& nl, const SiteConfig& site, const TimeZone& tz, int64_t now,
           const NewsletterIssue* latest) {
  auto slot = OpenSlot(nl, site, tz, now);
  return slot && (!latest || latest->created < *slot);
}

}  // namespace cinepress
