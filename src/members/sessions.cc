#include "members/sessions.h"

#include <mutex>

#include "members/sign_in.h"

namespace cinepress {

// Sessions are found by the hash of their token: a lookup's timing can at most tell something
// about a hash, which does not help forge a token (no comparison of secrets takes place).

Result<std::string> SessionTable::Create(MemberStore& store, int64_t member_id, int64_t now,
                                         int64_t lifetime_s) {
  std::string token = NewToken();
  MemberSession s{HashSecret(token), member_id, now, now + lifetime_s, false};
  if (auto st = store.InsertSession(s); !st) return st.error();
  std::unique_lock lock(mu_);
  by_hash_[s.token_hash] = Entry{member_id, s.expires};
  return token;
}

std::optional<int64_t> SessionTable::Lookup(std::string_view token, int64_t now) const {
  if (token.empty() || token.size() > 128) return std::nullopt;
  const std::string hash = HashSecret(token);
  std::shared_lock lock(mu_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end() || it->second.expires <= now) return std::nullopt;
  return it->second.member_id;
}

Status SessionTable::Revoke(MemberStore& store, std::string_view token) {
  const std::string hash = HashSecret(token);
  if (auto s = store.RevokeSession(hash); !s) return s;
  std::unique_lock lock(mu_);
  by_hash_.erase(hash);
  return {};
}

Status SessionTable::RevokeAll(MemberStore& store, int64_t member_id) {
  if (auto s = store.RevokeSessions(member_id); !s) return s;
  std::unique_lock lock(mu_);
  std::erase_if(by_hash_, [&](const auto& kv) { return kv.second.member_id == member_id; });
  return {};
}

Status SessionTable::Reload(MemberStore& store, int64_t now) {
  auto live = store.LoadLiveSessions(now);
  if (!live) return live.error();
  std::unordered_map<std::string, Entry> fresh;
  fresh.reserve(live->size());
  for (MemberSession& s : *live)
    fresh.emplace(std::move(s.token_hash), Entry{s.member_id, s.expires});
  std::unique_lock lock(mu_);
  by_hash_.swap(fresh);
  return {};
}

size_t SessionTable::size() const {
  std::shared_lock lock(mu_);
  return by_hash_.size();
}

}  // namespace cinepress
