// Opening a ContentStore by its location: the composition root's one way in.
// Contract: each call opens a new connection (use one per thread); the schema is created or
// migrated on open, inside a transaction.
#pragma once

#include <filesystem>
#include <memory>

#include "content/content_store.h"

namespace cinepress {

// The embedded store: a SQLite database file (created if missing), in WAL mode.
Result<std::unique_ptr<ContentStore>> OpenSqliteStore(const std::filesystem::path& file);

}  // namespace cinepress
