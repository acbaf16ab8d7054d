// What both store engines share about media kept in chunks: a file read from a stream a chunk
// at a time, the slice of one chunk a read returns, the errors for a file or content that is not
// there, and the check of every file's stored bytes against its hash (cinepress check).
// Contract: plain functions, thread-safe; CheckStoredMedia uses the store it is given; a
// MediaStreamReader is used by one thread.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "content/content_store.h"
#include "core/result.h"
#include "core/text.h"

namespace cinepress {

Error NoMediaFile(const std::string& path);
Error NoMediaContent(const std::string& hash);

// The part of one stored chunk that a read from `at` (within the chunk) of at most `max` bytes
// returns.
std::string SliceOfChunk(std::string chunk, size_t at, size_t max);

// A file's bytes stored from a stream, never held whole: Measure reads the stream once for
// their hash and size, then Next gives them again a chunk (kMediaChunkBytes) at a time and, at
// the end, checks that they were the bytes measured (a file changed meanwhile is an error, not
// a stored file whose hash lies).
class MediaStreamReader {
 public:
  MediaStreamReader(std::istream& in, std::string path);
  Status Measure();  // then rewinds the stream
  const std::string& hash() const { return hash_; }
  int64_t size() const { return size_; }
  // The next chunk; empty at the end.
  Result<std::string_view> Next();

 private:
  Error Failed(const std::string& what) const;

  std::istream& in_;
  std::string path_, hash_, chunk_;
  int64_t size_ = 0, read_ = 0;
  ContentHasher again_;
  bool checked_ = false;
};

// Reads every media file a chunk at a time (never whole) and says what is wrong with each:
// "podcasts/x.mp3: its chunks hold 524288 of its 524298 bytes", "…: its bytes do not match its
// hash …". Empty when every file is whole.
Result<std::vector<std::string>> CheckStoredMedia(ContentStore& store);

}  // namespace cinepress
