#include "core/dates.h"

// date.h's parse() trips GCC 12's -Wmaybe-uninitialized inside libstdc++ (a false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <date/date.h>
#include <date/tz.h>
#include <unicode/dtintrv.h>
#include <unicode/dtitvfmt.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>

namespace cinepress {
namespace {

using Seconds = std::chrono::seconds;
using SysSeconds = date::sys_seconds;

template <typename Tp>
bool TryParse(std::string_view text, const char* fmt, Tp& out) {
  std::istringstream in{std::string(text)};
  in >> date::parse(fmt, out);
  if (in.fail()) return false;
  // The whole text must be consumed.
  in >> std::ws;
  return in.peek() == std::char_traits<char>::eof();
}

// The shape of a date and time as Parse accepts it, checked before date::parse sees the text:
// [+-]Y-M-D, then optionally T (or spaces) H:M, optionally :S[.fraction], then Z or an offset.
// Returns the number of time fields (0: a date alone, 2: H:M, 3: H:M:S), or -1 for any other
// shape. Why: date::parse's %T and %R read the seconds into an uninitialised long double and
// convert it even when the hours or minutes did not parse (date.h's from_stream), so a %T format
// tried on "12:30" (or on garbage) turns stack garbage — at worst a NaN — into an integer, which
// is undefined behaviour (found by fuzz/subscriber_csv). Only formats that will read every field
// are tried.
int TimeFields(std::string_view t) {
  size_t i = 0;
  auto digits = [&](size_t min, size_t max) {
    size_t n = 0;
    while (i < t.size() && n < max && t[i] >= '0' && t[i] <= '9') ++i, ++n;
    return n >= min && !(i < t.size() && n == max && t[i] >= '0' && t[i] <= '9');
  };
  auto at = [&](char c) { return i < t.size() && t[i] == c; };
  if (at('+') || at('-')) ++i;
  if (!digits(1, 9) || !at('-')) return -1;
  ++i;
  if (!digits(1, 2) || !at('-')) return -1;
  ++i;
  if (!digits(1, 2)) return -1;
  if (i == t.size()) return 0;
  if (at('T')) {
    ++i;
  } else if (at(' ')) {
    while (at(' ')) ++i;
  } else {
    return -1;
  }
  if (!digits(1, 2) || !at(':')) return -1;
  ++i;
  if (!digits(1, 2)) return -1;
  int fields = 2;
  if (at(':')) {
    ++i;
    if (!digits(1, 2)) return -1;
    fields = 3;
    if (at('.')) {
      ++i;
      if (!digits(1, 18)) return -1;
    }
  }
  if (at('Z')) {
    ++i;
  } else if (at('+') || at('-')) {
    // An offset: +hh, +hhmm or +hh:mm. %z insists on two digits of hours and, when they do not
    // parse, negates a "no offset" that is the smallest integer (date.h again; found by
    // fuzz/front_matter with "-0:400"), so only shapes both formats read whole get through.
    std::string_view offset = t.substr(i + 1);
    auto all_digits = [](std::string_view d) {
      return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    const bool shaped =
        (offset.size() == 2 || offset.size() == 4) ? all_digits(offset)
        : offset.size() == 5
            ? offset[2] == ':' && all_digits(offset.substr(0, 2)) && all_digits(offset.substr(3))
            : false;
    if (!shaped) return -1;
    i = t.size();
  }
  return i == t.size() ? fields : -1;
}

}  // namespace

Result<TimeZone> TimeZone::Named(std::string_view name) {
  TimeZone tz;
  try {
    tz.zone_ = date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return Error{ErrorCode::kInvalidInput,
                 "unknown time zone \"" + std::string(name) + "\"",
                 {},
                 0,
                 "timezone"};
  }
  tz.name_ = std::string(name);
  return tz;
}

std::optional<int64_t> TimeZone::Parse(std::string_view raw) const {
  std::string_view text = raw;
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  const int fields = TimeFields(text);
  if (fields < 0) return std::nullopt;
  // With an explicit offset or Z: an absolute time. (A %T format on H:M text, or %R on H:M:S,
  // could never match; TimeFields says which of the two may be tried.)
  SysSeconds abs;
  if (fields == 3) {
    for (const char* fmt : {"%FT%T%Ez", "%FT%TZ", "%F %T%Ez", "%FT%T%z"}) {
      if (TryParse(text, fmt, abs)) return abs.time_since_epoch().count();
    }
  } else if (fields == 2 && TryParse(text, "%FT%R%Ez", abs)) {
    return abs.time_since_epoch().count();
  }
  // Without one: a local time in the site's zone.
  date::local_seconds local;
  bool found = false;
  for (const char* fmt : {"%FT%T", "%F %T", "%FT%R", "%F %R"}) {
    const bool seconds = std::string_view(fmt).find("%T") != std::string_view::npos;
    if (fields != (seconds ? 3 : 2)) continue;
    if (TryParse(text, fmt, local)) {
      found = true;
      break;
    }
  }
  if (!found) {
    date::local_days day;
    if (!TryParse(text, "%F", day)) return std::nullopt;
    local = date::local_seconds(day);
  }
  try {
    auto sys = zone_->to_sys(local, date::choose::earliest);
    return std::chrono::time_point_cast<Seconds>(sys).time_since_epoch().count();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

namespace {

// Fields of a local time, without going through iostreams (which date::format uses): feeds and
// pages format tens of thousands of dates per build.
struct Civil {
  int year, month, day, hour, minute, second, weekday;  // weekday: 0 = Sunday
};

Civil ToCivil(date::local_seconds local) {
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  date::hh_mm_ss<Seconds> tod{local - day};
  return Civil{static_cast<int>(ymd.year()),
               static_cast<int>(static_cast<unsigned>(ymd.month())),
               static_cast<int>(static_cast<unsigned>(ymd.day())),
               static_cast<int>(tod.hours().count()),
               static_cast<int>(tod.minutes().count()),
               static_cast<int>(tod.seconds().count()),
               static_cast<int>(date::weekday{day}.c_encoding())};
}

// The offset of `t` in `zone` (seconds east of UTC) and the local time.
std::pair<int64_t, date::local_seconds> Local(const date::time_zone* zone, int64_t t) {
  auto info = zone->get_info(SysSeconds(Seconds(t)));
  int64_t offset = info.offset.count();
  return {offset, date::local_seconds(Seconds(t + offset))};
}

}  // namespace

std::string TimeZone::Iso(int64_t t) const {
  auto [offset, local] = Local(zone_, t);
  Civil c = ToCivil(local);
  int64_t off = offset < 0 ? -offset : offset;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.year, c.month, c.day,
                c.hour, c.minute, c.second, offset < 0 ? '-' : '+', static_cast<int>(off / 3600),
                static_cast<int>(off / 60 % 60));
  return buf;
}

std::string TimeZone::Display(int64_t t) const {
  Civil c = ToCivil(Local(zone_, t).second);
  return std::string(MonthName(c.month)) + " " + std::to_string(c.day) + ", " +
         std::to_string(c.year);
}

std::string TimeZone::Rfc822(int64_t t) const {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto [offset, local] = Local(zone_, t);
  Civil c = ToCivil(local);
  int64_t off = offset < 0 ? -offset : offset;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", kDays[c.weekday],
                c.day, kMonths[c.month - 1], c.year, c.hour, c.minute, c.second,
                offset < 0 ? '-' : '+', static_cast<int>(off / 3600),
                static_cast<int>(off / 60 % 60));
  return buf;
}

std::string TimeZone::IsoUtc(int64_t t) {
  Civil c = ToCivil(date::local_seconds(Seconds(t)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::pair<int, int> TimeZone::YearMonth(int64_t t) const {
  Civil c = ToCivil(Local(zone_, t).second);
  return {c.year, c.month};
}

const char* MonthName(int month) {
  static const char* const kNames[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
  return month >= 1 && month <= 12 ? kNames[month - 1] : "";
}

namespace {
// "2026-01-29" -> milliseconds since the epoch at noon UTC that day (ICU's UDate), or nullopt.
std::optional<double> CalendarDay(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  std::istringstream in{std::string(text)};
  date::year_month_day ymd;
  in >> date::parse("%F", ymd);
  if (in.fail() || !ymd.ok()) return std::nullopt;
  auto days = date::sys_days(ymd).time_since_epoch().count();
  return (static_cast<double>(days) * 86400.0 + 43200.0) * 1000.0;
}
}  // namespace

std::string FormatDateRange(std::string_view start, std::string_view end,
                            std::string_view language) {
  auto from = CalendarDay(start);
  if (!from) return "";
  auto to = CalendarDay(end);
  if (!to || *to < *from) to = from;
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale locale(std::string(language.empty() ? "en" : language).c_str());
  std::unique_ptr<icu::DateIntervalFormat> format(
      icu::DateIntervalFormat::createInstance(icu::UnicodeString(u"dMMMMy"), locale, status));
  if (U_FAILURE(status) || !format) return std::string(start);
  format->adoptTimeZone(icu::TimeZone::createTimeZone(u"UTC"));
  icu::DateInterval interval(*from, *to);
  icu::UnicodeString text;
  icu::FieldPosition pos(icu::FieldPosition::DONT_CARE);
  format->format(&interval, text, pos, status);
  if (U_FAILURE(status)) return std::string(start);
  std::string out;
  text.toUTF8String(out);
  return out;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<Seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace cinepress
