// Institutions: libraries, universities and film schools whose readers hold a tier by IP network
// or email domain; and their usage per month (views of restricted articles, distinct articles,
// refusals), the report a librarian asks for at renewal (COUNTER reports are the model).
// Contract: plain functions over the MemberStore (one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/member_store.h"
#include "core/config.h"
#include "core/result.h"

namespace cinepress {

// Checks and normalizes a network: "192.0.2.0/24", "2001:db8::/32", or one address (a /32 or
// /128). Parsed by Boost.Asio (make_network_v4/v6); host bits set are an error.
Result<std::string> NormalizeNetwork(std::string_view cidr);

// Adds an institution: a name, networks and/or domains, a known tier (CheckTier), seats >= 0.
// Its slug is made from the name (kConflict when taken). Every problem is reported at once.
Result<int64_t> AddInstitution(MemberStore& store, const SiteConfig& site, Institution institution,
                               int64_t now);
Result<std::vector<Institution>> ListInstitutions(MemberStore& store);
// By slug, or by name (without ASCII case).
Result<Institution> FindInstitution(MemberStore& store, const std::string& slug_or_name);
Status RemoveInstitution(MemberStore& store, int64_t institution_id);

enum class UsageKind { kView, kRefusal };
// "2026-11" for a time (UTC).
std::string UsageMonth(int64_t t);
// Counts one view of a restricted article, or one refusal, by a reader of the institution.
Status RecordUsage(MemberStore& store, int64_t institution_id, const std::string& month,
                   const std::string& path, UsageKind kind);

struct UsageReportRow {
  int64_t institution_id = 0;
  std::string name;
  std::string slug;
  int64_t views = 0;              // views of restricted articles
  int64_t distinct_articles = 0;  // articles viewed at least once
  int64_t refusals = 0;           // paywalls hit
  int64_t members = 0;            // members joined by email domain (now)
  int64_t seats = 0;
};
// One row per institution (every institution, also without usage), by name. `month`: "YYYY-MM".
Result<std::vector<UsageReportRow>> UsageReport(MemberStore& store, const std::string& month);

}  // namespace cinepress
