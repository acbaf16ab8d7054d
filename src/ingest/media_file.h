// A file of a content folder (or a download) stored as media by every importer: read a chunk at
// a time, never whole, so that a 500 MB episode imports in flat memory; left alone when the
// store holds the same bytes at that path already.
// Contract: a plain function over the store it is given.
#pragma once

#include <filesystem>
#include <string>

#include "content/content_store.h"
#include "core/result.h"

namespace cinepress {

enum class MediaChange { kUnchanged, kAdded, kUpdated };
struct MediaStored {
  MediaChange change = MediaChange::kUnchanged;
  std::string hash;  // of the file's bytes
};

// Stores `file` at `path`; `stored_hash` is the hash the store has at that path (null: none).
Result<MediaStored> StoreMediaFile(ContentStore& store, const std::string& path,
                                   const std::filesystem::path& file,
                                   const std::string* stored_hash);

}  // namespace cinepress
