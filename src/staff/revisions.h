// Revisions as people compare them: an article as lines of text (its fields, one a line, then
// its body), and a line diff of two texts (Myers' algorithm by Debian's dtl, libdtl-dev).
// Contract: pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/model.h"

namespace cinepress {

// "title: …", "slug: …", … (the fields that are set), a blank line, then the body.
std::string RevisionText(const Article& article);

struct DiffLine {
  enum Kind { kSame, kRemoved, kAdded };
  Kind kind = kSame;
  std::string text;
};

// The lines of `before` and `after` in order, each kept, removed or added (the shortest edit).
std::vector<DiffLine> LineDiff(std::string_view before, std::string_view after);

}  // namespace cinepress
