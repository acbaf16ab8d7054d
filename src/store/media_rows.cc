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

MediaStreamReader::MediaStreamReader(std::istream& in, std::string path)
    : in_(in), path_(std::move(path)) {}

Error MediaStreamReader::Failed(const std::string& what) const {
  return Error{ErrorCode::kIo, "media \"" + path_ + "\": " + what, path_, 0, {}};
}

Status MediaStreamReader::Measure() {
  ContentHasher hasher;
  chunk_.resize(ContentStore::kMediaChunkBytes);
  size_ = 0;
  while (in_) {
    in_.read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
    hasher.Add(std::string_view(chunk_).substr(0, static_cast<size_t>(in_.gcount())));
    size_ += in_.gcount();
  }
  if (in_.bad()) return Failed("cannot be read");
  hash_ = hasher.Finish();
  in_.clear();
  if (!in_.seekg(0)) return Failed("cannot be read a second time (not a file)");
  return {};
}

Result<std::string_view> MediaStreamReader::Next() {
  if (read_ >= size_) {
    if (!checked_) {
      checked_ = true;
      if (read_ != size_ || again_.Finish() != hash_) return Failed("changed while it was stored");
    }
    return std::string_view();
  }
  in_.read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
  if (in_.bad() || in_.gcount() == 0) return Failed("changed while it was stored");
  const std::string_view piece(chunk_.data(), static_cast<size_t>(in_.gcount()));
  again_.Add(piece);
  read_ += in_.gcount();
  return piece;
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
