// A collection's entries and the newsroom's operations on their order (issue #15): an entry is
// the address of an article ("reviews/low-water", "/reviews/low-water/"), a film or a person
// ("/people/park-seo-yeon/"), kept as written; two spellings of one address are one entry.
//
//   move     an entry one place up or down (the no-script buttons)
//   remove   an entry out
//   add      an address at the end (refused when it is in already)
//   reorder  the whole list in a new order (the script's drag): the same entries, or refused
//
// Contract: pure functions over values; thread-safe. Each returns the new list, or an error
// naming the field "items" that says why in words for the person.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "content/model.h"
#include "core/result.h"

namespace cinepress {

// Collections are kept as articles of this section; the site shows them apart, in no list.
inline constexpr std::string_view kCollectionsSection = "collections";

inline bool IsCollection(const Article& a) {
  return a.kind == ArticleKind::kArticle && a.section == kCollectionsSection;
}

// The site path of an entry: "/reviews/low-water/" for "reviews/low-water"; "" for an empty one.
std::string CollectionEntryPath(std::string_view entry);

enum class EntryMove { kUp, kDown };

Result<std::vector<std::string>> MoveEntry(std::vector<std::string> entries, size_t index,
                                           EntryMove move);
Result<std::vector<std::string>> RemoveEntry(std::vector<std::string> entries, size_t index);
Result<std::vector<std::string>> AddEntry(std::vector<std::string> entries, std::string_view entry);
// `order`: every entry of `entries` once, in the new order (spelled either way).
Result<std::vector<std::string>> ReorderEntries(const std::vector<std::string>& entries,
                                                const std::vector<std::string>& order);

}  // namespace cinepress
