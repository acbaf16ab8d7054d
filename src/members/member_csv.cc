#include "members/member_csv.h"

#include <algorithm>
#include <map>

#include "content/access.h"
#include "core/csv.h"
#include "core/dates.h"
#include "core/text.h"
#include "mail/message.h"
#include "members/members.h"

namespace cinepress {
namespace {

const std::vector<std::string>& Columns() {
  static const std::vector<std::string> kColumns = {"email",
                                                    "name",
                                                    "note",
                                                    "subscribed_to_emails",
                                                    "complimentary_plan",
                                                    "stripe_customer_id",
                                                    "created_at",
                                                    "labels",
                                                    "tiers"};
  return kColumns;
}

// "a, b,c" -> {"a", "b", "c"}
std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= text.size()) {
    size_t comma = text.find(',', i);
    std::string_view part =
        Trim(text.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i));
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    i = comma + 1;
  }
  return out;
}

std::optional<bool> ParseBool(std::string_view text, bool empty) {
  std::string v = AsciiLower(Trim(text));
  if (v.empty()) return empty;
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return std::nullopt;
}

}  // namespace

MemberCsv ParseMemberCsv(std::string_view text, const std::string& file, const SiteConfig& site) {
  MemberCsv out;
  auto problem = [&](int line, const std::string& field, const std::string& message) {
    out.problems.push_back(Error{ErrorCode::kInvalidInput, message, file, line, field});
  };
  CsvRecords c = ReadCsv(text, file);
  if (c.error) {
    out.problems.push_back(*c.error);
    if (c.rows.size() <= 1) return out;
  }
  if (c.rows.empty()) {
    problem(1, "", "empty file: expected a header row naming the columns (email, name, …)");
    return out;
  }
  std::map<std::string, size_t> at;  // column -> index
  const auto& header = c.rows[0].second;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name = AsciiLower(Trim(header[i]));
    if (std::find(Columns().begin(), Columns().end(), name) != Columns().end()) at[name] = i;
  }
  if (!at.count("email")) {
    problem(c.rows[0].first, "email", "the header row has no email column");
    return out;
  }
  auto utc = TimeZone::Named("UTC");
  // Tier names and slugs -> slugs; the default comp tier: the first with prices.
  std::map<std::string, std::string> tier_of;
  std::string first_paid;
  for (const TierConfig& t : site.tiers) {
    tier_of[AsciiLower(t.slug)] = t.slug;
    tier_of[AsciiLower(t.name)] = t.slug;
    if (first_paid.empty() && t.paid()) first_paid = t.slug;
  }
  tier_of[std::string(kFreeTier)] = std::string(kFreeTier);
  tier_of["free"] = std::string(kFreeTier);
  std::map<std::string, int> seen;  // address -> line
  for (size_t r = 1; r < c.rows.size(); ++r) {
    // No structured binding: the lambda below uses `f`, which clang 14 (the fuzz build) refuses.
    const int line = c.rows[r].first;
    const auto& f = c.rows[r].second;
    if (f.size() == 1 && Trim(f[0]).empty()) continue;  // a blank line
    if (f.size() != header.size()) {
      problem(line, "",
              "expected " + std::to_string(header.size()) + " fields, found " +
                  std::to_string(f.size()));
      continue;
    }
    auto get = [&](const char* column) -> std::string {
      auto it = at.find(column);
      return it == at.end() ? std::string() : std::string(Trim(f[it->second]));
    };
    const size_t before = out.problems.size();
    MemberRow row;
    row.line = line;
    row.email = get("email");
    row.name = get("name");
    row.note = get("note");
    row.stripe_customer_id = get("stripe_customer_id");
    if (!IsPlausibleEmail(row.email)) {
      problem(line, "email", "not an email address: \"" + row.email + "\"");
    } else if (auto it = seen.find(AsciiLower(row.email)); it != seen.end()) {
      problem(line, "email", row.email + " is already on line " + std::to_string(it->second));
    } else {
      seen.emplace(AsciiLower(row.email), line);
    }
    for (const char* column : {"name", "note"}) {
      std::string v = get(column);
      if (!IsValidUtf8(v) ||
          (std::string_view(column) == "name" && v.find_first_of("\r\n") != std::string::npos)) {
        problem(line, column, "must be UTF-8 text (the name on one line)");
      }
    }
    auto subscribed = ParseBool(get("subscribed_to_emails"), true);
    if (!subscribed) {
      problem(line, "subscribed_to_emails", "expected true or false");
    } else {
      row.subscribed_to_emails = *subscribed;
    }
    auto comp = ParseBool(get("complimentary_plan"), false);
    if (!comp) {
      problem(line, "complimentary_plan", "expected true or false");
    } else {
      row.complimentary_plan = *comp;
    }
    if (std::string when = get("created_at"); !when.empty()) {
      std::optional<int64_t> t = utc ? utc->Parse(when) : std::nullopt;
      // Ghost writes milliseconds (2023-01-05T10:00:00.000Z), which the date reader may not take.
      if (!t && when.size() > 20 && when[19] == '.' && utc) {
        t = utc->Parse(when.substr(0, 19) + "Z");
      }
      if (!t) {
        problem(line, "created_at", "not a date: \"" + when + "\" (expected 2024-05-01T10:00:00Z)");
      } else {
        row.created_at = *t;
      }
    }
    row.labels = SplitList(get("labels"));
    for (const std::string& name : SplitList(get("tiers"))) {
      auto it = tier_of.find(AsciiLower(name));
      if (it == tier_of.end()) {
        problem(line, "tiers", "no tier \"" + name + "\" in cinepress.toml");
      } else if (std::find(row.tiers.begin(), row.tiers.end(), it->second) == row.tiers.end()) {
        row.tiers.push_back(it->second);
      }
    }
    if (row.complimentary_plan && row.tiers.empty()) {
      if (first_paid.empty()) {
        problem(line, "complimentary_plan", "no tier with prices in cinepress.toml to give");
      } else {
        row.tiers.push_back(first_paid);
      }
    }
    if (out.problems.size() == before) out.rows.push_back(std::move(row));
  }
  return out;
}

std::string MemberCsvHeader() { return Join(Columns(), ",") + "\r\n"; }

std::string MemberCsvRow(const Member& m, const std::vector<std::string>& tiers,
                         bool complimentary) {
  std::vector<std::string> fields = {CsvField(m.email),
                                     CsvField(m.name),
                                     CsvField(m.note),
                                     m.subscribed_to_emails ? "true" : "false",
                                     complimentary ? "true" : "false",
                                     CsvField(m.stripe_customer_id),
                                     TimeZone::IsoUtc(m.created),
                                     CsvField(Join(m.labels, ",")),
                                     CsvField(Join(tiers, ","))};
  return Join(fields, ",") + "\r\n";
}

Result<MemberImport> ImportMemberRows(MemberStore& store, const std::vector<MemberRow>& rows,
                                      int64_t now) {
  MemberImport out;
  if (auto s = store.BeginTransaction(); !s) return s.error();
  auto fail = [&](Error e) -> Result<MemberImport> {
    (void)store.Rollback();
    return e;
  };
  for (const MemberRow& row : rows) {
    NewMember m;
    m.email = row.email;
    m.name = row.name;
    m.note = row.note;
    m.labels = row.labels;
    m.stripe_customer_id = row.stripe_customer_id;
    m.subscribed_to_emails = row.subscribed_to_emails;
    m.created = row.created_at;
    auto added = AddMember(store, m, now);
    if (!added) {
      Error e = added.error();
      e.line = row.line;
      return fail(e);
    }
    ++(added->created ? out.created : out.updated);
    // A tier the member holds now is left as it is: Ghost's file has no end date, and an
    // export imported again must not turn a comp that ends into one that does not.
    auto grants = store.LoadGrants(added->id);
    if (!grants) return fail(grants.error());
    const std::vector<std::string> held = TiersHeld(*grants, now);
    for (const std::string& tier : row.tiers) {
      if (std::find(held.begin(), held.end(), tier) != held.end()) continue;
      if (auto s = GrantTier(store, added->id, tier, 0, row.complimentary_plan ? "comp" : "gift",
                             "imported", now);
          !s) {
        return fail(s.error());
      }
      ++out.granted;
    }
  }
  if (auto s = store.Commit(); !s) return s.error();
  return out;
}

}  // namespace cinepress
