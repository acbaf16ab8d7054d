// RightsBook: what every member and every institution's network holds, in memory, so that a
// request's ReaderRights (content/access.h) are made without a database query: a member's tiers
// held now (and the free tier), the tier of the institution they joined by email domain, and the
// tier of an institution whose networks hold the client's address (IPv4 and IPv6, sorted ranges
// searched by bisection: microseconds among 10,000 networks).
// Contract: thread-safe — For and Member take a shared lock and may run on every server thread
// while one thread calls Load (which builds the new tables first and swaps them in).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "content/access.h"
#include "content/member_store.h"
#include "core/config.h"
#include "core/result.h"

namespace cinepress {

struct MemberSummary {
  int64_t id = 0;
  std::string email;
  std::string name;
  int64_t institution_id = 0;  // joined by email domain; 0: none
};

class RightsBook {
 public:
  RightsBook();
  ~RightsBook();
  // Reads members, grants, institutions and memberships from the store. Networks that do not
  // parse are skipped (they were checked when added).
  Status Load(MemberStore& store, const SiteConfig& site, int64_t now);
  // The rights of a request: `member_id` 0 for an anonymous reader; `client_ip` as text ("" or
  // junk: none). Grants and institutions are checked against `now`.
  ReaderRights For(int64_t member_id, std::string_view client_ip, int64_t now) const;
  std::optional<MemberSummary> Member(int64_t id) const;
  // The active institution whose networks hold `client_ip` (0: none); for usage counts.
  int64_t InstitutionAt(std::string_view client_ip, int64_t now) const;

  struct Tables;  // the loaded state (rights.cc)

 private:
  mutable std::shared_mutex mu_;
  std::shared_ptr<const Tables> tables_;
};

}  // namespace cinepress
