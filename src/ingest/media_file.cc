#include "ingest/media_file.h"

#include <fstream>

#include "core/text.h"

namespace cinepress {

Result<MediaStored> StoreMediaFile(ContentStore& store, const std::string& path,
                                   const std::filesystem::path& file,
                                   const std::string* stored_hash) {
  auto hash = FileContentHash(file);
  if (!hash) return hash.error();
  if (stored_hash && *stored_hash == *hash) return MediaStored{MediaChange::kUnchanged, *hash};
  std::ifstream in(file, std::ios::binary);
  if (auto s = store.SaveMediaFrom(path, in); !s) {
    Error e = s.error();
    if (e.file.empty()) e.file = file.string();
    return e;
  }
  return MediaStored{stored_hash ? MediaChange::kUpdated : MediaChange::kAdded, *hash};
}

}  // namespace cinepress
