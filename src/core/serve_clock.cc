#include "core/serve_clock.h"

#include <chrono>
#include <cstdlib>

#include "core/dates.h"

namespace cinepress {
namespace {

// The override's start (0: the real clock), read once.
int64_t ClockStart() {
  const char* now = std::getenv("CINEPRESS_SCHEDULER_NOW");
  if (!now || !*now) return 0;
  auto utc = TimeZone::Named("UTC");
  if (utc) {
    if (auto t = utc->Parse(now)) return *t;
  }
  return std::atoll(now);
}

}  // namespace

int64_t ServeNow() {
  static const int64_t start = ClockStart();
  static const auto started = std::chrono::steady_clock::now();
  if (start == 0) return NowSeconds();
  return start + std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                  started)
                     .count();
}

}  // namespace cinepress
