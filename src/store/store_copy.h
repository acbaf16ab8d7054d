// Moving a magazine from one store to another (SQLite to PostgreSQL and back): every table the
// magazine's roles keep, copied in one transaction on the target, then verified by counting and
// hashing every table on both sides. The search index is not copied: the target makes it again
// from the articles (on the next open with search on).
// Contract: the source is only read; the target's tables are replaced whole, or not at all.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/open_store.h"

namespace cinepress {

// Where a store is: a PostgreSQL URL, or the path of a SQLite file.
struct StoreAddress {
  std::filesystem::path file;
  StoreOptions options;
};
// "postgresql://…" (or "postgres://…") is PostgreSQL; anything else is a SQLite file's path.
StoreAddress ParseStoreAddress(const std::string& text, StoreOptions options = {});

struct TableCopy {
  std::string table;
  int64_t rows = 0;
  std::string hash;  // BLAKE2b over the table's rows, whatever their order (hex)
};

struct CopyReport {
  bool changed = false;  // false: the target already held the same rows (nothing written)
  std::vector<TableCopy> tables;
};

// Copies every table from `from` to `to` (made or migrated first). A target that already holds
// the same rows is left as it is.
Result<CopyReport> CopyStore(const StoreAddress& from, const StoreAddress& to);

// Each table's rows and hash, as CopyStore compares them.
Result<std::vector<TableCopy>> HashStore(const StoreAddress& store);

}  // namespace cinepress
