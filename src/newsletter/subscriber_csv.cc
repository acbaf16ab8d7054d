#include "newsletter/subscriber_csv.h"

#include <map>

#include "core/csv.h"
#include "core/text.h"
#include "mail/message.h"

namespace cinepress {

SubscriberCsv ParseSubscriberCsv(std::string_view text, const std::string& file,
                                 const std::set<std::string>& newsletters, const TimeZone& tz) {
  SubscriberCsv out;
  auto problem = [&](int line, const std::string& field, const std::string& message) {
    out.problems.push_back(Error{ErrorCode::kInvalidInput, message, file, line, field});
  };
  CsvRecords c = ReadCsv(text, file);
  if (c.error) {
    out.problems.push_back(*c.error);
    if (c.error->line <= 1 || c.rows.empty()) return out;
  }
  if (c.rows.empty()) {
    problem(1, "", "empty file: expected the header email,name,lists,consent_date");
    return out;
  }
  const std::vector<std::string> header = {"email", "name", "lists", "consent_date"};
  std::vector<std::string> got;
  for (const std::string& f : c.rows[0].second) got.push_back(AsciiLower(std::string(Trim(f))));
  if (got != header) {
    problem(c.rows[0].first, "", "the first row must be the header email,name,lists,consent_date");
    return out;
  }
  std::map<std::string, int> seen;  // address -> line
  for (size_t r = 1; r < c.rows.size(); ++r) {
    const auto& [line, f] = c.rows[r];
    if (f.size() == 1 && Trim(f[0]).empty()) continue;  // a blank line
    if (f.size() != 4) {
      problem(line, "", "expected 4 fields, found " + std::to_string(f.size()));
      continue;
    }
    SubscriberRow row;
    row.line = line;
    row.email = std::string(Trim(f[0]));
    row.name = std::string(Trim(f[1]));
    if (!IsPlausibleEmail(row.email)) {
      problem(line, "email", "not an email address: \"" + row.email + "\"");
      continue;
    }
    std::string key = AsciiLower(row.email);
    if (auto it = seen.find(key); it != seen.end()) {
      problem(line, "email", row.email + " is already on line " + std::to_string(it->second));
      continue;
    }
    seen.emplace(key, line);
    if (!IsValidUtf8(row.name) || row.name.find_first_of("\r\n") != std::string::npos) {
      problem(line, "name", "must be one line of UTF-8 text");
      continue;
    }
    bool ok = true;
    std::string lists(f[2]);
    for (char& ch : lists) {
      if (ch == ',' || ch == ';' || ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
    }
    size_t k = 0;
    while (k < lists.size()) {
      size_t sp = lists.find(' ', k);
      std::string slug = lists.substr(k, sp == std::string::npos ? std::string::npos : sp - k);
      k = sp == std::string::npos ? lists.size() : sp + 1;
      if (slug.empty()) continue;
      if (!newsletters.count(slug)) {
        problem(line, "lists", "no newsletter \"" + slug + "\" in cinepress.toml");
        ok = false;
        break;
      }
      row.lists.push_back(slug);
    }
    if (!ok) continue;
    if (row.lists.empty()) {
      problem(line, "lists", "names no newsletter");
      continue;
    }
    auto when = tz.Parse(Trim(f[3]));
    if (!when) {
      problem(line, "consent_date",
              "not a date: \"" + std::string(Trim(f[3])) + "\" (expected 2024-05-01)");
      continue;
    }
    row.consent_at = *when;
    out.rows.push_back(std::move(row));
  }
  return out;
}

std::string SubscriberCsvHeader() { return "email,name,lists,consent_date\r\n"; }

std::string SubscriberCsvRow(const std::string& email, const std::string& name,
                             const std::vector<std::string>& lists, int64_t consent_at) {
  std::string out;
  auto field = [&](const std::string& v) { out += CsvField(v); };
  field(email);
  out += ',';
  field(name);
  out += ',';
  field(Join(lists, " "));
  out += ',';
  field(TimeZone::IsoUtc(consent_at));
  out += "\r\n";
  return out;
}

}  // namespace cinepress
