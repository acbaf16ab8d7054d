// The subscriber list as CSV (RFC 4180, read and written with libcsv): a header row
// `email,name,lists,consent_date`, then one reader per row; `lists` are newsletter slugs
// separated by spaces, `consent_date` is when the reader agreed ("2024-05-01" or RFC 3339).
// Contract: pure functions; ParseSubscriberCsv reports every bad row (line and reason) and
// never stops at the first.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/dates.h"
#include "core/result.h"

namespace cinepress {

struct SubscriberRow {
  int line = 0;  // where the row starts, 1-based
  std::string email, name;
  std::vector<std::string> lists;
  int64_t consent_at = 0;
};

struct SubscriberCsv {
  std::vector<SubscriberRow> rows;  // the valid rows
  std::vector<Error> problems;      // one per bad row: file, line, field, reason
};

SubscriberCsv ParseSubscriberCsv(std::string_view text, const std::string& file_name,
                                 const std::set<std::string>& newsletters, const TimeZone& tz);

std::string SubscriberCsvHeader();  // "email,name,lists,consent_date\r\n"
std::string SubscriberCsvRow(const std::string& email, const std::string& name,
                             const std::vector<std::string>& lists, int64_t consent_at);

}  // namespace cinepress
