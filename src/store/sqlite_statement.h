// One use of a prepared SQLite statement (binds, steps, reads columns, and resets it when it
// goes out of scope), and Run, a use bound from a list of values; shared by the store's SQLite
// classes.
// Contract: the statement belongs to one connection and is used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

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

}  // namespace cinepress
