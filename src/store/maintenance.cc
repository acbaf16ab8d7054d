// Backup, restore and check of the SQLite store (see maintenance.h).
#include "store/maintenance.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "store/sqlite_search.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

Error StoreError(const std::string& message, const fs::path& file) {
  return Error{ErrorCode::kStore, message, file.string(), 0, {}};
}

// One connection, closed when it goes out of scope.
class Connection {
 public:
  ~Connection() { sqlite3_close_v2(db_); }
  Status Open(const fs::path& file, int flags) {
    if (sqlite3_open_v2(file.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      return StoreError("cannot open: " + std::string(db_ ? sqlite3_errmsg(db_) : "no memory"),
                        file);
    }
    sqlite3_busy_timeout(db_, 10000);
    return {};
  }
  sqlite3* get() const { return db_; }
  std::string error() const { return sqlite3_errmsg(db_); }
  // Every row's first column as text (for pragmas); an Error names the statement.
  Result<std::vector<std::string>> Column(const std::string& sql, const fs::path& file) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return StoreError(sql + ": " + error(), file);
    }
    std::vector<std::string> rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      rows.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return StoreError(sql + ": " + error(), file);
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Copies every page of `from` into `to` in one step (one read transaction on the source, one write
// transaction on the destination), waiting while another connection holds the write lock.
Status CopyPages(sqlite3* from, sqlite3* to, const fs::path& named) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (!backup)
    return StoreError("cannot start the copy: " + std::string(sqlite3_errmsg(to)), named);
  int rc;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((rc = sqlite3_backup_step(backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    std::string why = sqlite3_errstr(rc);
    if (rc == SQLITE_READONLY) why += " (the two databases' page sizes differ)";
    return StoreError("copying the store: " + why, named);
  }
  return {};
}

Status SyncPath(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{ErrorCode::kIo, "cannot open to sync", path.string(), 0, {}};
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Error{ErrorCode::kIo, "cannot sync to disk", path.string(), 0, {}};
  return {};
}

}  // namespace

Status BackupSqliteStore(const fs::path& store, const fs::path& dest) {
  std::error_code ec;
  if (!fs::exists(store, ec)) return StoreError("no store here", store);
  if (fs::exists(dest, ec) && fs::equivalent(store, dest, ec)) {
    return StoreError("the backup would replace the store itself", dest);
  }
  Connection source;
  if (auto s = source.Open(store, SQLITE_OPEN_READONLY); !s) return s;
  fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  fs::path partial =
      dir / ("." + dest.filename().string() + ".partial-" + std::to_string(getpid()));
  fs::remove(partial, ec);
  Status result = [&]() -> Status {
    Connection copy;
    if (auto s = copy.Open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE); !s) return s;
    if (auto s = CopyPages(source.get(), copy.get(), dest); !s) return s;
    // One file to keep or move: the copy leaves WAL mode (its -wal would be a second file).
    if (auto r = copy.Column("PRAGMA journal_mode=DELETE", dest); !r) return r.error();
    return {};
  }();
  if (result) result = SyncPath(partial, false);
  if (result && std::rename(partial.c_str(), dest.c_str()) != 0) {
    result = Error{ErrorCode::kIo, "cannot put the copy in place", dest.string(), 0, {}};
  }
  if (!result) {
    fs::remove(partial, ec);
    fs::remove(fs::path(partial.string() + "-journal"), ec);
    return result;
  }
  return SyncPath(dir, true);
}

Result<std::vector<std::string>> CheckSqliteStore(const fs::path& store) {
  std::error_code ec;
  if (!fs::exists(store, ec)) return StoreError("no store here", store);
  Connection c;
  if (auto s = c.Open(store, SQLITE_OPEN_READONLY); !s) return s.error();
  // Without the tokenizer the full-text tables cannot even be opened, and would be reported.
  if (RegisterSearchTokenizer(c.get()) != SQLITE_OK) {
    return StoreError("registering the search words: " + c.error(), store);
  }
  auto integrity = c.Column("PRAGMA integrity_check", store);
  if (!integrity) {
    // A file too damaged to read is a problem found, not a failure of the check.
    return std::vector<std::string>{integrity.error().message};
  }
  std::vector<std::string> problems;
  if (!(integrity->size() == 1 && (*integrity)[0] == "ok")) problems = *integrity;
  auto keys = c.Column("PRAGMA foreign_key_check", store);
  if (!keys) {
    problems.push_back(keys.error().message);
  } else {
    for (const auto& table : *keys) {
      problems.push_back("a row of " + table + " refers to a row that does not exist");
    }
  }
  return problems;
}

Status VerifySqliteStoreFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{ErrorCode::kNotFound, "cannot read the file", file.string(), 0, {}};
  char magic[16] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() != 16 ||
      std::string_view(magic, 16) != std::string_view("SQLite format 3\0", 16)) {
    return Error{ErrorCode::kInvalidInput,
                 "not a cinepress store (not an SQLite database)",
                 file.string(),
                 0,
                 {}};
  }
  Connection c;
  if (auto s = c.Open(file, SQLITE_OPEN_READONLY); !s) return s;
  auto version = c.Column("PRAGMA user_version", file);
  if (!version) return version.error();
  int64_t v = version->empty() ? 0 : std::stoll((*version)[0]);
  auto tables = c.Column(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
      "('articles', 'media', 'media_blobs', 'authors', 'sections')",
      file);
  if (!tables) return tables.error();
  if (v < 1 || tables->size() != 5) {
    return Error{ErrorCode::kInvalidInput,
                 "not a cinepress store (no articles or media tables)",
                 file.string(),
                 0,
                 {}};
  }
  if (v > SqliteSchemaVersion()) {
    return Error{ErrorCode::kInvalidInput,
                 "made by a newer cinepress (schema " + std::to_string(v) + ", this one knows " +
                     std::to_string(SqliteSchemaVersion()) + ")",
                 file.string(),
                 0,
                 {}};
  }
  auto problems = CheckSqliteStore(file);
  if (!problems) return problems.error();
  if (!problems->empty()) {
    return Error{ErrorCode::kInvalidInput, "damaged: " + problems->front(), file.string(), 0, {}};
  }
  return {};
}

Status RestoreSqliteStore(const fs::path& backup, const fs::path& store, const fs::path& aside) {
  if (auto s = VerifySqliteStoreFile(backup); !s) return s;
  std::error_code ec;
  if (fs::exists(store, ec) && fs::equivalent(backup, store, ec)) {
    return StoreError("the backup is the store itself", store);
  }
  if (fs::exists(store, ec) && !aside.empty()) {
    if (auto s = BackupSqliteStore(store, aside); !s) return s;
  }
  Connection source, target;
  if (auto s = source.Open(backup, SQLITE_OPEN_READONLY); !s) return s;
  if (auto s = target.Open(store, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE); !s) return s;
  return CopyPages(source.get(), target.get(), store);
}

Status RequireSqliteStore(const StoreOptions& options, const std::string& command) {
  if (options.url.empty()) return {};
  return Error{ErrorCode::kInvalidInput,
               command +
                   " works on the SQLite store; this site's store is PostgreSQL ([store] url): "
                   "use PostgreSQL's own tools (pg_dump, pg_basebackup, a replica), or "
                   "`cinepress store copy` to a SQLite file",
               {},
               0,
               "store.url"};
}

}  // namespace cinepress
