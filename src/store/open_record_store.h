// The newsroom's film and person records (content/record_edits.h: RecordStore) in the store's
// database, on a connection of their own; the engine is open_store.h's choice (StoreOptions).
// Contract: as open_store.h's factories: a store for one thread at a time.
#pragma once

#include <filesystem>
#include <memory>

#include "content/record_edits.h"
#include "store/open_store.h"

namespace cinepress {

Result<std::unique_ptr<RecordStore>> OpenRecordStore(const std::filesystem::path& file,
                                                     const StoreOptions& options);

// Each engine's (for open_store.cc).
Result<std::unique_ptr<RecordStore>> OpenSqliteRecordStore(const std::filesystem::path& file,
                                                           const StoreOptions& options);
Result<std::unique_ptr<RecordStore>> OpenPgRecordStore(const StoreOptions& options);

}  // namespace cinepress
