// What both store engines share about media kept in chunks: the slice of one chunk a read
// returns, the errors for a file or content that is not there, and the check of every file's
// stored bytes against its hash (cinepress check).
// Contract: plain functions, thread-safe; CheckStoredMedia uses the store it is given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "content/content_store.h"
#include "core/result.h"

namespace cinepress {

Error NoMediaFile(const std::string& path);
Error NoMediaContent(const std::string& hash);

// The part of one stored chunk that a read from `at` (within the chunk) of at most `max` bytes
// returns.
std::string SliceOfChunk(std::string chunk, size_t at, size_t max);

// Reads every media file a chunk at a time (never whole) and says what is wrong with each:
// "podcasts/x.mp3: its chunks hold 524288 of its 524298 bytes", "…: its bytes do not match its
// hash …". Empty when every file is whole.
Result<std::vector<std::string>> CheckStoredMedia(ContentStore& store);

}  // namespace cinepress
