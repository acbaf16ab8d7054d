// SessionTable: the live sessions of signed-in readers, in memory, so that a request's cookie is
// looked up without a database query; the store keeps them (hashes only) for other processes
// and restarts.
// Contract: thread-safe — Lookup takes a shared lock and may run on every server thread while
// one thread calls Create, Revoke, RevokeAll or Reload (each given that thread's store).
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "content/member_store.h"
#include "core/result.h"

namespace cinepress {

class SessionTable {
 public:
  // A new session: returns the token for the cookie (32 random bytes, base64url); only its hash
  // is stored and kept here.
  Result<std::string> Create(MemberStore& store, int64_t member_id, int64_t now,
                             int64_t lifetime_s);
  // The member signed in with `token`, if it is live at `now`. No database query.
  std::optional<int64_t> Lookup(std::string_view token, int64_t now) const;
  // Sign out: this session ("sign out") or every session of the member ("everywhere").
  Status Revoke(MemberStore& store, std::string_view token);
  Status RevokeAll(MemberStore& store, int64_t member_id);
  // Replaces the table with the store's live sessions (another process may have made or revoked
  // some); call when the store's Version() changed.
  Status Reload(MemberStore& store, int64_t now);
  size_t size() const;

 private:
  struct Entry {
    int64_t member_id = 0;
    int64_t expires = 0;
  };
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> by_hash_;  // raw hash -> session
};

}  // namespace cinepress
