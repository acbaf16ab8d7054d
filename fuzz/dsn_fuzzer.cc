// Fuzzes bounce reading (GMime): a single message or an mbox of many, DSN (RFC 3464) and ARF
// (RFC 5965) parts. Any bytes give a report or an error, never a crash.
#include <cstdint>
#include <string_view>

#include "mail/dsn.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto report = cinepress::ParseDeliveryReports(text);
  if (report.ok()) {
    for (const auto& r : report->recipients) {
      if (r.hard() && r.soft()) __builtin_trap();  // a bounce is one or the other
    }
  }
  return 0;
}
