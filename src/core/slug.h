// Slugs: the URL-safe names of articles, categories, tags and authors.
// Contract: Slugify is pure and thread-safe (it keeps one ICU transliterator per thread).
#pragma once

#include <string>
#include <string_view>

namespace cinepress {

// "Cléo & the Łódź Tapes" -> "cleo-the-lodz-tapes"; any script is transliterated to ASCII
// ("박서연" -> "bagseoyeon"). Never empty: "untitled" when nothing is left.
std::string Slugify(std::string_view text);

// True when `slug` is already a valid slug: [a-z0-9] runs joined by single '-'.
bool IsValidSlug(std::string_view slug);

// True for a page's slug, which may place it under other pages: slugs joined by '/'
// ("about/masthead"), as pages imported from WordPress keep their tree.
bool IsValidPageSlug(std::string_view slug);

}  // namespace cinepress
