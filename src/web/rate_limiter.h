// RateLimiter: at most N events per key (a client address, an email address) in a sliding
// window, in bounded memory that a stranger cannot wipe: when the table is full, the keys least
// recently seen that are under their limit make room first; keys over their limit are kept
// until their window passes.
// Contract: thread-safe (one lock); Allow is O(1) amortised.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cinepress {

class RateLimiter {
 public:
  RateLimiter(int max_events, int64_t window_s, size_t max_keys = 100000)
      : max_(max_events), window_(window_s), capacity_(max_keys) {}

  // Counts an event of `key` at `now` and says whether it is within the limit (an event over it
  // is not counted again, so a blocked client is free once its window has passed).
  bool Allow(const std::string& key, int64_t now);
  size_t size() const;

 private:
  struct Entry {
    std::deque<int64_t> times;
    std::list<std::string>::iterator lru;
  };
  void Expire(Entry& e, int64_t now) const;
  void MakeRoom(int64_t now);

  const int max_;
  const int64_t window_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // least recently seen first
};

}  // namespace cinepress
