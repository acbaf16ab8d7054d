// A node's search mirror of a PostgreSQL store: the rows of PostgreSQL's search table (each
// article's search text with the article, each podcast episode with its show, under their
// PostgreSQL ids) copied into a SQLite FTS5
// index in a node-local temporary file and searched by the SQLite store's own search code
// (store/sqlite_search.h), so that a search costs SQLite's time, not PostgreSQL's ranking.
// PostgreSQL stays the source of truth: the mirror answers only when it holds the content at the
// change counter the searcher has just read; otherwise the SQL search answers.
// Contract: thread-safe; one per process and store (SharedSearchMirror), shared by that store's
// connections; each search uses a SQLite connection of its own (kept for the next one).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "content/content_store.h"
#include "store/open_store.h"

namespace cinepress {

class PgConnection;
class SqliteMirrorStore;

class PgSearchMirror {
 public:
  // A mirror of the store at `options.url`, empty until Sync (kBackground: started at once on a
  // thread of its own). The temporary file is made in `dir` (the system's when empty).
  static Result<std::unique_ptr<PgSearchMirror>> Make(const StoreOptions& options,
                                                      const std::filesystem::path& dir = {});
  ~PgSearchMirror();
  PgSearchMirror(const PgSearchMirror&) = delete;
  PgSearchMirror& operator=(const PgSearchMirror&) = delete;

  // The search's results when the mirror holds the content at change counter `version`
  // (kInline: brought there first when it can be); nothing when it does not.
  std::optional<Result<SearchResults>> Search(const SearchQuery& query, int64_t version);
  // Brings the mirror to what PostgreSQL holds now: the search rows whose versions (their
  // rows' xmin) changed are read again, those gone are removed; the first time, every one.
  Status Sync();
  // The change counter the mirror holds the content of; -1 before the first Sync.
  int64_t version() const { return version_.load(); }
  const std::filesystem::path& file() const { return file_; }

 private:
  PgSearchMirror(StoreOptions options, std::filesystem::path dir);
  Status Open();     // the SQLite file and its writing connection
  Status Connect();  // the connections to PostgreSQL (again after a lost one)
  void Keep();       // kBackground's thread: Sync at every change notification
  void SayReady(std::chrono::steady_clock::duration took);  // on stderr, once built
  // A search row as the mirror knows it: its version, and an episode's key (show, source).
  struct Row {
    std::string version, show, source;
  };
  Status Apply(const std::map<int64_t, Row>& rows, const std::vector<int64_t>& changed,
               const std::vector<int64_t>& gone);
  Status Remove(int64_t id, const Row& held);  // from the mirror's file, in Apply's transaction
  std::unique_ptr<ContentStore> TakeReader();

  StoreOptions options_;       // PostgreSQL's, the mirror off
  StoreOptions::Mirror mode_;  // kBackground or kInline
  std::filesystem::path dir_;  // the temporary folder, removed with the mirror
  std::filesystem::path file_;

  std::mutex sync_mu_;  // one Sync at a time; guards what follows up to readers_mu_
  std::unique_ptr<ContentStore> source_;       // PostgreSQL: versions, articles, notifications
  std::unique_ptr<PgConnection> rows_;         // PostgreSQL: the search rows themselves
  std::unique_ptr<SqliteMirrorStore> writer_;  // the mirror's SQLite file
  std::map<int64_t, Row> held_;                // id -> its search row, as mirrored
  std::atomic<int64_t> version_{-1};

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<ContentStore>> readers_;  // idle SQLite connections for searches

  std::atomic<bool> stop_{false};
  std::thread keeper_;
};

// This process's mirror of the store at `options.url`, made (and in kBackground started) by the
// first call; kept while a caller holds it.
Result<std::shared_ptr<PgSearchMirror>> SharedSearchMirror(const StoreOptions& options);

}  // namespace cinepress
