// Fuzzes the members' import in Ghost's CSV format (libcsv and our row checks): every row is
// either a member or a problem with its line, and what is accepted can be written back (the
// export's format) and read again the same: addresses, names, notes, labels, tiers, flags.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config.h"
#include "members/member_csv.h"

namespace {

const cinepress::SiteConfig& Site() {
  static const cinepress::SiteConfig site = [] {
    cinepress::SiteConfig s;
    cinepress::TierConfig supporter, patron;  // and the free tier "members", implicit
    supporter.slug = "supporter";
    supporter.name = "Supporter";
    supporter.monthly_price = 500;
    patron.slug = "patron";
    patron.name = "Patron";
    patron.yearly_price = 12000;
    s.tiers = {supporter, patron};
    s.members.enabled = true;
    return s;
  }();
  return site;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto csv = cinepress::ParseMemberCsv(text, "members.csv", Site());
  for (const auto& problem : csv.problems) {
    if (problem.line <= 0 || problem.file != "members.csv") __builtin_trap();
  }
  std::string out = cinepress::MemberCsvHeader();
  for (const auto& row : csv.rows) {
    cinepress::Member m;
    m.email = row.email;
    m.name = row.name;
    m.note = row.note;
    m.labels = row.labels;
    m.created = row.created_at;
    m.stripe_customer_id = row.stripe_customer_id;
    m.subscribed_to_emails = row.subscribed_to_emails;
    out += cinepress::MemberCsvRow(m, row.tiers, row.complimentary_plan);
  }
  auto again = cinepress::ParseMemberCsv(out, "again.csv", Site());
  if (!again.problems.empty() || again.rows.size() != csv.rows.size()) __builtin_trap();
  for (size_t i = 0; i < csv.rows.size(); ++i) {
    const auto& a = csv.rows[i];
    const auto& b = again.rows[i];
    if (a.email != b.email || a.name != b.name || a.note != b.note || a.labels != b.labels ||
        a.tiers != b.tiers || a.stripe_customer_id != b.stripe_customer_id ||
        a.subscribed_to_emails != b.subscribed_to_emails) {
      __builtin_trap();
    }
  }
  return 0;
}
