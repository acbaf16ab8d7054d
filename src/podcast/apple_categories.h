// Apple Podcasts' categories and subcategories, as data (Apple's list, 2024): a show's
// `category:` and `subcategory:` must name one of them, spelled as Apple spells it.
// Contract: plain functions over constant data; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cinepress {

// Why `category` / `subcategory` is not one of Apple's ("" subcategory: none), or nullopt.
std::optional<std::string> AppleCategoryProblem(std::string_view category,
                                                std::string_view subcategory);

}  // namespace cinepress
