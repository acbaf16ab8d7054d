// Fuzzes the subscriber list import (libcsv and our row checks): every row is either a reader
// or a problem with its line, and what is accepted can be written back and read again the same.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "newsletter/subscriber_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const cinepress::TimeZone tz = *cinepress::TimeZone::Named("UTC");
  static const std::set<std::string> kLists = {"weekly", "premium", "tiff-daily"};
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto csv = cinepress::ParseSubscriberCsv(text, "subscribers.csv", kLists, tz);
  // A round trip: the accepted rows, written out, are accepted again, all of them.
  std::string out = cinepress::SubscriberCsvHeader();
  for (const auto& row : csv.rows) {
    out += cinepress::SubscriberCsvRow(row.email, row.name, row.lists, row.consent_at);
  }
  auto again = cinepress::ParseSubscriberCsv(out, "again.csv", kLists, tz);
  if (again.rows.size() != csv.rows.size()) __builtin_trap();
  for (size_t i = 0; i < csv.rows.size(); ++i) {
    if (again.rows[i].email != csv.rows[i].email || again.rows[i].name != csv.rows[i].name) {
      __builtin_trap();
    }
  }
  return 0;
}
