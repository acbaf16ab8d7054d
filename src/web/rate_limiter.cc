#include "web/rate_limiter.h"

namespace cinepress {

void RateLimiter::Expire(Entry& e, int64_t now) const {
  while (!e.times.empty() && e.times.front() <= now - window_) e.times.pop_front();
}

void RateLimiter::MakeRoom(int64_t now) {
  // The least recently seen keys that are not over their limit go first; an offender is kept
  // (a flood of new addresses must not free it), and passed to the back of the line. A bounded
  // number is looked at, so a table full of offenders costs a new key little.
  constexpr int kLooks = 64;
  for (int looked = 0; looked < kLooks && !lru_.empty() && entries_.size() >= capacity_; ++looked) {
    auto it = lru_.begin();
    auto e = entries_.find(*it);
    Expire(e->second, now);
    if (e->second.times.size() < static_cast<size_t>(max_)) {
      entries_.erase(e);
      lru_.erase(it);
    } else {
      lru_.splice(lru_.end(), lru_, it);
    }
  }
}

bool RateLimiter::Allow(const std::string& key, int64_t now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= capacity_) MakeRoom(now);
    // Still full of offenders: the new key is refused rather than an offender forgotten.
    if (entries_.size() >= capacity_) return false;
    lru_.push_back(key);
    it = entries_.emplace(key, Entry{{}, std::prev(lru_.end())}).first;
  } else {
    lru_.splice(lru_.end(), lru_, it->second.lru);
  }
  Entry& e = it->second;
  Expire(e, now);
  if (e.times.size() >= static_cast<size_t>(max_)) return false;
  e.times.push_back(now);
  return true;
}

size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace cinepress
