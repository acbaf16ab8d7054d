// One use of a prepared SQLite statement (binds, steps, reads columns, and resets it when it
// goes out of scope), and Run, a use bound from a list of values; shared by the store's SQLite
// classes.
// Contract: the statement belongs to one connection and is used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"

namespace cinepress {

class Use {  // binds, steps and resets one prepared statement
 public:
  explicit Use(sqlite3_stmt* s) : s_(s) {}
  ~Use() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  Use& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Use& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // For values that outlive Step(): no copy.
  Use& BindStatic(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Use& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  int Step() { return sqlite3_step(s_); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }
  std::string Blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  double Double(int col) const { return sqlite3_column_double(s_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_;
};

// Bound as a BLOB (hashes), not as text.
struct SqlBlob {
  std::string_view bytes;
};
using SqlValue = std::variant<int64_t, std::string_view, SqlBlob>;

// One run of a cached statement: bound on construction (?1, ?2… in order), reset on destruction.
class Run : public Use {
 public:
  Run(sqlite3_stmt* s, std::initializer_list<SqlValue> args) : Use(s) {
    int i = 1;
    for (const SqlValue& v : args) {
      if (const int64_t* n = std::get_if<int64_t>(&v)) {
        Bind(i++, *n);
      } else if (const SqlBlob* b = std::get_if<SqlBlob>(&v)) {
        BindBlob(i++, b->bytes);
      } else {
        Bind(i++, std::get<std::string_view>(v));
      }
    }
  }
  bool Row() { return (rc_ = Step()) == SQLITE_ROW; }
  bool Done() { return (rc_ = Step()) == SQLITE_DONE; }
  bool Finished() const { return rc_ == SQLITE_DONE; }
  int64_t I(int c) const { return Int(c); }
  std::string S(int c) const { return Text(c); }
  std::string B(int c) const { return Blob(c); }

 private:
  int rc_ = SQLITE_OK;
};

// A connection of its own to the store's file, with its prepared statements cached: the base of
// the SQLite classes of the stores' other roles (newsletters, members).
class SqliteConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // The connection's settings: WAL, waits for a lock up to 10 s, foreign keys.
  Status InitConnection() {
    sqlite3_busy_timeout(db_, 10000);
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
      if (auto s = Exec(pragma); !s) return s;
    }
    return {};
  }

 protected:
  sqlite3_stmt* Q(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    // A statement that does not compile (a bug) stays null: SQLite answers SQLITE_MISUSE to
    // every use of it, which the caller reports as a store error with the SQLite message.
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
        SQLITE_OK) {
      s = nullptr;
    }
    cache_.emplace(sql, s);
    return s;
  }

  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Error{ErrorCode::kStore, msg, {}, 0, {}};
    }
    return {};
  }

  // `writes` in BEGIN IMMEDIATE … COMMIT, or rolled back when it fails (not nested).
  Status Atomically(const std::function<Status()>& writes) {
    if (auto s = Exec("BEGIN IMMEDIATE"); !s) return s;
    Status s = writes();
    if (s) s = Exec("COMMIT");
    if (!s) (void)Exec("ROLLBACK");
    return s;
  }

  Error Failure(const std::string& what) const {
    return Error{ErrorCode::kStore, what + ": " + sqlite3_errmsg(db_), {}, 0, {}};
  }

  sqlite3* db_;

 private:
  std::map<std::string, sqlite3_stmt*> cache_;
};

// Opens an existing store file read-write for one thread (SQLITE_OPEN_NOMUTEX).
inline Result<sqlite3*> OpenSqliteConnection(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Error{ErrorCode::kStore, "cannot open the store: " + msg, file.string(), 0, {}};
  }
  return db;
}

}  // namespace cinepress
