// The hash that picks the words the static search index's chunks start at (search_site.cc: the
// words of smallest hash). Contract: a pure function, the same on every build and platform, and
// well mixed, so that a short word (two letters, a year) is no likelier than a long one to start
// a chunk.
#pragma once

#include <cstdint>
#include <string_view>

namespace cinepress {

uint64_t SearchWordHash(std::string_view word);

}  // namespace cinepress
