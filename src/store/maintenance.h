// Keeping the SQLite store safe: a consistent copy while the site is served (backup), putting a
// copy back (restore), and asking SQLite whether the file is sound (check).
// Contract: plain functions, each on connections of its own; safe while other processes (serve,
// an import) use the store: a backup is one read transaction, a restore one write transaction.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/open_store.h"

namespace cinepress {

// These work on the SQLite file; `command` ("backup", "restore", "check") is refused, saying
// why and what to use instead, when `options` name a PostgreSQL store.
Status RequireSqliteStore(const StoreOptions& options, const std::string& command);

// How many schema versions (migrations) this program knows: a store whose user_version is higher
// was made by a newer cinepress.
int64_t SqliteSchemaVersion();

// The migration (SQL text) that schema version `version` + 1 runs, for tests that build an older
// schema; `version` in [0, SqliteSchemaVersion()).
const char* SqliteMigration(int64_t version);

// Copies the store into `dest` with SQLite's online backup API, in one step: the copy is the store
// as one read transaction saw it, whatever serve or an import write meanwhile. The copy is a
// single file (rollback journal, not WAL), written beside `dest` under a temporary name, synced
// and renamed over it: `dest` is the whole copy or what it was before, never half of one.
Status BackupSqliteStore(const std::filesystem::path& store, const std::filesystem::path& dest);

// What SQLite finds wrong in the file (PRAGMA integrity_check, then foreign_key_check), one line
// per problem; empty when the file is sound. An Error when the file cannot be opened at all. The
// search tables' tokenizer is registered first, so that the full-text tables are checked too.
Result<std::vector<std::string>> CheckSqliteStore(const std::filesystem::path& store);

// Whether `file` is a cinepress store this program can use: an SQLite database, sound, with the
// store's tables, and a schema no newer than SqliteSchemaVersion(). The Error says why not.
Status VerifySqliteStoreFile(const std::filesystem::path& file);

// Replaces everything in the store at `store` with the content of `backup` (checked first by
// VerifySqliteStoreFile) through the backup API, as one write transaction on the live file: other
// connections (a running serve) see the old store or the new one, never a mix, and a crash during
// the restore leaves the old one. The old store is first copied aside to `aside` (when it exists
// and `aside` is not empty), so that a wrong restore can itself be undone.
Status RestoreSqliteStore(const std::filesystem::path& backup, const std::filesystem::path& store,
                          const std::filesystem::path& aside);

}  // namespace cinepress
