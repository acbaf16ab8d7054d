// gzip (RFC 1952), made by libdeflate and read by zlib: the one compressor of the program, for
// HTTP responses and for the files the build writes compressed (the static search index).
// Contract: pure functions, thread-safe; the same input and level give the same bytes (the gzip
// header carries no time or name), so a build's fingerprints stay stable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cinepress {

// `data` compressed at `level` (1 fastest … 12 smallest); nullopt for a level outside 0 … 12.
std::optional<std::string> Gzip(std::string_view data, int level);

// The bytes a gzip stream holds; nullopt when `data` is not one whole gzip stream.
std::optional<std::string> Gunzip(std::string_view data);

}  // namespace cinepress
