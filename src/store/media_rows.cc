#include "store/media_rows.h"

#include "core/text.h"

namespace cinepress {

Error NoMediaFile(const std::string& path) {
  return Error{ErrorCode::kNotFound, "no media file \"" + path + "\"", {}, 0, {}};
}

Error NoMediaContent(const std::string& hash) {
  return Error{
      ErrorCode::kNotFound, "no media content " + hash + " (replaced or deleted)", {}, 0, {}};
}

std::string SliceOfChunk(std::string chunk, size_t at, size_t max) {
  if (at >= chunk.size()) return std::string();
  if (at == 0 && chunk.size() <= max) return chunk;
  return chunk.substr(at, max);
}

Result<std::vector<std::string>> CheckStoredMedia(ContentStore& store) {
  auto files = store.LoadMediaList();
  if (!files) return files.error();
  std::vector<std::string> problems;
  for (const MediaFile& f : *files) {
    ContentHasher hasher;
    int64_t seen = 0;
    for (;;) {
      auto piece = store.ReadMedia(f.hash, seen, ContentStore::kMediaChunkBytes);
      if (!piece) return piece.error();
      if (piece->empty()) break;
      hasher.Add(*piece);
      seen += static_cast<int64_t>(piece->size());
    }
    if (seen != f.size) {
      problems.push_back(f.path + ": its chunks hold " + std::to_string(seen) + " of its " +
                         std::to_string(f.size) + " bytes");
    } else if (hasher.Finish() != f.hash) {
      problems.push_back(f.path + ": its bytes do not match its hash " + f.hash);
    }
  }
  return problems;
}

}  // namespace cinepress
