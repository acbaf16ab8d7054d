// How a store waits for one of its change counters to move (ContentStore::WaitForChange,
// MemberStore::WaitForChange): SQLite reads the counter again and again (one file, one
// machine); PostgreSQL waits for the notification that the counter's trigger sends (LISTEN), so
// that several nodes follow one database without asking it anything while nothing changes.
// Contract: one per store connection, used by the thread that uses the connection. The first
// Wait answers true at once (nothing was seen before it); true may be spurious, false is not.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/pg_connection.h"

namespace cinepress {

// SQLite: the counter read every 100 ms until it moves or the time is up.
class CounterPoll {
 public:
  Result<bool> Wait(const std::function<Result<int64_t>()>& read,
                    std::chrono::milliseconds timeout);

 private:
  std::optional<int64_t> seen_;
};

// PostgreSQL: the counters' triggers notify the channel `cinepress_changes` with "KIND SCHEMA"
// (the schema: several magazines may share a database); this waits for its own kind and schema.
class PgChangeListener {
 public:
  // `kind`: "content" or "members", as the triggers say (pg_store.cc's migrations).
  PgChangeListener(PgConnection& db, std::string kind) : db_(db), kind_(std::move(kind)) {}
  Result<bool> Wait(std::chrono::milliseconds timeout);

 private:
  PgConnection& db_;
  std::string kind_;
  std::string payload_;   // "KIND SCHEMA" once listening
  uint64_t session_ = 0;  // the connection's session that listens
};

}  // namespace cinepress
