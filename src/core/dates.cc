#include "core/dates.h"

// date.h's parse() trips GCC 12's -Wmaybe-uninitialized inside libstdc++ (a false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
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
  // With an explicit offset or Z: an absolute time.
  SysSeconds abs;
  for (const char* fmt : {"%FT%T%Ez", "%FT%TZ", "%F %T%Ez", "%FT%R%Ez", "%FT%T%z"}) {
    if (TryParse(text, fmt, abs)) return abs.time_since_epoch().count();
  }
  // Without one: a local time in the site's zone.
  date::local_seconds local;
  bool found = false;
  for (const char* fmt : {"%FT%T", "%F %T", "%FT%R", "%F %R"}) {
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

std::string TimeZone::Iso(int64_t t) const {
  auto z = date::make_zoned(zone_, SysSeconds(Seconds(t)));
  return date::format("%FT%T%Ez", z);
}

std::string TimeZone::Display(int64_t t) const {
  auto local = date::make_zoned(zone_, SysSeconds(Seconds(t))).get_local_time();
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  return std::string(MonthName(static_cast<int>(static_cast<unsigned>(ymd.month())))) + " " +
         std::to_string(static_cast<unsigned>(ymd.day())) + ", " +
         std::to_string(static_cast<int>(ymd.year()));
}

std::string TimeZone::Rfc822(int64_t t) const {
  auto z = date::make_zoned(zone_, SysSeconds(Seconds(t)));
  return date::format("%a, %d %b %Y %T %z", z);
}

std::string TimeZone::IsoUtc(int64_t t) { return date::format("%FT%TZ", SysSeconds(Seconds(t))); }

std::pair<int, int> TimeZone::YearMonth(int64_t t) const {
  auto local = date::make_zoned(zone_, SysSeconds(Seconds(t))).get_local_time();
  date::year_month_day ymd{date::floor<date::days>(local)};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month()))};
}

const char* MonthName(int month) {
  static const char* const kNames[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
  return month >= 1 && month <= 12 ? kNames[month - 1] : "";
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<Seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace cinepress
