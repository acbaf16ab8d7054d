// Members as CSV in Ghost's format (RFC 4180, read and written with libcsv), so that a Ghost
// magazine can move in and out: a header row naming the columns (any order; unknown columns such
// as Ghost's id and deleted_at are ignored) among email, name, note, subscribed_to_emails,
// complimentary_plan, stripe_customer_id, created_at, labels, tiers. `labels` and `tiers` are
// lists separated by commas; tiers are [[tiers]] slugs or names; complimentary_plan true without
// tiers means the first tier with prices.
// Contract: pure functions; ParseMemberCsv reports every bad row (file:line: field: message)
// and never stops at the first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "content/member_store.h"
#include "core/config.h"
#include "core/result.h"

namespace cinepress {

struct MemberRow {
  int line = 0;  // where the row starts, 1-based
  std::string email, name, note;
  bool subscribed_to_emails = true;
  bool complimentary_plan = false;
  std::string stripe_customer_id;
  int64_t created_at = 0;  // 0: not given
  std::vector<std::string> labels;
  std::vector<std::string> tiers;  // slugs (names resolved)
};

struct MemberCsv {
  std::vector<MemberRow> rows;  // the valid rows
  std::vector<Error> problems;  // one per problem: file, line, field, message
};

MemberCsv ParseMemberCsv(std::string_view text, const std::string& file_name,
                         const SiteConfig& site);

// The columns above, in that order.
std::string MemberCsvHeader();
std::string MemberCsvRow(const Member& member, const std::vector<std::string>& tiers,
                         bool complimentary);

struct MemberImport {
  size_t created = 0, updated = 0, granted = 0;
};
// Writes the rows in one transaction: members added or updated (AddMember's rules), the tiers
// they do not hold yet granted ("comp" when complimentary_plan, else "gift"; no end).
Result<MemberImport> ImportMemberRows(MemberStore& store, const std::vector<MemberRow>& rows,
                                      int64_t now);

}  // namespace cinepress
